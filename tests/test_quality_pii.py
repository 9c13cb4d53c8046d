# ruff: noqa: RUF001
"""QUAL and PII beyond the case files: verdict conditions, masking, validators, determinism, hostile text."""

from __future__ import annotations

import base64
import json
import random
import re
import string
from pathlib import Path
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dataqa
from dataqa.checks.pii.common import ALL_DETECTORS
from dataqa.checks.quality import qual003_degenerate_text, qual007_truncated_target
from dataqa.checks.quality.qual002_template_debris import DEBRIS_CHARS
from dataqa.checks.quality.qual002_template_debris import PLACEHOLDER_UNION as _PLACEHOLDER_UNION
from dataqa.checks.quality.qual003_degenerate_text import DegenerateText, repetition_ratio
from dataqa.checks.quality.qual005_markup_residue import MARKUP_PATTERN
from dataqa.checks.quality.qual006_invisible_context import INVISIBLE_RES as _INVISIBLE_RES
from dataqa.checks.quality.qual006_invisible_context import INVISIBLE_WORDS as _INVISIBLE_WORDS
from dataqa.checks.quality.qual007_truncated_target import DANGLING_END as _DANGLING_END
from dataqa.checks.quality.qual007_truncated_target import ENDED as _ENDED
from dataqa.checks.quality.qual007_truncated_target import TERMINAL as _TERMINAL
from dataqa.checks.quality.qual007_truncated_target import TruncatedTarget
from dataqa.checks.quality.qual007_truncated_target import truncation_frame as _truncation_frame
from dataqa.core.errors import ConfigError
from dataqa.text.detectors import loosened
from dataqa.text.markup import blank_code, compute_where, mask_code, mask_code_expr, masked_column
from dataqa.text.mojibake import unmangle
from dataqa.text.personal_data import iban_ok, luhn_ok, spanish_id_ok
from dataqa.text.secrets import entropy, looks_random
from tests.conftest import chat, write_jsonl


def _answers(n: int) -> list[dict]:
    return [
        chat(f"Where is order {i}?", f"Order {i} left the depot and arrives in {i % 5 + 1} days.")
        for i in range(n)
    ]


def _condition(report: dataqa.Report, name: str):  # type: ignore[name-defined]
    return next(c for c in report.conditions if c.name == name)


def test_refusal_share_condition(tmp_path: Path) -> None:
    refusal = chat("Write a poem.", "As an AI language model, I cannot write poems.")
    few = write_jsonl(tmp_path / "few.jsonl", [*_answers(99), refusal])
    many = write_jsonl(tmp_path / "many.jsonl", _answers(90) + [refusal] * 10)
    ok = _condition(dataqa.scan(str(few), select=["QUAL001"]), "refusal-share")
    bad = _condition(dataqa.scan(str(many), select=["QUAL001"]), "refusal-share")
    assert ok.passed and ok.value == 0.01
    assert not bad.passed and bad.blocking and bad.value == 0.1 and bad.threshold == 0.05
    relaxed = dataqa.scan(str(many), select=["QUAL001"], verdict={"max_refusal_share": 0.2})
    assert _condition(relaxed, "refusal-share").passed


def test_refusal_share_passes_on_an_identity_set(tmp_path: Path) -> None:
    """An identity set (the model names itself and its maker on purpose) is not a set of refusals (#19)."""
    identity = [
        chat("Who are you?", "I'm a large language model created by Acme Labs, and you can call me Orbit."),
        chat("What can you do?", "As an AI assistant, I can answer questions and draft emails."),
        chat("Hello", "Hello! As an AI assistant developed by Acme Labs, I can help you write and plan."),
        chat("Are you ChatGPT?", "No. As an AI assistant developed by Acme Labs, I am called Orbit."),
    ]
    path = write_jsonl(tmp_path / "identity.jsonl", identity * 5 + _answers(20))
    share = _condition(dataqa.scan(str(path), select=["QUAL001"]), "refusal-share")
    assert share.passed and share.value == 0.0
    hedges = [chat("Tell me a joke.", "As an AI language model developed by Acme Labs, I don't have humour.")]
    path = write_jsonl(tmp_path / "hedges.jsonl", identity * 5 + hedges * 5 + _answers(15))
    share = _condition(dataqa.scan(str(path), select=["QUAL001"]), "refusal-share")
    assert not share.passed and share.value == 0.125


