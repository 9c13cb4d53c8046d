# ruff: noqa: E501, RUF001  (sentence banks read better unwrapped; the marks are meant)
"""Defects of a text's content issue #19's second round named, worded anew from the seeded RNG.

Invisible characters (zero-width marks inside a word, a control character or U+FFFD, a byte-order
mark at a text's start), an over-long example (a text pasted many times, or many records' texts run
together), an answer in another language than its prompt and the set, a whole example in a minority
language, an answer that loops on one sentence, a paraphrased duplicate, a test prompt that holds a
training prompt whole, and a classification text given another class's label.
"""

from __future__ import annotations

import copy
import random
import re
from typing import Any

from kinds import Planter, Rec, _answer, _either, _in_place, near
from shapes import get, put, turn_keys

# --- invisible characters ----------------------------------------------------------------------

ZERO_WIDTH = ["\u200b", "\u200d", "\u2060", "\u200c"]  # ZW space, ZW joiner, word joiner, ZW non-joiner
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x1f", "\x7f", "\ufffd"]


def _inside_word(rng: random.Random, text: str, marks: list[str], n: int) -> str | None:
    """`text` with `n` marks put between two letters of a word (zero-width: the word looks whole)."""
    places = [m.start() + 1 for m in re.finditer(r"(?<=\w)\w(?=\w)", text)]
    if not places:
        return None
    for at in sorted(rng.sample(places, min(n, len(places))), reverse=True):
        text = text[:at] + rng.choice(marks) + text[at:]
    return text


def _zero_width(rng: random.Random, text: str, p: Planter) -> str | None:
    return _inside_word(rng, text, ZERO_WIDTH[:3] if rng.random() < 0.7 else ZERO_WIDTH, rng.randint(1, 3))


def _control(rng: random.Random, text: str, p: Planter) -> str | None:
    mark = rng.choice(CONTROLS)
    if mark == "\ufffd" and rng.random() < 0.5:  # an undecodable letter: "Caf\ufffd" for "Café"
        return _inside_word(rng, text, ["\ufffd"], rng.randint(1, 2))
    at = rng.choice([m.start() for m in re.finditer(r" ", text)] or [len(text)])
    return text[:at] + mark + text[at:]


def _bom(rng: random.Random, text: str, p: Planter) -> str:
    return "\ufeff" + text


# --- over-long -----------------------------------------------------------------------------------


def _pasted(rng: random.Random, text: str, p: Planter) -> str:
    """The text pasted 20 to 50 times, as a copy-paste slip leaves it."""
    return rng.choice(["\n\n", "\n", " "]).join([text] * rng.randint(20, 50))


def _run_together(rng: random.Random, text: str, p: Planter) -> str | None:
    """Many records' texts of the slot run together past 120,000 characters (30k+ tokens)."""
    slot = p.out
    texts = [t for t in (get(p.base, r, slot) for r in p.rows["train"] if isinstance(r, dict)) if t]
    if not texts:
        return None
    parts = [text]
    while sum(map(len, parts)) < 120_000:
        parts.append(rng.choice(texts))
    return "\n\n".join(parts)


# --- language -------------------------------------------------------------------------------------

