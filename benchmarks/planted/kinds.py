# ruff: noqa: E501, RUF001  (wording tables read better unwrapped; the marks are meant)
"""The defects `plant.py` plants, one function a kind, each worded anew from the seeded RNG.

A kind takes the `Planter` (the base's records and a seeded RNG), changes or adds records and
returns the records a scan should name for it, or None where the base's shape has no place for it.
The wording is drawn from several phrasings per kind, so a check tuned to one sentence fails here.
Secret and card makers come from `benchmarks/quality_pii/generate.py`, word edits from
`benchmarks/similarity/planted_edits.py`.
"""

from __future__ import annotations

import base64
import copy
import importlib.util
import json
import random
import re
import string
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

_BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_BENCH / "similarity"))
sys.path.insert(0, str(_BENCH / "planted"))
_spec = importlib.util.spec_from_file_location("quality_pii_generate", _BENCH / "quality_pii" / "generate.py")
_gen = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_gen)  # type: ignore[union-attr]
_iban, _luhn, _public_ip, _rnd, plant_refusal = (
    _gen._iban,
    _gen._luhn,
    _gen._public_ip,
    _gen._rnd,
    _gen.plant_refusal,
)
from planted_edits import edit  # noqa: E402
from shapes import Base, get, locate, put  # noqa: E402

Rec = tuple[str, int]  # (split, index in that split)


class Planter:
    """The records of one base being planted, and which of them are still free to plant into."""

    def __init__(self, base: Base, rows: dict[str, list[Any]], free: dict[str, set[int]], rng: random.Random):
        self.base, self.rows, self.free, self.rng = base, rows, free, rng
        self.held = base.held_split

    def pick(
        self, split: str = "train", slots: tuple[str, ...] = (), test: Callable[[Any], bool] | None = None
    ) -> int | None:
        """A free record of `split` that has every slot with text (and passes `test`), now taken."""
        ok = [i for i in sorted(self.free[split])
              if all(get(self.base, self.rows[split][i], s) for s in slots) and (test is None or test(self.rows[split][i]))]  # fmt: skip
        if not ok:
            return None
        i = self.rng.choice(ok)
        self.free[split].discard(i)
        return i

    def add(self, split: str, rec: Any) -> int:
        """Append `rec` to `split`; its index."""
        self.rows[split].append(rec)
        return len(self.rows[split]) - 1

    @property
    def out(self) -> str:
        """The slot a user would call the answer: chosen in a preference pair, the text in a label set."""
        if self.has("label"):
            return "input"
        rows = self.rows["train"]
        return "chosen" if any(locate(self.base, r, "chosen") is not None for r in rows[:50]) else "output"

    def has(self, slot: str) -> bool:
        """Whether the base's records have `slot` (read on the first record)."""
        return locate(self.base, self.rows["train"][0], slot) is not None


# --- text variants -----------------------------------------------------------------------------


def normalised(rng: random.Random, text: str) -> str:
    """`text` changed only in case, whitespace or final punctuation."""
    choices = [
        lambda t: t.upper() if t != t.upper() else t.lower(),
        lambda t: t.lower() if t != t.lower() else t.upper(),
        lambda t: "  " + t.replace(" ", "  ", 2) + " \n",
        lambda t: t.rstrip(".?!。？！") if t.rstrip(".?!。？！") != t else t + "!",
    ]
    for f in rng.sample(choices, len(choices)):
        new = f(text)
        if new != text:
            return new
    return text + " "


def near(rng: random.Random, text: str) -> str:
    """`text` with one edit: a word added or dropped, a typo, two words swapped (one character if no words)."""
    for kind in rng.sample(["add", "drop", "typo", "swap"], 4):
        new = edit(text, kind, rng)
        if new is not None and new.lower() != text.lower():
            return new
    i = rng.randrange(1, max(len(text) - 1, 2))
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


# --- kinds -------------------------------------------------------------------------------------


def reply_start(p: Planter, rec: Any, slot: str) -> int:
    """Where the reply begins in `slot`'s text: in a pair of whole transcripts with no prompt field
    (HH-RLHF's "Human: ... Assistant: ..." chosen and rejected), after the conversation both sides
    share, at its last line start or after its last ": " (the reply's own role marker); elsewhere 0.
    A plant there changes the reply, as in every other shape, not the prompt one side shares."""
    if slot not in ("chosen", "rejected") or p.has("input"):
        return 0
    text, other = get(p.base, rec, slot) or "", get(p.base, rec, "rejected" if slot == "chosen" else "chosen")
    other = other or ""
    shared = next(
        (k for k, (a, b) in enumerate(zip(text, other, strict=False)) if a != b), min(len(text), len(other))
    )
    return max(text.rfind("\n", 0, shared) + 1, text.rfind(": ", 0, shared) + 2, 0) if shared else 0