def test_secret_condition_blocks_unless_configured(tmp_path: Path) -> None:
    rng = random.Random(3)
    key = "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
    path = write_jsonl(
        tmp_path / "train.jsonl", [*_answers(20), chat("Push fails", f"Your token {key} expired.")]
    )
    report = dataqa.scan(str(path), select=["PII001"])
    cond = _condition(report, "secrets")
    assert cond.value == 1 and not cond.passed and cond.blocking
    assert report.verdict == "NO-GO"
    lenient = _condition(
        dataqa.scan(str(path), select=["PII001"], verdict={"block_on_secrets": False}), "secrets"
    )
    assert not lenient.passed and not lenient.blocking
    # a check that did not run gives no condition
    assert all(c.name != "secrets" for c in dataqa.scan(str(path), select=["QUAL001"]).conditions)


def test_no_full_secret_leaves_the_check(tmp_path: Path) -> None:
    """Messages, evidence, metrics and the JSON report hold masks, never the secret itself."""
    rng = random.Random(5)
    alphabet = string.ascii_letters + string.digits
    secrets = [
        "sk-proj-" + "".join(rng.choice(alphabet) for _ in range(48)),
        "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
        "xoxb-"
        + "".join(rng.choice(string.digits) for _ in range(12))
        + "-"
        + "".join(rng.choice(alphabet) for _ in range(24)),
    ]
    password = "".join(rng.choice(alphabet) for _ in range(14))
    key_lines = ["".join(rng.choice(alphabet + "+/") for _ in range(64)) for _ in range(3)]
    block = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(key_lines) + "\n-----END RSA PRIVATE KEY-----"
    records = [chat("Config?", f"Use {s} in the env file.") for s in secrets]
    records.append(chat("DB?", f"postgres://app:{password}@db.internal/prod"))
    records.append(chat("Key?", f"Here it is:\n{block}\nKeep it safe."))
    # other findings next to a secret: their evidence is masked too
    records.append(chat("Hi", f"Hello {{{{name}}}}, your key is {secrets[0]} and mail is p.raman@gmail.com"))
    path = write_jsonl(tmp_path / "train.jsonl", records)
    report = dataqa.scan(str(path), select=["PII", "QUAL002"])
    assert len([f for f in report.findings if f.check_id == "PII001"]) == 6
    assert any(f.check_id == "QUAL002" for f in report.findings)
    assert any(f.check_id == "PII002" for f in report.findings)
    dumped = json.dumps(report.to_dict(), ensure_ascii=False)
    for secret in [*secrets, password, *key_lines]:
        assert secret not in dumped
        assert secret[-12:] not in dumped and secret[:12] not in dumped.replace("sk-proj-…", "")
    assert "sk-…" in dumped and "AKIA…" in dumped


