"""What a prompt asks, as LBL007 reads it before comparing its answers: no number (a who / where /
why question), a social reply (thanks, agreement), a rendering (a short text asking nothing), a
remark of its own (a request answered by short sentences), an explanation (no number written), a
draw (a request for something random)."""

from __future__ import annotations

import re

from dataqa.text.answers import CJK_RE, is_short

_ASKS_NO_NUMBER = re.compile(r"(?i)(?:^|[.!?\n]\s*)(?:who|whom|whose|where|why)\b[^.!?\n]*\?\s*\Z")
"""A prompt that ends on a who / where / why question: its answer is a person, a place or a reason."""


def asks_for_no_number(prompt: str) -> bool:
    """Whether the prompt ends on a question whose answer is no number ("Who was the head coach?"):
    numbers in its answers ("since 2018", "won 40-22") are details, not two answers."""
    return _ASKS_NO_NUMBER.search(prompt[-300:]) is not None


_REACTION = re.compile(
    r"(?i)^(?:user:\s*)?(?:thanks?|thank you|thx|merci|gracias|danke|grazie|obrigad[oa]|exact\w*"
    r"|effectivement|d'accord|ok(?:ay)?|great|super|parfait|perfect|cool|génial|genial|nice|wow|bravo)\b"
    r"[^?\uff1f]*$|^(?:user:\s*)?(?:谢谢|好的|太好了)[^?\uff1f]*$"
)
"""A last turn that thanks or agrees ("Thanks!", "exactement, ..."), no question in it."""


def reacts(prompt: str) -> bool:
    """Whether the prompt's last line thanks or agrees and asks nothing: the replies to it are social
    ("You're welcome" / "Glad to help"), and two short ones that differ contradict nothing."""
    return _REACTION.search(prompt.strip().rsplit("\n", 1)[-1].strip()) is not None


_SEPARATOR_END = re.compile(r"[\s\-=>:|→⇒#]+$")
"""A prompt's closing separator ("一輩子 ->", "gato =>", "Hund:"): the legacy fine-tuning layout's
marker of where the completion begins, no word of the prompt."""


def renders(prompt: str) -> bool:
    """Whether the prompt is itself a short text asking nothing (no question mark), as short as a
    short answer once its closing separator is gone ("救護車 ->", "gato =>"): its answers render it
    (a word translated, a phrase rewritten), and two renderings that differ ("十字車" / "救傷車")
    are each right, not one fact given two ways. A short question ("Capital of Norway?") asks for
    a fact, and a conversation's last turn ("Bonjour le monde" after a translation) answers a chat."""
    text = _SEPARATOR_END.sub("", prompt.strip())
    return bool(text) and "\n" not in text and "?" not in text and "\uff1f" not in text and is_short(text)


_SENTENCE_END = re.compile(r"[.!…\u3002\uff01]\W*$")
"""A text that ends as a sentence does: its last sign a full stop or an exclamation mark (quotes,
brackets and emoji after it allowed)."""


QUESTION_MARKS = ("?", "\uff1f", "\u061f")
"""A question mark in Latin, CJK (fullwidth) and Arabic script."""


def asks_no_question(prompt: str) -> bool:
    """Whether the prompt holds no question mark ("Respond in Hassaniya dialect:", "Write a slogan")."""
    return not any(mark in prompt for mark in QUESTION_MARKS)


def remarks(prompt: str, answers: list[str]) -> bool:
    """Whether the prompt asks nothing (no question mark in it: "Playful roast / I spilled tea.",
    "Write a slogan for a bakery") and every answer is a sentence of three words or more: replies
    that each say something of their own ("You've steeped the floor." / "Hydrating the floorboards,
    I see."), each valid, not one fact given two ways. A name, a number or a label ("Oslo.",
    "Positive") is no such sentence, and a question is asked whatever its answers."""
    if not asks_no_question(prompt):
        return False
    return all(
        _SENTENCE_END.search(a.strip()) is not None and (len(a.split()) >= 3 or len(CJK_RE.findall(a)) >= 4)
        for a in answers
    )


_DIGIT = re.compile(r"\d")


def asks_in_prose(prompt: str) -> bool:
    """Whether a prompt writes no number at all ("Which doctor should I see?"): long replies to it
    explain, and the numbers they end on are details (see `AnswerFacts.in_prose`)."""
    return _DIGIT.search(prompt) is None


_CHANCE = re.compile(
    r"(?i)\b(?:generate|pick|choose|select|give|name|roll|flip|toss|draw|make up|create|produce|suggest"
    r"|think of|come up with)\b[^.!?\n]{0,40}\b(?:random(?:ly)?|at random|arbitrary)\b"
    r"|\brandom(?:ly)?\s+(?:pick|choose|select|generate)"
    r"|\b(?:roll|toss|throw)\s+(?:a|the|two|2)\s+(?:die|dice)\b|\b(?:flip|toss)\s+a\s+coin\b"
    r"|\b(?:génère|choisis|donne|tire|genera|elige|escoge|dame|scegli|gera|escolha|nenne|wähle|erzeuge"
    r"|generiere|gib)\b[^.!?\n]{0,40}(?:aléatoire|au hasard|aleatori[oa]|al azar|a caso|zufällig)"
    r"|随机(?:生成|选|挑|抽|给|说|写|产生)|ランダムに|무작위로|랜덤으로"
)
"""A request for a draw: something random generated or picked ("Generate a random number between 1
and 100", "Flip a coin", "un nombre aléatoire", "随机生成"), not a question about randomness."""


def asks_for_chance(prompt: str) -> bool:
    """Whether the prompt asks for something random (a number, a name, a coin flip): every draw is a
    right answer, so two answers that differ ("57" / "65") contradict nothing. A question about
    randomness ("Is a random forest an ensemble method?") asks for no draw and is still compared."""
    return _CHANCE.search(prompt) is not None