def _copy(p: Planter, to: str, change: Callable[[str], str] | None = None) -> list[Rec] | None:
    slot = "input" if p.has("input") else p.out  # pre-training text has only the one text
    i = p.pick("train", (slot,))
    if i is None:
        return None
    rec = copy.deepcopy(p.rows["train"][i])
    if change is not None:
        text, at = get(p.base, rec, slot), reply_start(p, rec, slot)
        put(p.base, rec, slot, text[:at] + change(text[at:]))
    return [("train", i), (to, p.add(to, rec))]


def dup_exact(p: Planter) -> list[Rec] | None:
    return _copy(p, "train")


def dup_normalised(p: Planter) -> list[Rec] | None:
    return _copy(p, "train", lambda t: normalised(p.rng, t))


def dup_near(p: Planter) -> list[Rec] | None:
    return _copy(p, "train", lambda t: near(p.rng, t))


def leak_exact(p: Planter) -> list[Rec] | None:
    return _copy(p, p.held)


def leak_normalised(p: Planter) -> list[Rec] | None:
    return _copy(p, p.held, lambda t: normalised(p.rng, t))


def leak_near(p: Planter) -> list[Rec] | None:
    return _copy(p, p.held, lambda t: near(p.rng, t))


def _other_answer(p: Planter, to: str) -> list[Rec] | None:
    """The same input with another record's answer (another label) in `to`."""
    slot = "label" if p.has("label") else p.out
    if slot == "input":
        return None
    i = p.pick("train", ("input", slot))
    if i is None:
        return None
    donors = [
        r
        for r in p.rows["train"]
        if get(p.base, r, slot) not in (None, get(p.base, p.rows["train"][i], slot))
    ]
    if not donors:
        return None
    rec = copy.deepcopy(p.rows["train"][i])
    put(p.base, rec, slot, get(p.base, p.rng.choice(donors), slot))
    return [("train", i), (to, p.add(to, rec))]


def leak_input_other_answer(p: Planter) -> list[Rec] | None:
    return _other_answer(p, p.held)


def conflicting_answer(p: Planter) -> list[Rec] | None:
    return _other_answer(p, "train")


def label_variant(p: Planter) -> list[Rec] | None:
    if not p.has("label"):
        return None
    i = p.pick("train", ("label",))
    label = get(p.base, p.rows["train"][i], "label")
    variants = [
        label.lower(),
        label.upper(),
        label.title(),
        label + " ",
        " " + label,
        label[:-1] if label.endswith("s") else label + "s",
    ]
    put(p.base, p.rows["train"][i], "label", p.rng.choice([v for v in variants if v != label]))
    return [("train", i)]


def label_whitespace(p: Planter) -> list[Rec] | None:
    """A label written with a space around it ("data " beside "data"): a class of its own to a trainer."""
    if not p.has("label") or p.base.file == "lines":
        return None  # a "LABEL text" line has no room for a space around its label: it splits at the first
    i = p.pick("train", ("label",))
    label = get(p.base, p.rows["train"][i], "label")
    spaced = p.rng.choice([label + " ", " " + label, label + "\t", f" {label} "])
    if p.base.file == "tsv":  # a tab there would make a third column, not a label with a space
        spaced = spaced.replace("\t", " ")
    put(p.base, p.rows["train"][i], "label", spaced)
    return [("train", i)]


_TASKS = [
    "Summarize the following article.",
    "Translate this document into French.",
    "Proofread the text below and fix its mistakes.",
    "What are the main points of this report?",
    "Extract the key dates from the attached file.",
    "Rewrite this essay in a more formal tone.",
]
_TASKS_ZH = ["请总结这篇文章。", "把这份文件翻译成英文。", "请校对下面的文章。", "这份报告的要点是什么？"]
_REFS = [
    "https://www.{site}/{y}/0{m}/{slug}.html",
    "http://{site}/news/{slug}",
    "www.{site}/articles/{slug}",
    "{slug}.pdf",
    "{slug}_final.docx",
    "attachment: {slug}.txt",
]