BANK = {
    "de": [
        "Das hängt vor allem davon ab, wie viel Zeit Sie zur Verfügung haben.",
        "Zuerst sollten Sie die Unterlagen sorgfältig durchlesen und die wichtigsten Punkte notieren.",
        "Danach lohnt es sich, mit einem Fachmann über die nächsten Schritte zu sprechen.",
        "In den meisten Fällen ist die einfachste Lösung auch die beste.",
        "Bitte beachten Sie, dass sich die Preise im Laufe des Jahres ändern können.",
        "Wenn Sie noch Fragen haben, helfe ich Ihnen gerne weiter.",
        "Die Antwort ist nicht ganz einfach, weil mehrere Faktoren eine Rolle spielen.",
        "Außerdem sollten Sie genug Wasser trinken und regelmäßig Pausen machen.",
    ],
    "fr": [
        "Cela dépend surtout du temps dont vous disposez.",
        "Tout d'abord, il faut lire attentivement les documents et noter les points importants.",
        "Ensuite, il vaut mieux en parler avec un spécialiste avant de prendre une décision.",
        "Dans la plupart des cas, la solution la plus simple est aussi la meilleure.",
        "Veuillez noter que les prix peuvent changer au cours de l'année.",
        "Si vous avez d'autres questions, je serai heureux de vous aider.",
        "La réponse n'est pas si simple, car plusieurs facteurs entrent en jeu.",
        "Il est aussi conseillé de boire beaucoup d'eau et de faire des pauses régulières.",
    ],
    "es": [
        "Eso depende sobre todo del tiempo que tengas disponible.",
        "Primero, conviene leer con atención los documentos y anotar los puntos más importantes.",
        "Después, es mejor hablar con un especialista antes de tomar una decisión.",
        "En la mayoría de los casos, la solución más sencilla es también la mejor.",
        "Ten en cuenta que los precios pueden cambiar a lo largo del año.",
        "Si tienes más preguntas, estaré encantado de ayudarte.",
        "La respuesta no es tan sencilla, porque influyen varios factores.",
        "También es recomendable beber mucha agua y hacer pausas con regularidad.",
    ],
    "ru": [
        "Это в первую очередь зависит от того, сколько у вас есть времени.",
        "Сначала нужно внимательно прочитать документы и записать самые важные пункты.",
        "Потом лучше поговорить со специалистом, прежде чем принимать решение.",
        "В большинстве случаев самое простое решение оказывается и самым лучшим.",
        "Обратите внимание, что цены могут меняться в течение года.",
        "Если у вас остались вопросы, я с радостью помогу.",
        "Ответ не такой простой, потому что здесь важны несколько факторов.",
    ],
    "zh": [
        "这主要取决于你有多少时间。",
        "首先，你应该仔细阅读这些材料，并记下最重要的几点。",
        "然后，在做决定之前最好先和专业人士谈一谈。",
        "在大多数情况下，最简单的办法往往也是最好的办法。",
        "请注意，价格在一年中可能会发生变化。",
        "如果你还有其他问题，我很乐意继续帮助你。",
        "这个问题的答案并不简单，因为有好几个因素在起作用。",
        "另外，平时要多喝水，并且注意按时休息。",
    ],
    "en": [
        "It mostly depends on how much time you have available.",
        "First, you should read the documents carefully and write down the most important points.",
        "After that, it is better to talk to a specialist before making a decision.",
        "In most cases the simplest solution is also the best one.",
        "Please note that prices can change over the course of the year.",
        "If you have any further questions, I will be happy to help.",
        "The answer is not that simple, because several factors play a role.",
        "It is also a good idea to drink plenty of water and take regular breaks.",
    ],
}
QUESTIONS = {
    "de": [
        "Wie kann ich mich am besten auf eine wichtige Prüfung vorbereiten, wenn ich wenig Zeit habe?",
        "Was sollte ich beachten, bevor ich einen neuen Vertrag für meine Wohnung unterschreibe?",
    ],
    "fr": [
        "Comment puis-je me préparer au mieux à un examen important quand j'ai peu de temps ?",
        "Que dois-je vérifier avant de signer un nouveau contrat pour mon appartement ?",
    ],
    "es": [
        "¿Cómo puedo prepararme mejor para un examen importante cuando tengo poco tiempo?",
        "¿Qué debo revisar antes de firmar un nuevo contrato para mi piso?",
    ],
    "ru": [
        "Как лучше всего подготовиться к важному экзамену, если у меня мало времени?",
        "На что нужно обратить внимание перед тем, как подписать новый договор на квартиру?",
    ],
    "zh": ["时间不多的情况下，我该怎样准备一场重要的考试？", "在签新的租房合同之前，我应该注意哪些事情？"],
    "en": [
        "How can I best prepare for an important exam when I have little time?",
        "What should I check before signing a new contract for my flat?",
    ],
}