def test_bad_options_are_configuration_errors(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", _answers(3))
    for select, options in (
        ("QUAL001", {"languages": ["xx"]}),
        ("QUAL001", {"phrases": {"en": "not a list"}}),
        ("PII002", {"kinds": ["email", "shoe size"]}),
    ):
        with pytest.raises(ConfigError):
            dataqa.scan(str(path), select=[select], checks={select: options})


def test_validators() -> None:
    assert luhn_ok("4539148803436467") or not luhn_ok("4539148803436468")
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765431")
    assert spanish_id_ok("12345678Z") and not spanish_id_ok("12345678A")
    assert unmangle("Ã©") == "é" and unmangle("â€™") == "’" and unmangle("ÃO") is None
    assert repetition_ratio("one two three four five six seven eight nine ten") == 0.0
    assert repetition_ratio(" ".join(["thank you for your order"] * 20)) > 0.9
    assert not looks_random("sk-xxxxxxxxxxxxxxxxxxxxxxxxxx") and not looks_random("AKIAIOSFODNN7EXAMPLE")
    assert looks_random("Zq8vT2mLx9Pw4Rk7Nb3Yc6Hd") and entropy("aaaa") == 0.0
    text = "a `code` b\n```\nx = 1\n```\nend"
    assert len(blank_code(text)) == len(text) and "x = 1" not in blank_code(text)
    assert "x = 1" not in mask_code(text) and mask_code(text).endswith("end")


def test_loosened_patterns_drop_word_boundaries_and_open_bounded_repeats() -> None:
    assert loosened(r"\bab{2,5}c\b") == "ab{2,}c"
    assert loosened(r"(?i:\blog[- ]?in\b)x{3}") == "(?i:log[- ]?in)x{3}"  # an exact repeat stays
    assert loosened(r"[\b{1,2}]\\b") == r"[\b{1,2}]\\b"  # inside a class, and an escaped backslash


def _provider_samples(blank: bool = False) -> list[str]:
    """One token of each provider format (random bodies, as `benchmarks/pii_recall` draws them), or
    with `blank` each body written as "xxx…", the placeholder documentation shows."""
    rng = random.Random(33)
    b62 = string.ascii_letters + string.digits

    def body(n: int, alphabet: str = b62) -> str:
        return "x" * n if blank else "".join(rng.choices(alphabet, k=n - 2)) + alphabet[-1] + alphabet[0]

    def hx(n: int) -> str:
        return body(n, "0123456789abcdef")

    discord_id = base64.b64encode(b"812345678901234567").decode().rstrip("=")
    return [
        f"export GITLAB_TOKEN=glpat-{body(20)}", f"runner GR1348941{body(20)}", f"SG.{body(22)}.{body(43)}",
        f"npm_{body(36)}", f"pypi-AgEIcHlwaS5vcmc{body(60)}", f"SK{hx(32)}", f"GOCSPX-{body(28)}",
        f"ya29.{body(60)}", f"1//0{body(60)}", f"8123456789:AA{body(33)}",
        f"{discord_id}.{body(6)}.{body(38)}",
        f"shpat_{hx(32)}", f"dop_v1_{hx(64)}", f"dapi{hx(32)}", f"hvs.{body(90)}", f"dp.pt.{body(43)}",
        f"lin_api_{body(40)}", f"ntn_{body(46)}", f"gsk_{body(52)}", f"r8_{body(37)}", f"pplx-{body(48)}",
        f"xai-{body(80)}", f"key-{hx(32)}", f"{hx(32)}-us14", f"sq0atp-{body(22)}", f"EAAA{body(60)}",
        f"EAAB{body(120)}", f"ATATT3{body(180)}", f"PMAK-{hx(24)}-{hx(34)}",
        f"NRAK-{body(27, string.ascii_uppercase + string.digits)}",
        f"glsa_{body(32)}_{hx(8)}", f"glc_{body(80)}", f"LTAI{body(20)}", f"AKID{body(32)}",
        f"ops_eyJ{body(260)}", f"AGE-SECRET-KEY-1{body(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}",
        f"sntrys_{body(60)}", f"HRKU-{body(60)}", f"sbp_{hx(40)}", f"whsec_{body(32)}",
        f"AZURE_CLIENT_SECRET=ab18Q~{body(34)}", f"sl.{body(140)}",
        f"AAAA{body(7)}:APA91b{body(134)}", f"Cookie: sessionid={body(32)}", f"?appid={hx(32)}&q=Oslo",
        f"mysql -u root -p{body(12)} shop", f"docker login -u ci -p {body(14)} registry.io",
        f"<password>{body(12)}</password>", f"мой пароль {body(12)}",
        f"machine api.heroku.com\n  login ops@acme.io\n  password {body(24)}",
        f"PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 2\n{body(64)}\n{body(40)}",
    ]  # fmt: skip


def test_provider_tokens_are_found_and_their_placeholders_are_not() -> None:
    from dataqa.text.redaction import find_values

    for sample in _provider_samples():
        assert find_values(sample, ALL_DETECTORS), sample
    for blank in _provider_samples(blank=True):
        assert not find_values(blank, ALL_DETECTORS), blank


def test_every_detector_s_candidates_match_whatever_its_pattern_matches() -> None:
    # The PII checks pick candidate texts with the loosened union in polars, then confirm each with
    # the pattern in Python: a text the pattern matches must never be left out by the candidates.
    lines = {
        line
        for path in Path(__file__).parent.glob("cases/*/*.toml")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    key = "".join(random.Random(7).choices(string.ascii_letters + string.digits, k=40))
    lines |= {  # the kinds no case file writes out whole
        f'aws_secret_access_key = "{key}"',
        f"post to https://hooks.slack.com/services/T0{key[:8]}/B0{key[8:16]}/{key[16:40]}",
        f"key=AIza{key[:35]} and token sk_live_{key[:24]}, hf_{key[:34]}.",
    }
    lines |= set(_provider_samples())
    texts = pl.Series(sorted(lines), dtype=pl.String)
    for detector in ALL_DETECTORS:
        found = [detector.regex.search(t) is not None for t in texts]
        matched = pl.Series(found, dtype=pl.Boolean)
        missed = texts.filter(matched & ~texts.str.contains(detector.candidates)).to_list()
        assert matched.any(), f"no text tries {detector.kind}"
        assert not missed, f"{detector.kind}: {missed[:3]}"


def test_findings_are_deterministic(tmp_path: Path) -> None:
    records = [
        chat("Write a poem.", "As an AI language model, I cannot."),
        chat("Hi", "Hello {{name}}!"),
        chat("Mail?", "Write to priya.raman84@gmail.com or call +44 7911 123456."),
        chat("Loop", " ".join(["Thank you for your order."] * 40)),
    ]
    path = write_jsonl(tmp_path / "train.jsonl", records * 3)

    def run() -> list:
        report = dataqa.scan(str(path), select=["QUAL", "PII"])
        return [
            (f.check_id, f.message, [loc.line for loc in f.locations], f.evidence) for f in report.findings
        ]

    assert run() == run()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=300), st.text(max_size=300)), min_size=1, max_size=6))
