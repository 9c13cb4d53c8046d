"""Template-aware similarity (#19): what many rows share is discounted, decisive slots keep inputs
apart, genuine near copies still pair, groups never chain, and evidence says where texts differ."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import candidates, minhash, near_duplicates, set_words, slots, templates, typos, verify
from dataqa.text.raw_parts import decisive_part, name_positions, part_of_words
from dataqa.text.worddiff import word_diff

PREAMBLE = (
    "You can use one tool. Tool name: search_docs. Description: searches the internal reference "
    "documentation of the library and returns the most relevant passages with their titles. Use "
    "the tool whenever the question is about the documented library, answer from the returned "
    "passages only, cite the titles of the passages you used, and say so plainly when the "
    "documentation does not cover the question. Question:"
)
TASKS = [
    "How do I open a file for appending?",
    "Which exception does int() raise on bad input?",
    "Can a dataclass have default values?",
    "What is the difference between a list and a tuple?",
    "How are keyword-only arguments declared?",
    "Why does my generator stop after one pass?",
    "Where is the default encoding of open() documented?",
    "How can I sort a dictionary by its values?",
    "What does the walrus operator do?",
    "Is the GIL released during file reads?",
    "How do I compare two floats safely?",
    "When should I use a frozenset?",
]


def _chat(user: str, assistant: str = "Let me check the documentation.") -> str:
    return json.dumps(
        {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}
    )


def _context(tmp_path: Path, **splits: list[str]) -> Context:
    paths = {}
    for name, lines in splits.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths[name] = str(path)
    config = Config()
    return Context(load_splits(paths, config), config)


# (first, second, whether they are near copies)
PAIRS = [
    ("What does the reference say about closures?", "What does the reference say about decorators?", False),
    (
        "A train travels 270 miles in 3 hours. What is its average speed in miles per hour?",
        "A train travels 360 miles in 4 hours. What is its average speed in miles per hour?",
        False,
    ),
    ("why is my physical card not working", "why is my virtual card not working", False),
    ("where were you born", "when were you born", False),
    (
        "What is the home address of news anchor Tom Brokaw, who presented the evening news for many "
        "years on national television?",
        "What is the home address of news anchor Diane Sawyer, who presented the evening news for many "
        "years on national television?",
        False,
    ),
    (
        "Is my card working again now that the replacement has arrived in the mail?",
        "Is my card not working again now that the replacement has arrived in the mail?",
        False,
    ),
    (
        "why has my transfer to my savings account not arrived",
        "why has my transfer to my savings acount not arrived",
        True,
    ),
    (
        "Can you please help me reset the password of my account?",
        "Please can you help me reset the password of my account",
        True,
    ),
    (
        "How do I cancel my order that I placed yesterday evening?",
        "How can I cancel my order that I placed yesterday evening?",
        True,
    ),
    (
        "I recieve an error when I open the settings page of the app",
        "I receive an error when I open the settings page of the app",
        True,
    ),
    (
        "Where is my parcel for order 48213? It never arrived.",
        "Where is my parcel for order 48877? It never arrived.",
        True,
    ),
]


def test_templated_inputs_that_differ_in_the_deciding_slot_are_not_near(tmp_path: Path) -> None:
    """The issue's examples stay apart; typo fixes, filler, reordered filler and another order
    number (an identifier, not a quantity) still pair."""
    rows = [_chat(text, "ok") for a, b, _ in PAIRS for text in (a, b)]
    ctx = _context(tmp_path, train=rows)
    found = set(
        near_duplicates.near_pairs(ctx, "train", "train", "prompt")
        .select("left_line", "right_line")
        .iter_rows()
    )
    expected = {(2 * i + 1, 2 * i + 2) for i, (_, _, near) in enumerate(PAIRS) if near}
    assert found == expected


def test_a_shared_preamble_over_unrelated_tasks_is_discounted(tmp_path: Path) -> None:
    """Twelve unrelated questions under one 60-word preamble and one shared reply: before, every
    pair scored about 0.9 and all twelve rows made one group; now the preamble's word pairs are
    template shingles, and only the planted typo copy (line 13 of line 2) pairs."""
    rows = [_chat(f"{PREAMBLE} {task}") for task in TASKS]
    rows.append(_chat(f"{PREAMBLE} Which exception does int() raise on bad imput?"))
    ctx = _context(tmp_path, train=rows)
    common = templates.templates(ctx, "prompt", 2)
    assert len(common) >= 55  # the preamble's word pairs
    for column in ("prompt", "text"):
        assert near_duplicates.near_duplicate_groups(ctx, "train", column) == [[2, 13]]
    pairs = near_duplicates.near_pairs(ctx, "train", "train", "prompt")
    assert pairs.select("left_line", "right_line").rows() == [(2, 13)]
    # A typo fix counts as the same word; texts that differ never score 1.0 (the same text).
    assert pairs["similarity"][0] == pytest.approx(verify.DISTINCT_CAP)


def test_template_shingles_leave_the_sketches_so_templated_rows_share_no_giant_bucket(tmp_path: Path) -> None:
    """With the preamble's shingles in the sketches, 300 rows under it fall into shared LSH buckets
    (tens of thousands of candidate pairs); without them, candidates are about as few as on text
    without a preamble."""
    rng = np.random.default_rng(3)
    vocab = [f"word{i}" for i in range(3000)]
    tasks = [" ".join(rng.choice(vocab, 8)) + "?" for _ in range(300)]
    ctx = _context(tmp_path, train=[_chat(f"{PREAMBLE} {t}", "ok") for t in tasks])
    with_template = candidates.candidates_within(minhash.bands(ctx, "train", "prompt", 2))
    texts = near_duplicates.distinct(ctx, "train", "prompt").texts
    plain = candidates.candidates_within(minhash.band_keys(minhash._sketch_chunk(texts, 2)))
    assert len(plain) > 5000
    assert len(with_template) < 100


def test_groups_never_chain_through_a_middle_row(tmp_path: Path) -> None:
    """A ~ B and B ~ C but A is not near C: A heads a group with B, and C is left alone (connected
    components made one group of all three)."""
    a = "the blue rain jacket in size medium is back in stock on monday and ships the same day with a link"
    b = a.replace("blue", "green").replace("monday", "tuesday")
    c = b.replace("medium", "large").replace("link", "receipt")
    rows = [_chat("Where is my jacket?", text) for text in (a, b, c)]
    ctx = _context(tmp_path, train=rows)
    pairs = set(
        near_duplicates.near_pairs(ctx, "train", "train", "response")
        .select("left_line", "right_line")
        .iter_rows()
    )
    assert pairs == {(1, 2), (2, 3)}
    assert near_duplicates.near_duplicate_groups(ctx, "train", "response") == [[1, 2]]


def _compare(a: str, b: str, content: int | None = None) -> slots.Comparison:
    wa, wb = a.split(), b.split()
    codes: dict[str, str] = {}
    ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wa)
    cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wb)
    return slots.compare(wa, wb, ca, cb, min(len(wa), len(wb)) if content is None else content)


def test_slot_rules_word_by_word() -> None:
    assert _compare("what is the capital of france", "what is the capital of spain").reason == "word"
    assert (
        _compare(
            "a b c d e 270 f g h i j k l m n o p q r s t u v w",
            "a b c d e 360 f g h i j k l m n o p q r s t u v w",
        ).reason
        == "number"
    )
    assert _compare("order 48213 never came", "order 48877 never came").reason is None  # identifiers
    # A model code names which thing, as a number does, in a text of any length; a record's own
    # identifier, letters and digits interleaved, does not.
    words = " ".join(["the spare parts list of the old car"] * 4)
    assert _compare(f"{words} the engine d5244 t", f"{words} the engine d5252 t").reason == "number"
    assert _compare("seats on the a320", "seats on the b737").reason == "number"
    assert _compare("ticket xj7k2p never came", "ticket qp4m8z never came").reason is None
    assert _compare("it is working now", "it isnt working now").reason == "negation"
    typo = _compare("please check my recieved payment", "check my received payment")
    assert typo.reason is None and typo.score == 1.0
    assert _compare("hi", "hello").score == 0.0  # nothing shared: never near, filler or not
    assert _compare("can i return the shoes", "could i return the shoes").reason is None


def test_a_direction_turned_decides_in_a_text_of_any_length() -> None:
    """`slots.turns`: a word that says more or less swapped for its opposite decides at any length;
    one added, dropped or swapped for a word that is none decides beside a quantity; the same
    direction reworded, a direction word without a quantity near, or a typo of one does not.
    Plain negations of other languages count as negations."""
    long = " ".join(["the players of the league on the roster of this season"] * 3)
    turned = {
        f"{long} who are 25 years old or older": f"{long} who are 25 years old or younger",
        f"{long} order by count desc": f"{long} order by count asc",
        f"{long} who are 68": f"{long} who are taller than 68",
        f"{long} weigh 250 pounds": f"{long} weigh over 250 pounds",
        f"{long} who are 25 years or older": f"{long} who are 25 years",
    }
    for a, b in turned.items():
        assert _compare(a, b, 30).reason == "direction", (a, b)
    same = {
        f"{long} over 25": f"{long} more than 25",  # one direction, reworded
        f"explain in more detail {long}": f"explain in detail {long}",  # no quantity near
        f"{long} who are taller than 68": f"{long} who are tallr than 68",  # a typo
        f"{long} 25 or younger in the nba": f"{long} in the nba 25 or younger",  # moved
        f"{long} who are the top 5 highest paid": f"{long} who are the 5 highest paid",  # said already
    }
    for a, b in same.items():
        assert _compare(a, b, 30).reason != "direction", (a, b)
    assert _compare(f"{long} wo ist es nicht", f"{long} wo ist es", 30).reason == "negation"
    assert _compare("sprawdź czy nie pada", "sprawdź czy pada").reason == "negation"
    long = " ".join(f"w{i}" for i in range(30))
    swapped = _compare(long + " alpha", long + " beta")
    assert swapped.reason is None and swapped.maybe_names  # a name? only the raw text can tell
    assert _compare(long + " alpha", long + " beta", content=slots.NAME_WORDS + 1).maybe_names == []
    # A whole sentence added keeps its filler in the score: it is a passage, not a filler word.
    added = _compare("the kettle is steel", "the kettle is steel and the lid is made of glass too")
    assert added.score == pytest.approx(8 / 16)


def test_a_word_the_set_writes_only_beside_another_makes_another_term(tmp_path: Path) -> None:
    """`templates.set_words`' bound words and the rule they feed (`slots.compare`'s `terms`): "garching
    forschungszentrum" is a station of its own beside "garching"; a word seen a few times, or one
    that mostly stands alone, is bound to nothing."""
    stations = ["marienplatz", "odeonsplatz", "moosach", "freimann", "harthaus", "hauptbahnhof"]
    rows = [f"from garching forschungszentrum to {s}" for s in stations]
    rows += [f"next bus from garching forschungszentrum to {s}" for s in stations]
    rows += [f"from garching to {s}" for s in stations]
    rows += [f"what type of ticket to {s}" for s in stations] + [
        f"price of a ticket to {s}" for s in stations
    ]
    rows += [f"which kind of {s} {k}" for s in stations for k in ("map", "line", "exit", "stop", "lift")]
    ctx = _context(tmp_path, train=[json.dumps({"text": r, "label": "x"}) for r in rows])
    found = templates.set_words(ctx, "prompt")
    assert found is not None
    terms = found.bound
    assert terms["forschungszentrum"][0] == "garching"
    assert "type" not in terms and "garching" not in terms  # seen too few times; mostly alone
    words = ["from", "garching", "forschungszentrum", "to", "moosach"]
    assert set_words.extends(words, 2, terms) and not set_words.extends(words, 4, terms)
    a, b = "from garching to moosach", "from garching forschungszentrum to moosach"
    wa, wb = a.split(), b.split()
    codes: dict[str, str] = {}
    ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wa)
    cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wb)
    assert slots.compare(wa, wb, ca, cb, 4, terms=slots.SetWords(terms)).reason == "term"
    assert slots.compare(wa, wb, ca, cb, 4).reason is None  # without the set's terms, a word added
    assert templates.set_words(_context(tmp_path, train=[json.dumps({"text": "a b"})] * 3), "prompt") is None
    one_word = [json.dumps({"text": f"w{i}", "label": "x"}) for i in range(12)]
    alone = templates.set_words(_context(tmp_path, train=one_word), "prompt")
    assert alone is not None and alone.bound == {}


def test_name_positions_skip_sentence_starts_and_titles() -> None:
    words = ["please", "ask", "ada", "lovelace", "about", "it", "then", "i", "will", "ask", "grace", "too"]
    assert name_positions("Please ask Ada Lovelace about it. Then I will ask Grace too!", words) == {
        2,
        3,
        10,
    }
    assert name_positions("PLEASE ASK ADA LOVELACE ABOUT IT THEN I WILL ASK GRACE TOO", words) is None
    assert name_positions("Please Ask Ada Lovelace About It Then I Will Ask Grace Too", words) is None
    assert name_positions("Ask Ada-Lovelace", ["ask", "adalovelace"]) is None  # not aligned


def _parts_verdict(raw_a: str, raw_b: str, threshold: float = 0.85) -> bool:
    """`raw_parts.decisive_part` of two raw texts, aligned as verification aligns them."""
    wa = [w.lower() for w in re.findall(r"[^\W_]+", raw_a.replace("'", ""))]
    wb = [w.lower() for w in re.findall(r"[^\W_]+", raw_b.replace("'", ""))]
    verdict = _compare(" ".join(wa), " ".join(wb), content=len(wa) + len(wb))
    names = name_positions(raw_a, wa), name_positions(raw_b, wb)
    parts = part_of_words(raw_a, wa), part_of_words(raw_b, wb)
    return decisive_part(verdict, *parts, threshold, names)


def test_a_part_that_says_something_else_decides_however_long_the_shared_part() -> None:
    """A long premise (or schema) shared, a short hypothesis (or question) of its own: two
    examples. The same premise with a word changed, or a paragraph added, is still one."""
    syllables = [
        a + b for a in ("ka", "lo", "mi", "nu", "re", "si", "to", "ve", "za") for b in ("bar", "del", "fin")
    ]
    premise = " ".join(f"{w}ton" for w in syllables * 3)[: 80 * 9] + "."
    assert part_of_words("One two.\n\nThree four\n five", ["one", "two", "three", "four", "five"]) == [
        0,
        0,
        1,
        1,
        1,
    ]
    assert part_of_words("One, two", ["one", "two", "three"]) is None  # not aligned
    # Mojibake is read repaired, as normalisation reads it ("GardaÃ­" is "Gardaí", "Â£" is "£").
    assert part_of_words(
        "Garda\u00c3\u00ad in \u00c2\u00a32,000\n\nNext", ["garda\u00ed", "in", "2", "000", "next"]
    ) == [0, 0, 0, 0, 1]
    # Format characters normalisation drops inside a word: each paragraph normalised as the text was.
    assert part_of_words("Bre\u00adak it\n\nNext", ["bre\u00adak", "it", "next"]) == [0, 0, 1]
    assert _parts_verdict(
        f"{premise}\n\nThe man was arrested in Berlin.", f"{premise}\n\nThe man was arrested in Munich."
    )
    rewritten = " ".join(f"{w}ing" for w in syllables[:27])
    other = " ".join(f"{w}ing" if i % 3 else f"{w}ed" for i, w in enumerate(syllables[:27]))
    assert _parts_verdict(f"{premise}\n\n{rewritten}", f"{premise}\n\n{other}")  # 9 of 27 words differ
    one_word = premise.replace("kabarton", "changed", 1)
    assert not _parts_verdict(f"{premise}\n\nThe man was arrested.", f"{one_word}\n\nThe man was arrested.")
    assert not _parts_verdict(premise, f"{premise}\n\nA closing sentence added.")  # added, not swapped
    # A hypothesis that drops and adds words (no word swapped for another) is another one too.
    assert _parts_verdict(
        f"{premise}\n\nOspreys have signed former Northampton prop Brian Mujati from Northampton Saints.",
        f"{premise}\n\nOspreys have signed Sale's former Brian Mujati.",
    )
    assert not _parts_verdict(  # a middle name added names the same man
        f"{premise}\n\nWho was the lawyer for Randy Craft?",
        f"{premise}\n\nWho was the lawyer for Randy Steven Craft?",
    )
    assert _parts_verdict(
        f"{premise}\n\nAn officer has been cleared of assaulting a man.",
        f"{premise}\n\nAn officer has been cleared of assaulting a man in Caernarfon.",
    )
    assert not _parts_verdict(  # one filler word and a typo fix in a short part
        f"{premise}\n\nThe man was arrested after the match.",
        f"{premise}\n\nThe man was arested after the match really.",
    )
    assert not _parts_verdict(
        f"{premise} in Berlin", f"{premise} in Munich"
    )  # one part: the whole text's rules


def test_the_same_long_answer_makes_a_reworded_question_one_example() -> None:
    """Whole examples: an answer the same in both and at least as long as the question that
    differs says the question was reworded; a short answer, or another one, does not."""
    answer = "Knowing Triangle The Hunger Games The Expendables The Last Song Timeless Empire State"
    a, b = (
        f"what other movies is liam hemsworth in?\n\n{answer}",
        f"what other movies has liam hemsworth?\n\n{answer}",
    )
    wa = [w.lower() for w in re.findall(r"[^\W_]+", a)]
    wb = [w.lower() for w in re.findall(r"[^\W_]+", b)]
    verdict = _compare(" ".join(wa), " ".join(wb), content=len(wa))
    parts = part_of_words(a, wa), part_of_words(b, wb)
    assert not decisive_part(verdict, *parts, 0.85, answer_last=True)
    assert decisive_part(verdict, *parts, 0.85)  # an input's last part is no answer
    assert _parts_verdict(
        "what language do they speak in mexico?\n\nSpanish",
        "what language do they speak in spain?\n\nSpanish",
    )


def test_word_diff_says_what_is_shared_and_where_texts_differ() -> None:
    assert (
        word_diff(
            "What does the reference say about closures?", "What does the reference say about decorators?"
        )
        == 'shares 6 of 7 words ("What does the reference say about"); differs: "closures" → "decorators"'
    )
    assert word_diff("Hi, I can't log in", "I cant log in please") == (
        'shares 4 of 5 words ("I can\'t log in"); differs: -"Hi", +"please"'
    )
    assert word_diff("Same!", "same") == 'shares 1 of 1 words ("Same"); differs only in case and punctuation'
    many = word_diff(" ".join(f"a{i} x" for i in range(8)), " ".join(f"b{i} x" for i in range(8)))
    assert many.endswith("and 4 more")


def test_template_vocabulary_is_what_most_training_prompts_repeat(tmp_path: Path) -> None:
    """Words in more than half of the training prompts are the data set's template: LEAK004's
    renumbered-copy test compares held-out and training prompts without them, so two questions
    behind one long tool list are no renumbered copy of each other, and a question that is a
    training one with another number still is."""
    from dataqa.text.overlap_filters import SAME_PROBLEM, _masked

    tools = " ".join(f"tool{i} looks up records of kind{i} by their field{i}" for i in range(40))
    train = [
        _chat(f"{tools} <question>What does research say about treatment {t} for condition {t}?")
        for t in ("alpha", "beta", "gamma", "delta")
    ]
    train += [
        _chat(f"{tools} <question>Find the users who have not logged in for {n} months") for n in range(3, 25)
    ]
    ctx = _context(tmp_path, train=train)
    vocabulary = templates.template_vocabulary(ctx)
    assert {"tool7", "looks", "records", "question", "users", "months"} <= vocabulary
    assert not {"research", "treatment", "alpha"} & vocabulary
    light = f"{tools} question what does research say about light therapy for seasonal affective disorder"
    fasting = f"{tools} question what does research say about intermittent fasting for weight loss"
    six = f"{tools} question find the users who have not logged in for 6 months"
    three = f"{tools} question find the users who have not logged in for 3 months"

    def alike(a: str, b: str, words: frozenset[str]) -> float:
        from rapidfuzz.distance import Levenshtein

        return Levenshtein.normalized_similarity(_masked(a, words), _masked(b, words))

    assert alike(light, fasting, frozenset()) >= SAME_PROBLEM  # the tool list made them alike
    assert alike(light, fasting, vocabulary) < SAME_PROBLEM
    assert alike(six, three, vocabulary) >= SAME_PROBLEM


def test_one_letter_apart_inside_two_words_in_use_and_a_negating_prefix_are_no_typo() -> None:
    """Two words the data set writes elsewhere, one letter apart before their ending, are two words
    ("leste" / "oeste", "junho" / "julho", "fort" / "port"); apart in the ending they inflect ("novo"
    / "nova"), a vowel for a vowel too ("come" / "came"), a first letter on a long stem is a prefix
    ("stwórz" / "utwórz"); a letter added, dropped or two swapped is how typing slips ("form" /
    "from", "mail" / "email"). A word with a negating prefix is its opposite whatever the set writes
    ("legalizar" / "ilegalizar", "possible" / "impossible"; not "i" before another letter)."""
    in_use = frozenset({"leste", "oeste", "junho", "julho", "fort", "port", "novo", "nova", "form", "from"})
    in_use |= {"mail", "email"}
    assert typos.is_typo("leste", "oeste") and typos.is_typo("leste", "lesre", in_use)
    assert not typos.is_typo("leste", "oeste", in_use) and not typos.is_typo("junho", "julho", in_use)
    assert not typos.is_typo("fort", "port", in_use)
    assert typos.is_typo("novo", "nova", in_use) and typos.is_typo("form", "from", in_use)
    assert typos.is_typo("mail", "email", in_use)
    in_use |= {"come", "came", "stwórz", "utwórz", "making", "baking"}
    assert typos.is_typo("come", "came", in_use) and typos.is_typo("stwórz", "utwórz", in_use)
    assert typos.is_typo("making", "baking", in_use)
    for word, negated in (
        ("legalizar", "ilegalizar"),
        ("possible", "impossible"),
        ("determinado", "indeterminado"),
        ("باید", "نباید"),
        ("میتونم", "نمیتونم"),
    ):
        assert not typos.is_typo(word, negated) and typos.negates(word, negated)
    assert not typos.negates("odine", "iodine") and not typos.negates("remindme", "iremindme")
    assert typos.is_typo("unknown", "unknwon")


def test_two_words_the_set_uses_two_letters_apart_are_no_typo(tmp_path: Path) -> None:
    """`is_typo` forgives two letters in words of eight or more; two words the data set writes in
    other texts too, two letters apart inside the word, are two words ("baseball" / "basketball").
    Apart at an end they inflect or take a prefix: one word ("instagrama" / "instagramie",
    "wyszukaj" / "poszukaj", "performed" / "performs"). A misspelling the set writes once stays a
    typo."""
    assert typos.is_typo("baseball", "basketball")
    in_use = frozenset({"baseball", "basketball", "instagrama", "instagramie", "wyszukaj", "poszukaj"})
    in_use |= {"performed", "performs", "accommodation"}
    assert not typos.is_typo("baseball", "basketball", in_use)
    assert typos.is_typo("instagrama", "instagramie", in_use) and typos.is_typo(
        "wyszukaj", "poszukaj", in_use
    )
    assert typos.is_typo("performed", "performs", in_use)
    assert typos.is_typo("accommodation", "acomodation", in_use)  # the misspelling is not in use
    assert typos.is_typo("recieve", "receive", in_use)  # one edit: a typo whatever the set writes
    days = ("monday", "tuesday", "friday", "sunday")
    rows = [f"who won the {w} game on {d}" for w in ("baseball", "basketball") for d in days]
    rows += ["what is the capital of iowa", "who invented the telephone", "what does a urologist do"] * 4
    ctx = _context(tmp_path, train=[json.dumps({"text": r, "label": "x"}) for r in rows])
    words = templates.set_words(ctx, "prompt")
    assert words is not None and {"baseball", "basketball"} <= words.in_use
    assert "urologist" not in words.in_use  # nine letters, but one distinct text
    a, b = ["who", "won", "the", "baseball", "game"], ["who", "won", "the", "basketball", "game"]
    codes: dict[str, str] = {}
    ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in a)
    cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in b)
    assert slots.compare(a, b, ca, cb, 5, terms=words).reason == "word"
    assert slots.compare(a, b, ca, cb, 5).reason is None  # without the set's words: a typo


def test_a_point_of_the_compass_put_before_a_name_makes_another_place() -> None:
    """ "the university of (west) alabama" is another university, "(south) sudan" another country,
    whatever the set writes beside the words; "north" before a function word or at the end names
    no place ("which way is (north) from here", "go (west)")."""
    assert set_words.other_term(["where", "is", "the", "university", "of", "west", "alabama"], 5, None)
    assert set_words.other_term(["what", "is", "the", "capital", "of", "south", "sudan"], 5, None)
    assert not set_words.other_term(["which", "way", "is", "north", "from", "here"], 3, None)
    assert not set_words.other_term(["go", "west"], 1, None)
    a, b = "where is the university of west alabama located", "where is the university of alabama located"
    wa, wb = a.split(), b.split()
    codes: dict[str, str] = {}
    ca = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wa)
    cb = "".join(codes.setdefault(w, chr(0x100 + len(codes))) for w in wb)
    assert slots.compare(wa, wb, ca, cb, 5).reason == "term"


def test_a_word_extended_by_an_ending_of_two_letters_or_more_may_be_another_name() -> None:
    """ "szczecin" / "szczecinek" (two towns) are one word to `is_typo`, an inflected ending; written
    as names they are two (`slots.compare` hands them to the second look as maybe names). One
    letter put after a word is a slip ("light" / "lights"); a word inside another is no extension."""
    assert typos.is_typo("szczecin", "szczecinek") and typos.extended("szczecinek", "szczecin")
    assert not typos.extended("light", "lights") and not typos.extended("alabama", "labama")
    a, b = ["sunset", "in", "szczecin", "today"], ["sunset", "in", "szczecinek", "today"]
    assert slots.compare(a, b, "abcd", "abed", 3).maybe_names == [([2], [2])]