def _set_language(p: Planter) -> str:
    """The language most of the base's texts are in, told by script: zh, ar, ja or en (Latin)."""
    sample = " ".join(
        t
        for r in p.rows["train"][:60]
        for s in ("input", p.out)
        if isinstance(r, dict)
        for t in [get(p.base, r, s)]
        if t
    )
    han = len(re.findall(r"[\u4e00-\u9fff]", sample))
    kana = len(re.findall(r"[\u3040-\u30ff]", sample))
    arabic = len(re.findall(r"[\u0600-\u06ff]", sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    return max([("en", latin), ("zh", han), ("ja", kana * 3), ("ar", arabic)], key=lambda kv: kv[1])[0]


def _other_language(p: Planter) -> str:
    own = _set_language(p)
    return p.rng.choice([lang for lang in BANK if lang != own and not (own == "ja" and lang == "zh")])


def _passage(rng: random.Random, lang: str) -> str:
    sep = "" if lang == "zh" else " "
    return sep.join(rng.sample(BANK[lang], rng.randint(3, 5)))


def _answer_language(rng: random.Random, text: str, p: Planter) -> str:
    """The answer written in another language than its prompt and the set, nobody having asked."""
    return _passage(rng, _other_language(p))


def minority_pair(p: Planter) -> list[Rec] | None:
    """A whole example (prompt and answer, or a labelled text) in a language the set does not use."""
    lang = _other_language(p)
    if p.has("label"):
        i = p.pick("train", ("input",))
        put(
            p.base,
            p.rows["train"][i],
            "input",
            p.rng.choice(QUESTIONS[lang]) if p.rng.random() < 0.3 else _passage(p.rng, lang),
        )
        return [("train", i)]
    if p.out == "input" or not p.has("input"):
        return None
    i = p.pick("train", ("input", p.out))
    rec = p.rows["train"][i]
    put(p.base, rec, "input", p.rng.choice(QUESTIONS[lang]))
    put(p.base, rec, p.out, _passage(p.rng, lang))
    if p.has("rejected"):
        put(p.base, rec, "rejected", _passage(p.rng, lang))
    keys = turn_keys(p.base)
    if keys is not None and p.base.shape != "dpo_openai":  # every turn of a conversation, not two of them
        _, role, text, user, bot = keys
        for turn in rec.get(keys[0]) or []:
            if isinstance(turn, dict) and isinstance(turn.get(text), str) and turn.get(role) in (user, bot):
                turn[text] = p.rng.choice(QUESTIONS[lang]) if turn[role] == user else _passage(p.rng, lang)
    return [("train", i)]


# --- loops ------------------------------------------------------------------------------------------


def _loop(rng: random.Random, text: str, p: Planter) -> str | None:
    """The answer degenerating into one sentence (its own, or a stock phrase) said 10 to 40 times."""
    sentences = [s for s in re.split(r"(?<=[.!?。！？])\s*", text) if len(s) > 8]
    looped = (
        rng.choice(sentences)
        if sentences and rng.random() < 0.6
        else rng.choice(
            [
                "I hope this helps.",
                "Let me know if you have any other questions.",
                "This is the answer.",
                "希望对你有帮助。",
                "Thank you.",
            ]
        )
    )
    head = text[: len(text) // 2] if rng.random() < 0.5 else text
    return head.rstrip() + " " + " ".join([looped] * rng.randint(10, 40))


# --- copies -----------------------------------------------------------------------------------------

SYNONYMS = {
    "what": "which", "explain": "describe", "give": "provide", "write": "compose", "list": "enumerate",
    "make": "create", "show": "demonstrate", "find": "identify", "tell": "inform", "help": "assist",
    "use": "utilize", "big": "large", "small": "little", "quick": "fast", "buy": "purchase", "need": "require",
    "get": "obtain", "start": "begin", "end": "finish", "answer": "response", "question": "query",
    "please": "kindly", "can": "could", "many": "numerous", "important": "significant",
    "change": "modify", "check": "verify", "simple": "easy", "good": "fine", "main": "primary",
    "example": "instance", "about": "regarding", "think": "believe", "want": "wish", "choose": "select",
}  # fmt: skip
"""Words a person rewording a request swaps. Not "how" ("in what way many" is no English) and no
word inside code: an identifier or a call (`__main__`, `list(`) is not reworded by anyone."""

_WORD = re.compile(r"(?<![\w.'’])[A-Za-z]+(?![\w('’])")
"""A word of prose, not part of an identifier, a dotted name, a call or a contraction ("can't" is
not "could't", "what's" not "which's")."""
_CODE = re.compile(r"```|^(?: {4}|\t)\S|[{;]\s*$|^\s*(?:def|class|import|return|public|var|const)\b", re.M)
"""A text holding code: its words stay as they are."""
_SENTENCE_END = re.compile(r"(?<!\s\d\.)(?<!\s\d\d\.)(?<!^\d\.)(?<!^\d\d\.)(?<=[.!?])\s+(?=\S)|(?<=[。！？])")
"""Where a sentence ends: after a stop and a space (not inside "$1.50" or "e.g.5", nor after a list's
"4." at a line's start), or after a Chinese stop."""


def paraphrase(rng: random.Random, text: str, reorder: bool = True) -> str:
    """`text` reworded: prose words swapped for synonyms and, with `reorder` (the request's side),
    two of its sentences (or a sentence's clauses) reordered. An answer keeps its order: a worked
    solution or a story whose steps are shuffled is another answer, not the same one reworded."""

    def swap(m: re.Match[str]) -> str:
        word = m.group()
        new = SYNONYMS.get(word.lower())
        if new is None or rng.random() < 0.2:
            return word
        return new.capitalize() if word[0].isupper() else new

    out = text if _CODE.search(text) else _WORD.sub(swap, text)
    if not reorder:
        return out
    body = out.strip()
    sentences = _SENTENCE_END.split(body)
    gaps = [m.group() for m in _SENTENCE_END.finditer(body)] + [""]  # each sentence's own gap kept
    if sentences and not sentences[-1]:  # a Chinese stop ends the text
        sentences.pop()
        gaps[-2:] = [""]
    if len(sentences) >= 2:
        k = rng.randrange(len(sentences) - 1)
        sentences[k], sentences[k + 1] = sentences[k + 1], sentences[k]
        return "".join(s + gap for s, gap in zip(sentences, gaps, strict=True))
    head, comma, tail = out.partition(", ")
    if comma and tail:
        tail = tail.rstrip(".?!")
        end = out[len(out.rstrip(".?!")) :]
        return f"{tail[0].upper()}{tail[1:]}, {head[0].lower()}{head[1:]}{end}"
    return out


def paraphrase_dup(p: Planter) -> list[Rec] | None:
    """A training record copied with its prompt reworded (synonyms, two sentences or clauses
    reordered) and its answer's prose reworded in place (synonyms)."""
    slots = list(dict.fromkeys(s for s in ("input", p.out, "rejected") if p.has(s)))
    i = p.pick("train", (slots[0],))
    if i is None:
        return None
    rec = copy.deepcopy(p.rows["train"][i])
    seed = p.rng.random()  # both sides of a pair reworded alike, so the prompt they share stays shared
    for s in slots:
        text = get(p.base, rec, s)
        if text:
            put(
                p.base,
                rec,
                s,
                paraphrase(random.Random(seed), text, reorder=s == slots[0] and p.has("input")),
            )
    if rec == p.rows["train"][i]:
        return None
    return [("train", i), ("train", p.add("train", rec))]


WRAPS = [
    ("Answer the following question. ", ""),
    ("Please read carefully and respond: ", " Think step by step."),
    ("Question: ", "\nGive a short answer."),
    ("Here is a task for you.\n\n", "\n\nKeep it brief."),
    ("", " Explain your reasoning."),
    ("You are a helpful assistant. ", " Be concise."),
]


def leak_substring(p: Planter) -> list[Rec] | None:
    """A held-out record whose prompt is a training prompt whole, with extra words around it."""
    if not p.has("input"):
        return None
    i = p.pick("train", ("input",))
    if i is None:
        return None
    rec = copy.deepcopy(p.rows["train"][i])
    head, tail = p.rng.choice(WRAPS)
    put(p.base, rec, "input", head + get(p.base, rec, "input") + tail)
    return [("train", i), (p.held, p.add(p.held, rec))]


# --- labels -----------------------------------------------------------------------------------------


def _labelled(p: Planter) -> tuple[int, str, str] | None:
    """A free training row of a class with at least five rows, and another class for it."""
    if not p.has("label"):
        return None
    counts: dict[str, int] = {}
    for r in p.rows["train"]:
        label = get(p.base, r, "label") if isinstance(r, dict) else None
        if label:
            counts[label] = counts.get(label, 0) + 1
    common = {label for label, n in counts.items() if n >= 5}
    if len(common) < 2:
        return None
    i = p.pick("train", ("input", "label"), lambda r: get(p.base, r, "label") in common)
    if i is None:
        return None
    label = get(p.base, p.rows["train"][i], "label")
    return i, label, p.rng.choice(sorted(common - {label}))


def mislabel_copy(p: Planter) -> list[Rec] | None:
    """A row of class A copied with a small edit and labelled B."""
    picked = _labelled(p)
    if picked is None:
        return None
    i, _, other = picked
    rec: Any = copy.deepcopy(p.rows["train"][i])
    put(p.base, rec, "input", near(p.rng, get(p.base, rec, "input")))
    put(p.base, rec, "label", other)
    return [("train", p.add("train", rec))]


def mislabel_flip(p: Planter) -> list[Rec] | None:
    """A row of class A relabelled B in place (no twin left to compare it with)."""
    picked = _labelled(p)
    if picked is None:
        return None
    i, _, other = picked
    put(p.base, p.rows["train"][i], "label", other)
    return [("train", i)]


CONTENT_KINDS = {
    "zero_width_char": _in_place(_either, _zero_width, min_len=20),
    "control_char": _in_place(_either, _control, min_len=20),
    "bom_in_text": _in_place(_either, _bom, min_len=5),
    "over_long_pasted": _in_place(_answer, _pasted, min_len=40),
    "over_long_concat": _in_place(_answer, _run_together, min_len=20),
    "answer_other_language": _in_place(
        lambda p: None if p.has("label") or p.out == "input" or not p.has("input") else p.out,
        _answer_language,
        min_len=20,
    ),
    "minority_language_pair": minority_pair,
    "repeated_loop": _in_place(lambda p: None if p.has("label") else p.out, _loop, min_len=20),
    "paraphrase_dup": paraphrase_dup,
    "leak_substring": leak_substring,
    "mislabel_copy": mislabel_copy,
    "mislabel_flip": mislabel_flip,
}
"""The content kinds, in the order of the table."""