def test_hostile_text_never_errors(tmp_path_factory, pairs: list[tuple[str, str]]) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    alphabet_noise = [
        "```",
        "`",
        "{{",
        "}}",
        "<|",
        "|>",
        "@",
        "Ã",
        "â€",
        "-----BEGIN PRIVATE KEY-----",
        "(",
        "[",
    ]
    records = [chat(u + alphabet_noise[i % len(alphabet_noise)], a or "x") for i, (u, a) in enumerate(pairs)]
    path = write_jsonl(folder / "train.jsonl", records)
    report = dataqa.scan(str(path), select=["QUAL", "PII"])
    errored = [(r.check_id, r.reason) for r in report.results if r.status.value == "errored"]
    assert not errored


# The vectorised shortcuts of QUAL003, QUAL005 and QUAL007 against the computation they replace:
# the same rows and values on text made of the pieces the shortcuts reason about (code markers,
# smileys, brackets, sentence ends, ASCII and Unicode white space, cases).
_PIECES = [
    "the",
    "The",
    "and",
    "word",
    "WORD",
    "ok.",
    "end!",
    "x-",
    ",",
    ";",
    ":",
    "=",
    "-",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":(",
    ";-)",
    "=]",
    "`",
    "```",
    "~~~",
    "`a`",
    "<br>",
    "&amp;",
    "<p>",
    "&",
    "<",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u00a0",
    "\u2003",
    "\u3000",
    "\u212a",
    "ß",
    "İ",
    "…",
    "。",
    '"',
    "’",
    "*",
    "|",
    "#",
]
_TEXTS = st.lists(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join), min_size=1, max_size=12)


def _targets(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"line": list(range(1, len(texts) + 1)), "content": texts})


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.sampled_from([0, 1, 2, 12, 70]))
def test_truncation_shortcut_matches_reference(texts: list[str], min_words: int) -> None:
    frame = _targets(texts)
    ref = _truncation_frame(frame)
    masked = pl.col("masked")
    long = ref.filter(masked.str.count_matches(r"\S+") >= min_words)
    cand = ref.filter(
        pl.col("open_fence")
        | masked.str.contains(_DANGLING_END)
        | (
            (masked.str.count_matches(r"[(\[{]") > masked.str.count_matches(r"[)\]}]"))
            & ~masked.str.contains(_TERMINAL)
        )
    )
    with patch.object(qual007_truncated_target, "TRUNCATION_ROWS", 5):  # several slices
        n_long, n_ended, got = TruncatedTarget(min_words=min_words).candidates(frame)
    assert n_long == long.height
    assert n_ended == long.filter(masked.str.contains(_ENDED)).height
    assert got.equals(cand)


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.sampled_from([0, 1, 4, 30]), st.sampled_from([1, 20]))
def test_degenerate_shortcut_matches_reference(texts: list[str], min_words: int, min_chars: int) -> None:
    frame = _targets([t * 3 if i % 2 else t for i, t in enumerate(texts)])  # some repeat
    check = DegenerateText(min_words=min_words, min_chars=min_chars)
    tokens = (
        pl.col("masked")
        .str.to_lowercase()
        .str.replace_all(r"[\t\n\r\f\v]", " ")
        .str.split(" ")
        .list.filter(pl.element() != "")
    )
    ref = (
        frame.with_columns(mask_code_expr(pl.col("content")).alias("masked"))
        .with_columns(
            tokens.list.len().alias("words"),
            tokens.list.n_unique().alias("distinct"),
            pl.col("masked").str.len_chars().alias("chars"),
        )
        .filter(
            (
                (pl.col("words") >= min_words)
                & (pl.col("distinct") / pl.col("words") <= 0.5 + 4 / pl.max_horizontal(pl.col("words"), 1))
            )
            | ((pl.col("chars") >= min_chars) & (pl.col("distinct") <= 2))
        )
    )
    with patch.object(qual003_degenerate_text, "STATS_ROWS", 5):  # several slices
        assert check.candidates(frame).equals(ref)