def reference_only(p: Planter) -> list[Rec] | None:
    """A task on some content (summarise, translate, proofread) whose input is only the content's URL
    or file name: the answer cannot have read it."""
    if p.has("label") or not p.has("input"):
        return None
    i = p.pick("train", ("input",))
    rec = p.rows["train"][i]
    zh = any("\u4e00" <= c <= "\u9fff" for c in get(p.base, rec, "input"))
    ref = p.rng.choice(_REFS).format(
        site=p.rng.choice(["nytimes.com", "bbc.co.uk", "example.org", "medium.com", "sina.com.cn"]),
        y=p.rng.randint(2012, 2023),
        m=p.rng.randint(1, 9),
        slug=p.rng.choice(
            ["remote-work-study", "annual_report_2021", "climate-policy-brief", "q3-results", "essay-draft"]
        ),
    )
    task = p.rng.choice(_TASKS_ZH if zh else _TASKS)
    if p.has("context"):  # Alpaca: the instruction asks, the input is only the reference
        put(p.base, rec, "input", task)
        put(p.base, rec, "context", ref)
    else:
        put(
            p.base, rec, "input", f"{task}\n{ref}" if p.rng.random() < 0.5 else f"{task.rstrip('.。')}: {ref}"
        )
    return [("train", i)]


_CODE_SIGNS = re.compile(
    r"```|^\s*[\[{]|[{};:]\s*$|^\s*[\w.\[\]]+\s*[-+*/]?=\s|\w\(.*\)\s*(?:#.*)?$"
    r"|^\s*(?:def|class|import|from|function|return|const|let|var|for|while|if|print)\b",
    re.M,
)
"""Signs that a text is a program or data, not prose: a fence, a line opening on a bracket or ending
on a brace, semicolon or colon, an assignment, a call ending its line, a statement keyword opening a
line."""


def prose(text: str) -> bool:
    """Whether a text reads as prose: none of `_CODE_SIGNS`. A letter's frame or a sentence with a
    slot ("Please contact {customer_name}") is planted into prose answers only: written around a
    JavaScript function or a tool call's JSON it is no defect anyone ships (and "${USER}" in a
    program is the program's own variable)."""
    return _CODE_SIGNS.search(text) is None


def _in_place(
    slot_of: Callable[[Planter], str | None],
    change: Callable[[random.Random, str, Planter], str | None],
    min_len: int = 0,
    only_prose: bool = False,
) -> Callable[[Planter], list[Rec] | None]:
    """A kind that rewrites one text of one record (of `min_len` characters at least, and `prose`
    when `only_prose`)."""

    def fits(text: str) -> bool:
        return len(text) >= min_len and (not only_prose or prose(text))

    def kind(p: Planter) -> list[Rec] | None:
        slot = slot_of(p)
        if slot is None:
            return None
        i = p.pick("train", (slot,), lambda r: fits(get(p.base, r, slot) or ""))
        if i is None:
            return None
        rec = p.rows["train"][i]
        text, at = get(p.base, rec, slot), reply_start(p, rec, slot)
        new = change(p.rng, text[at:], p)
        if new is None:
            return None
        put(p.base, rec, slot, text[:at] + new if new.strip() else new)  # an emptied answer is emptied whole
        return [("train", i)]

    return kind


def _answer(p: Planter) -> str | None:
    return p.out


def _answer_not_label(p: Planter) -> str | None:
    return None if p.has("label") else p.out


def _either(p: Planter) -> str | None:
    return p.rng.choice(["input", p.out])


