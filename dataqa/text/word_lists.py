"""The word lists near-copy verification (`dataqa.text.slots`) reads: words that never decide what a
text says (`FILLER`) and words that always do when added, dropped or turned (`NEGATIONS`, the
directions `UP_WORDS` / `DOWN_WORDS`), normalised as `dataqa.text.normalise` writes words."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(text.split())


FILLER = word_set(
    "a an the please pls plz kindly hi hello hey dear thanks thank thx just really very so um uh oh "
    "ok okay well also actually can could would will may might do does and then now some any "
    "lol lmao lmfao rofl haha hahaha hehe omg btw xd bro bruh dude"
)
"""Words whose addition, removal or exchange for another filler word never decides what a text says:
articles, politeness, hedges, and the asides of chat ("... lol", "... bro"), which name nothing."""
CLOSED_WORDS = word_set(
    "of in on at to for from with by about as into onto over under after before between through "
    "during without within up down out off back and or but than if when where while how what which "
    "who whom whose why is are was were be been being am did have has had shall should must i you he "
    "she it we they me him us them my your his her its our their mine yours this that these those "
    "all such only there here anything something everything nothing anyone someone everyone one "
    "wanna gonna gotta"
)
"""Prepositions, conjunctions, question words, auxiliaries, pronouns and determiners: words that
name no thing. Two texts that each add one of them a few words apart ("(what) do i have (anything)",
"check (up) on" / "can (you) check on") say the same in other words (`set_words.own_words_apart`),
and none names a kind of thing (`told_apart.kind_apart`). Not sklearn's English stop words, which
hold nouns and verbs ("put", "top", "side")."""
PARTICLES = word_set("的 之 地 得 了 吗 嗎 呢 吧 啊 呀 嘛 の")
"""Chinese structural and sentence-final particles (and Japanese の), one character and a word of
its own once normalised: what the articles and filler are to English, put in or left out without
changing what a question asks ("中国(的)首都")."""
OTHER_NEGATIONS = word_set(
    "nicht kein keine keinen keinem keiner keines nie niemals ohne "  # de ("nie": pl too)
    "pas jamais sans aucun aucune rien "  # fr
    "nunca jamás ningún ninguna ninguno nada "  # es
    "non senza nessun nessuno nessuna niente "  # it
    "não sem nenhum nenhuma "  # pt
    "niet geen nooit zonder "  # nl
    "nigdy bez żaden żadna żadne żadnych "  # pl
    "не нет ни никогда ничего ничто никто нигде никуда никак без "  # ru, and uk, bg, be for "не", "без"
    "ні ніколи нічого ніхто ніде нікуди "  # uk
    "değil yok asla hiçbir "  # tr (not "hiç": "ever" in a question)
    "tidak tak bukan belum jangan tanpa tiada enggak nggak "  # id, ms
    "không chẳng chưa đừng "  # vi
    "不 没 沒 无 無 未 别 別 勿"  # zh: one character, a word of its own once normalised
)
"""Negations of the other languages (Chinese: one character), left out where they are everyday
English words too ("sin", "mai", "ni") or another language's common word (Slavic "ne" is Turkish
"what"). Indonesian and Malay "tidak", "bukan", "belum": IndoNLI's hypotheses and their negations
over one premise (entailment and contradiction, both right) were near copies and label conflicts."""
NEGATIONS = (
    word_set(
        "not no never cannot cant dont doesnt didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt "
        "hasnt havent hadnt mustnt neednt shant aint nor none nothing neither nobody without "
        "hardly barely scarcely seldom rarely unlike"
    )
    | OTHER_NEGATIONS
)
"""Negations (normalised, apostrophes dropped): adding or dropping one reverses a statement. The
negating adverbs and "unlike" too: "(unlike) lots of hollywood fluff", "a story that (hardly) holds
together" are opposite reviews (SST-2's phrases, both labels right); and `OTHER_NEGATIONS`. Chinese
negates with one character, a word of its own once normalised (`normalise.UNSPACED`): "鱼香肉丝(不)好吃"
are two reviews."""
UP_WORDS = word_set(
    "more most greater greatest higher highest larger largest bigger biggest older oldest elder eldest "
    "taller tallest longer longest above over exceed exceeds exceeding after later latest max maximum "
    "increase increased increasing ascending asc best better faster fastest last top "
    "mehr älter höher größer über "  # de
    "plus après supérieur supérieure "  # fr
    "más mayor máximo después "  # es, pt
    "più dopo massimo "  # it
    "depois "  # pt ("mais" is French "but")
    "więcej najwięcej powyżej starszy starsza starsze starszych"  # pl
)
"""Words that say more, higher, later (`DOWN_WORDS` the other way): one swapped for its opposite, or
one added, dropped or swapped for another word beside a quantity, asks another question ("25 or
older" / "25 or younger", "sort ascending" / "descending", "players who are (taller than) 6'8")."""
DOWN_WORDS = word_set(
    "less least fewer fewest lower lowest smaller smallest younger youngest newer newest shorter "
    "shortest below under before earlier earliest min minimum decrease decreased decreasing "
    "descending desc worst worse slower slowest cheaper cheapest first bottom "
    "weniger jünger niedriger kleiner unter "  # de
    "moins avant inférieur inférieure "  # fr
    "menos menor mínimo antes "  # es, pt
    "meno prima minimo "  # it
    "mniej najmniej poniżej przed młodszy młodsza młodsze młodszych"  # pl
)
"""Words that say less, lower, earlier: the other way of `UP_WORDS`."""
COMPASS_WORDS = word_set(
    "north south east west northern southern eastern western northeast northwest southeast southwest "
    "nord süd ost ouest oeste ovest norte"  # de, fr, es, pt, it ("est", "sur", "sul", "este" are other words)
)
"""Points of the compass: one put before a name names another place ("the university of (west)
alabama", "(north) korea", "(south) sudan"), whatever the set writes beside it (`set_words.other_term`)."""
IDENTIFIER_NOUNS = word_set(
    "order orders tracking reference ref invoice account acct ticket serial isbn issn id sku policy "
    "customer member membership booking confirmation reservation transaction claim zip zipcode "
    "postcode postal pin phone tel telephone fax mobile ext extension passport licence license vin "
    "imei iban routing employee student patient user userid username job issue build"
)
"""Nouns that name the long number just after them (a word or two before it) as an identifier:
"order 55120", "ticket no 883412", "zip code 10001". Another one is another record of the same
request, not another request (`operands.operand_numbers`)."""
OPERATION_WORDS = word_set(
    "mod modulo pmod bmod equiv congruent divided divide divides divisible divisor divisors multiplied "
    "multiply times plus minus remainder sum product difference quotient factor factors factorization "
    "factorial prime digits squared cubed power exponent sqrt root gcd lcm frac cdot le ge leq geq neq "
    "equals rounded round simplify compute calculate evaluate convert percent average"
)
"""Words of an operation on the numbers near them ("38574 mod 19", "the sum of the digits of
123456", "is 10007 prime"): a long number beside one is an operand of the task, a quantity."""
UNIT_WORDS = word_set(
    "dollars euros pounds yen rupees cents usd eur gbp km kilometers kilometres miles meters metres "
    "cm mm kg kilograms grams lb lbs tons tonnes liters litres ml gallons ft feet inches hours minutes "
    "seconds days weeks months years people persons"
)
"""Units and counted things written after a number ("12500 dollars", "48000 people"): a long number
before one says how much, a quantity."""