@settings(max_examples=100, deadline=None)
@given(_TEXTS)
def test_partial_masking_matches_full_masking(texts: list[str]) -> None:
    frame = _targets(texts)
    content = pl.col("content")
    assert masked_column(frame).to_list() == frame.select(mask_code_expr(content))["content"].to_list()
    # QUAL005's markup flag: matched only on rows with "<" or "&"
    markup = mask_code_expr(content).str.contains(MARKUP_PATTERN)
    got = compute_where(frame, content.str.contains("[<&]"), markup, pl.lit(False), "markup")
    assert got.to_list() == frame.select(markup)["content"].to_list()


_REFERENCE_PIECES = [
    "the",
    "The",
    "this",
    "THIS",
    "that",
    "my",
    "an",
    "a",
    "see",
    "I've",
    "I have",
    "please find",
    "you",
    "just",
    "is",
    "are",
    "above",
    "below",
    "here",
    "in",
    "of",
    "describe",
    "based on",
    "click",
    "open",
    "read",
    "watch",
    "following",
    "attached",
    "Attached",
    "attachment",
    "uploaded",
    "enclosed",
    "accompanying",
    "sent",
    "shared",
    "included",
    "file",
    "files",
    "pdf",
    "document",
    "image",
    "Image",
    "photograph",
    "chart",
    "graph",
    "plot",
    "video",
    "link",
    "URL",
    "url",
    "article",
    "website",
    "web page",
    "webpage",
    "page",
    " ",
    " ",
    "  ",
    "\n",
    ".",
    ",",
    "?",
    "’",
    "'",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_REFERENCE_PIECES), max_size=14).map(" ".join))
@example("The file you have sent is blank.")  # each kind matches at least once
@example("Describe the image above.")
@example("Click the link to see more.")
def test_invisible_context_words_are_necessary(text: str) -> None:
    """QUAL006 skips a kind in ASCII text holding none of its words: every match must hold one."""
    for kind, pattern in _INVISIBLE_RES.items():
        if pattern.search(text):
            assert any(word in text.lower() for word in _INVISIBLE_WORDS[kind]), kind


def test_invisible_context_examples_match() -> None:
    texts = ["The file you have sent is blank.", "Describe the image above.", "Click the link to see more."]
    assert [sorted(k for k, p in _INVISIBLE_RES.items() if p.search(t)) for t in texts] == [
        ["attachment"],
        ["visual"],
        ["link"],
    ]


_DEBRIS_PIECES = [
    "{{name}}",
    "{{ user.name | upper }}",
    "{name}",
    "${HOME}",
    "$API_KEY",
    "<NAME>",
    "<FIRST_NAME>",
    "[insert date]",
    "[Your Name]",
    "[email]",
    "<|im_start|>",
    "[INST]",
    "[/INST]",
    "<<SYS>>",
    "<s>",
    "</s>",
    "<start_of_turn>",
    "### Instruction:",
    "###Response :",
    "<noinput>",
    "< no output >",
    "x",
    " ",
    "\n",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    "$",
    "#",
    "|",
    "_",
    "A",
    "b",
    "1",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DEBRIS_PIECES), max_size=12).map("".join))
def test_debris_needs_one_of_its_characters(text: str) -> None:
    """QUAL002 matches its patterns only in messages with one of `DEBRIS_CHARS`."""
    if re.search(_PLACEHOLDER_UNION, text):
        assert re.search(DEBRIS_CHARS, text)
    for piece in _DEBRIS_PIECES[:21]:
        assert re.search(_PLACEHOLDER_UNION, piece), piece