def _truncate(rng: random.Random, text: str, p: Planter) -> str:
    cut = rng.randrange(len(text) // 2, len(text) * 9 // 10)
    if " " in text[cut:]:  # cut inside a word, or after one with the sentence left open
        cut = text.index(" ", cut) - (rng.randrange(1, 3) if rng.random() < 0.5 else 0)
    return text[:cut].rstrip(" .。!?！？\n")


def _mojibake(rng: random.Random, text: str, p: Planter) -> str:
    if text.isascii():
        text = text.replace("'", "’", 2).replace(" - ", " – ", 1)
        if text.isascii():
            words = text.split(" ")
            k = rng.randrange(len(words))
            words[k] = rng.choice(["café", "naïve", "“quoted”", "déjà vu", "50 €", "résumé"]) + " " + words[k]
            text = " ".join(words)
    return text.encode("utf-8").decode(rng.choice(["cp1252", "latin-1"]), errors="replace")


def _html(rng: random.Random, text: str, p: Planter) -> str:
    choices = [
        lambda t: "<p>" + t.replace("\n", "</p><p>") + "</p>",
        lambda t: t.replace("\n", "<br>\n") if "\n" in t else t.replace(". ", ".<br/>", 1) + "<br>",
        lambda t: t.replace(" ", "&nbsp;", 2) + " &amp; more",
        lambda t: f'<div class="answer">{t}</div>',
        lambda t: t + "</span></div>",
    ]
    return rng.choice(choices)(text)


def _template(rng: random.Random, text: str, p: Planter) -> str:
    var = rng.choice(
        [
            "{{name}}",
            "{customer_name}",
            "[Your Name]",
            "<COMPANY NAME>",
            "${USER}",
            "{{ product_name }}",
            "[insert date]",
            "{0}",
        ]
    )
    where = rng.choice(
        [
            f"Dear {var},\n\n{text}",
            f"{text}\n\nBest regards,\n{var}",
            f"{text} Please contact {var} for details.",
        ]
    )
    return where


def _refusal(rng: random.Random, text: str, p: Planter) -> str:
    return plant_refusal(rng, "", text)[1]


def _merged(rng: random.Random, text: str, p: Planter) -> str | None:
    other = p.rows["train"][rng.randrange(len(p.rows["train"]))]
    q, a = get(p.base, other, "input"), get(p.base, other, p.out)
    if not q or not a:
        return None
    n = rng.randint(2, 5)
    return rng.choice([
        f"{text}\n\n### Instruction:\n{q}\n\n### Response:\n{a}",
        f"{text}\n\n{n}. Instruction: {q}\n{n}. Input: <noinput>\n{n}. Output: {a}",
        f"{text}\nInstruction: {q}\nOutput: {a}",
    ])  # fmt: skip


PLACEHOLDERS = ["N/A", "No input", "<noinput>", "None", "-", "null", "Noinput", "n/a", "No input.", "(none)"]


def _placeholder(rng: random.Random, text: str, p: Planter) -> str:
    return rng.choice(PLACEHOLDERS)


def _say(rng: random.Random, text: str, value: str) -> str:
    """`text` with a sentence that carries `value`, sometimes at a clause or sentence end."""
    said = rng.choice([
        f"You can reach me at {value}.", f"My details: {value}", f"Send it to {value}, thanks.",
        f"Contact {value} if anything goes wrong.", f"(details: {value})", f"Use {value}.",
    ])  # fmt: skip
    return f"{text} {said}" if rng.random() < 0.7 else f"{said} {text}"


def _card(rng: random.Random, spaced: bool) -> str:
    card = _luhn(rng.choice(["4", "51", "55", "6011", "37"]), 15 if False else 16, rng)
    return " ".join(card[i : i + 4] for i in range(0, 16, 4)) if spaced else card


def _cn_mobile(number: str) -> str:
    """A Chinese mobile written so a reader sees a phone: with +86 (grouped 3-4-4 or not) or after 手机 or
    电话. Eleven bare digits in an English sentence ("Use 13812345678.") are as often an order id and no
    reader could tell; the form is drawn from the number's last digit, so the seeded stream stays as it was."""
    return [
        f"+86 {number[:3]} {number[3:7]} {number[7:]}",
        f"+86{number}",
        f"手机 {number}",
        f"电话：{number}",
    ][int(number[-1]) % 4]


def _ssn(rng: random.Random) -> str:
    return f"{rng.randint(101, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"


SECRETS: dict[str, Callable[[random.Random], str]] = {
    "aws_key": lambda r: "AKIA" + _rnd(r, 16, string.ascii_uppercase + string.digits),
    "github_token": lambda r: r.choice(["ghp_", "gho_", "ghs_"]) + _rnd(r, 36),
    "openai_key": lambda r: r.choice(["sk-", "sk-proj-"]) + _rnd(r, 48, string.ascii_letters + string.digits),
    "slack_token": lambda r: f"xox{r.choice('bpa')}-{_rnd(r, 11, string.digits)}-{_rnd(r, 12, string.digits)}-{_rnd(r, 24)}",
    "private_key": lambda r: f"-----BEGIN {r.choice(['RSA ', 'EC ', 'OPENSSH ', ''])}PRIVATE KEY-----\n" + "\n".join(_rnd(r, 64, string.ascii_letters + "+/") for _ in range(3)) + "\n-----END PRIVATE KEY-----",
    "conn_password": lambda r: f"{r.choice(['postgresql', 'mysql', 'mongodb+srv', 'redis'])}://{r.choice(['admin', 'app', 'svc'])}:{_rnd(r, 14)}@{r.choice(['db', 'cache', 'prod-db'])}.{r.choice(['corp.net', 'internal', 'acme.io'])}:{r.choice([5432, 3306, 6379, 27017])}/{r.choice(['prod', 'app', 'main'])}",
}  # fmt: skip


def _jwt(r: random.Random) -> str:
    """A signed JWT with registered claims (subject, issued, expiry), as a session token carries."""

    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    head = b64({"alg": r.choice(["HS256", "RS256"]), "typ": "JWT"})
    iat = r.randint(1_600_000_000, 1_700_000_000)
    body = b64(
        {
            "sub": str(r.randint(10**6, 10**9)),
            "name": r.choice(["Maria", "John", "Wei"]),
            "iat": iat,
            "exp": iat + 3600,
        }
    )
    return f"{head}.{body}.{_rnd(r, 43, string.ascii_letters + string.digits + '_-')}"


def _password(r: random.Random) -> str:
    pw = (
        _rnd(r, r.randint(3, 5), string.ascii_letters)
        + _rnd(r, 3, string.digits)
        + r.choice("!#%&*?")
        + _rnd(r, 3, string.ascii_letters)
    )
    return r.choice(
        [
            f"password: {pw}",
            f"pwd={pw}",
            f"PASSWORD = '{pw}'",
            f"my password is {pw}",
            f'"password": "{pw}"',
            f"DB_PASSWORD={pw}",
            f"the login is admin / {pw}",
        ]
    )


MORE_SECRETS: dict[str, Callable[[random.Random], str]] = {
    "jwt": _jwt,
    "google_api_key": lambda r: "AIza" + _rnd(r, 35, string.ascii_letters + string.digits + "_-"),
    "stripe_key": lambda r: r.choice(["sk_live_", "rk_live_"]) + _rnd(r, r.randint(24, 34)),
    "password_prose": _password,
    "azure_storage_key": lambda r: f"DefaultEndpointsProtocol=https;AccountName={r.choice(['prodstore', 'acmedata', 'logs01'])};AccountKey={_rnd(r, 86, string.ascii_letters + string.digits + '+/')}==;EndpointSuffix=core.windows.net",
    "hf_token": lambda r: "hf_" + _rnd(r, 34),
    "bearer_header": lambda r: r.choice(["Authorization: Bearer ", "-H 'Authorization: Bearer ", "headers = {'Authorization': 'Bearer "]) + _rnd(r, r.randint(32, 48), string.ascii_letters + string.digits + "._-"),
}  # fmt: skip
"""Secrets of issue #19's second round; the ones that carry their own key name are not put under API_KEY=."""

PII: dict[str, Callable[[random.Random], str]] = {
    "email": lambda r: f"{r.choice(['maria', 'john.k', 'li_wei', 'a.khan'])}{r.randint(1, 99)}@{r.choice(['gmail.com', 'outlook.com', 'yahoo.co.uk', 'web.de', 'qq.com'])}",
    "phone_us": lambda r: r.choice(["({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}"]).format(a=r.choice([212, 415, 617, 702, 919]), b=r.randint(201, 989), c=r.randint(1000, 9999)),
    "phone_uk": lambda r: r.choice(["+44 7{a} {b}", "07{a} {b}"]).format(a=r.randint(100, 999), b=r.randint(100000, 999999)),
    "phone_de": lambda r: r.choice(["+49 30 {b}", "+49 151 {b}", "0151 {b}"]).format(b=r.randint(10000000, 99999999)),
    "phone_fr": lambda r: r.choice(["+33 6 {0} {1} {2} {3}", "06 {0} {1} {2} {3}"]).format(*(r.randint(10, 99) for _ in range(4))),
    "phone_in": lambda r: f"+91 {r.randint(70000, 99999)} {r.randint(10000, 99999)}",
    "phone_cn": lambda r: _cn_mobile(f"1{r.choice([38, 39, 58, 86])}{r.randint(10000000, 99999999)}"),
    "card_spaced": lambda r: _card(r, True),
    "card_plain": lambda r: _card(r, False),
    "iban": lambda r: (lambda x: x if r.random() < 0.5 else " ".join(x[i : i + 4] for i in range(0, len(x), 4)))(_iban(r)),
    "ssn": lambda r: r.choice(["SSN ", "SSN: ", "social security number ", "SS# ", "Social Security No. "]) + _ssn(r),
    "ip_address": _public_ip,
}  # fmt: skip


def _carrying(
    maker: Callable[[random.Random], str], config: bool
) -> Callable[[random.Random, str, Planter], str]:
    """A change that adds a value from `maker` to the text; a secret may sit in a config snippet."""

    def change(rng: random.Random, text: str, p: Planter) -> str:
        value = maker(rng)
        if config and ("\n" in value or rng.random() < 0.3):
            return rng.choice(
                [
                    f"{text}\n\n```\nAPI_KEY={value}\n```" if "\n" not in value else f"{text}\n\n{value}",
                    f"Here is my config: {value}\n{text}",
                ]
            )
        return _say(rng, text, value)

    return change