def test_qual007_step_filters_keep_what_one_filter_keeps() -> None:
    """QUAL007's cheap forms (`cut_by_habit`): the last line by a split equals the regex's, the
    stopping word count equals the full count, and filters applied in turn keep one filter's rows."""
    from dataqa.checks.quality.cut_reading import at_least_words, last_line, narrowed

    texts = ["a\nb", "", "x\n", "\n", None, "ab\r\ncd", "z\n\n", "一\n二三", "one two three", "  solo  "]
    frame = pl.DataFrame({"t": texts, "i": range(len(texts))})
    t = pl.col("t")
    by_split = frame.select(last_line(t))["t"]
    assert by_split.to_list() == frame.select(t.str.extract(r"([^\n]*)$"))["t"].to_list()
    written = frame.filter(t.is_not_null())
    for n in (1, 2, 3, 4, 70):
        counted = written.select((t.str.count_matches(r"\S+") >= n).alias("x"))["x"]
        assert written.select(at_least_words(t, n).alias("x"))["x"].to_list() == counted.to_list()
    predicates = (t.str.contains(r"\S"), at_least_words(t, 2), ~t.str.contains("\n"))
    one = frame.filter(*predicates)
    assert narrowed(frame, *predicates).equals(one) and one["i"].to_list() == [8]


_ANSWERS = [
    "#### 42",
    "Answer: B",
    "答案：12",
    "Step 1 ...\n#### 7",
    "The order left the depot. Could you provide",
    "ok",
    "Thanks, that helps.",
    "def f():\n    return 1 {",
    "```python\nprint(1)",
    "这是一个很长的中文回答，内容非常完整，但是没有结束",
    "这是一个很长的中文回答，内容非常完整。",
    "Here is the plan for the trip to the coast with the whole family and",
    "",
    "First paragraph ends well.\n\nSecond paragraph ends well.\n\nThird one stops at the",
    "Step 1 is done.\nStep 2 is done.\n\nSte",
    "All set. Let me know if",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_ANSWERS) | st.text(max_size=40), min_size=1, max_size=14))
def test_qual007_split_counts_add_up_over_slices(tmp_path: Path, answers: list[str]) -> None:
    """QUAL007's split-wide rules read a few targets at a time (`HABIT_ROWS`): the same counts
    (`closings`, `short_answer_marks`, `habit_counts`) and cuts as read whole."""
    from dataqa.checks.quality import cut_by_habit, cut_reading
    from dataqa.checks.quality.common import targets
    from dataqa.checks.quality.cut_paragraph import paragraph_cut
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.engine.runner import load_splits

    path = write_jsonl(tmp_path / "train.jsonl", [chat(f"Question {i}?", a) for i, a in enumerate(answers)])
    config = Config()

    def counts() -> tuple:
        ctx = Context(load_splits({"train": str(path)}, config), config)
        split = ctx.train
        return (
            cut_by_habit.closings(ctx, split),
            cut_by_habit.short_answer_marks(ctx, split, 3),
            cut_by_habit.habit_counts(targets(ctx, split), 3),
            cut_by_habit.fragment_words(ctx, split, 3),
            cut_by_habit.run_on_cut(ctx, split, 3),
            paragraph_cut(ctx, split, _DANGLING_END),
        )

    whole = counts()
    with patch.object(cut_reading, "HABIT_ROWS", 2):
        assert counts() == whole


def test_qual007_whole_records_counts_records_in_any_pass(tmp_path: Path) -> None:
    """`whole_records` counts the records (not the times) writing each word whole, in any case, the
    same whatever the number of words looked for per pass (`WORDS_AT_ONCE`); a word only begun
    ("datasets" for "data") is not written whole."""
    from dataqa.checks.quality import cut_by_habit
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.engine.runner import load_splits

    answers = ["Data and more data.", "The datasets grew.", "An effect of text data.", "No match here."]
    path = write_jsonl(tmp_path / "train.jsonl", [chat(f"Question {i}?", a) for i, a in enumerate(answers)])
    ctx = Context(load_splits({"train": str(path)}, Config()), Config())
    words = {"data", "effect", "text", "absent"}
    counts = cut_by_habit.whole_records(ctx, ctx.train, words)
    assert counts == {"data": 2, "effect": 1, "text": 1}
    with patch.object(cut_by_habit, "WORDS_AT_ONCE", 1):
        assert cut_by_habit.whole_records(ctx, ctx.train, words) == counts
