"""Provider profiles, the structure the normaliser keeps for them, and the tool-schema validator.

Per provider: one record its rules reject and one they accept, in that provider's documented
shape. The tool-schema validator is compared with the `jsonschema` package on generated schemas.
"""

from __future__ import annotations

import base64
from pathlib import Path

import jsonschema
import orjson
import pytest
from conftest import run_cli, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataqa
from dataqa.checks.provider.prov004_invalid_weight import InvalidWeight
from dataqa.checks.provider.prov005_image_limits import ImageLimits
from dataqa.checks.toolcalls.tool001_unpaired_tool_call import pairing_problems
from dataqa.checks.toolcalls.tool004_invalid_tool_schema import schema_problems
from dataqa.core.errors import ConfigError
from dataqa.engine.profile_rules import load_profile, parse_profile, profile_names
from dataqa.ingest import formats, normalisers, structure, tokens
from dataqa.ingest.parts import url_image

RECORD_CHECKS = ["PROV001", "PROV002", "PROV003", "PROV004", "PROV005", "PROV006"]
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode()


def _chat(*msgs: tuple[str, object], **extra: object) -> dict:
    return {"messages": [{"role": r, "content": c} for r, c in msgs], **extra}


def _image(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url}}


HI = ("user", "Where is my order?")
ANSWER = ("assistant", "It ships tomorrow.")

CASES: dict[str, tuple[dict, dict]] = {
    # provider: (a record its rules reject, a record they accept)
    "openai": (
        {
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello", "weight": 2},
            ]
        },
        _chat(("system", "Be brief."), HI, ANSWER),
    ),
    "azure-openai": (
        _chat(HI, ANSWER, source="crm-export"),
        _chat(
            (
                "user",
                [{"type": "text", "text": "Compare"}]
                + [_image(f"https://x.test/{i}.png") for i in range(12)],
            ),
            ANSWER,
        ),  # 12 images: over OpenAI's 10, within Azure's 64
    ),
    "vertex-gemini": (
        {
            "contents": [
                {
                    "role": "user",
                    "parts": [
                        {"text": "What is it?"},
                        {"inlineData": {"mimeType": "image/gif", "data": "R0lGODlh"}},
                    ],
                },
                {"role": "model", "parts": [{"text": "A logo."}]},
            ]
        },
        {
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello."}]},
            ],
        },
    ),
    "bedrock": (
        _chat(("system", "Be brief."), HI, ANSWER),
        {"system": "Be brief.", **_chat(HI, ANSWER)},
    ),
    "fireworks": (
        _chat(("user", [{"type": "text", "text": "What is it?"}, _image("https://x.test/a.png")]), ANSWER),
        _chat(("user", [{"type": "text", "text": "What is it?"}, _image(PNG)]), ANSWER),
    ),
    "mistral": (
        _chat(("user", [{"type": "text", "text": "What is it?"}, _image(PNG)]), ANSWER),
        {
            "messages": [
                {"role": "user", "content": "Status?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "a1b2c3d4e",
                            "type": "function",
                            "function": {"name": "status", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "a1b2c3d4e", "content": "ok"},
                {"role": "assistant", "content": "All fine."},
            ],
            "tools": [
                {
                    "type": "function",
                    "function": {"name": "status", "parameters": {"type": "object", "properties": {}}},
                }
            ],
        },
    ),
    "together": (
        _chat(HI, ("system", "Be brief."), ANSWER),
        {"prompt": "Where is my order?", "completion": "It ships tomorrow."},
    ),
    "generic": (
        _chat(("user", [{"type": "txt", "text": "Hi"}]), ANSWER),
        {"instruction": "Classify", "input": "Card charged twice", "output": "billing"},
    ),
}


def test_every_shipped_profile_has_a_case_and_loads() -> None:
    assert sorted(profile_names()) == sorted(CASES)
    for name in profile_names():
        profile = load_profile(name)
        assert profile.name == name
        if name != "generic":
            assert profile.sources, f"{name} cites no source"
            assert profile.formats, f"{name} names no accepted format"
            assert set(profile.formats) <= set(formats.FORMATS)
            assert profile.token_limit() is not None


def _scan(tmp_path: Path, record: dict, profile: str):
    path = write_jsonl(tmp_path / "train.jsonl", [record])
    return dataqa.scan(str(path), select=RECORD_CHECKS, profile=profile)


@pytest.mark.parametrize("provider", sorted(CASES))
def test_profile_rejects_one_record_and_accepts_another(provider: str, tmp_path: Path) -> None:
    rejected, accepted = CASES[provider]
    report = _scan(tmp_path, rejected, provider)
    assert [f.first_location.line for f in report.findings] == [1], [f.message for f in report.findings]
    assert all(f.metrics.get("rejected") for f in report.findings)
    if provider != "generic":
        cond = next(c for c in report.conditions if c.name == "provider-accepts-records")
        assert (cond.value, cond.passed, cond.blocking) == (1, False, True)
    report = _scan(tmp_path, accepted, provider)
    assert report.findings == [], [f.message for f in report.findings]
    if provider != "generic":
        assert next(c for c in report.conditions if c.name == "provider-accepts-records").passed


def test_generic_profile_adds_no_condition(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [_chat(HI, ANSWER)])
    names = {c.name for c in dataqa.scan(str(path)).conditions}
    assert not {n for n in names if n.startswith("provider-")}
    names = {c.name for c in dataqa.scan(str(path), profile="openai").conditions}
    assert {"provider-accepts-records", "provider-example-count", "provider-file-size"} <= names


def test_example_count_condition_blocks_a_small_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [_chat(HI, ANSWER)] * 3)
    report = dataqa.scan(str(path), select=["PROV007"], profile="openai")
    cond = next(c for c in report.conditions if c.name == "provider-example-count")
    assert (cond.value, cond.passed) == (3, False)
    assert report.verdict == "NO-GO"


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [_chat(HI, ANSWER)])
    with pytest.raises(ConfigError, match="unknown profile"):
        dataqa.scan(str(path), profile="openia")
    result = run_cli("scan", str(path), "--profile", "openia", "--no-config")
    assert result.returncode == 2
    assert "unknown profile" in result.stderr


def test_cli_profile_flag_reports_provider_findings(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [_chat(("system", "Be brief."), HI, ANSWER)])
    result = run_cli(
        "scan",
        str(path),
        "--profile",
        "bedrock",
        "--select",
        "PROV",
        "--no-config",
        "--output-format",
        "concise",
    )
    assert result.returncode == 1
    assert "PROV002" in result.stdout and "train.jsonl:1" in result.stdout


def test_profile_files_are_strict(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key"):
        parse_profile({"name": "x", "examples": {"minimum": 3}}, "test")
    with pytest.raises(ConfigError, match="unknown format"):
        parse_profile({"name": "x", "shape": {"formats": ["jsonl"]}}, "test")
    with pytest.raises(ConfigError, match="default_model"):
        parse_profile({"name": "x", "tokens": {"default_model": "m", "models": {"n": 5}}}, "test")
    custom = tmp_path / "mine.toml"
    custom.write_text('name = "mine"\n[examples]\nmin = 2\n', encoding="utf-8")
    assert load_profile(str(custom)).min_examples == 2


def test_image_limits_judge_size_type_count_and_role() -> None:
    profile = load_profile("openai")

    def problems(images: list[dict]) -> list[str]:
        return [what for _, what in ImageLimits._problems(profile, images)]

    big = {"at": "m[0]", "role": "user", "media": "image/png", "bytes": 11 * 2**20, "url": False}
    assert problems([big]) == ["image over 10.0 MB (11.0 MB)"]
    ok = {**big, "bytes": 1000}
    assert problems([ok] * 10) == []
    assert problems([ok] * 11) == ["more than 10 images in one example"]
    assert "assistant message" in problems([{**ok, "role": "assistant"}])[0]
    assert problems([{**ok, "media": "image/gif"}]) == [
        "image/gif is not accepted (image/jpeg, image/png, image/webp)"
    ]


def test_data_url_sizes_are_measured_without_decoding() -> None:
    data = base64.b64encode(b"x" * 1000).decode()
    info = url_image(f"data:image/webp;base64,{data}")
    assert (info["media"], info["bytes"], info["url"]) == ("image/webp", 1000, False)
    assert url_image("https://x.test/a.JPG?v=2")["media"] == "image/jpeg"
    assert "problem" in url_image("data:image/png;base64,@@@@")


@pytest.mark.parametrize(
    ("args", "style", "code"),
    [
        ('{"city": "Oslo"}', "string", structure.ARGS_OK),
        ('"{\\"city\\": \\"Oslo\\"}"', "string", structure.ARGS_DOUBLE),
        ({"city": "Oslo"}, "string", structure.ARGS_UNENCODED),
        ("city=Oslo", "string", structure.ARGS_NOT_JSON),
        ("[1, 2]", "string", structure.ARGS_NOT_OBJECT),
        (None, "string", structure.ARGS_MISSING),
        ({"city": "Oslo"}, "object", structure.ARGS_OK),
        ('{"city": "Oslo"}', "object", structure.ARGS_DOUBLE),
        ("Oslo", "object", structure.ARGS_NOT_OBJECT),
        (3, "object", structure.ARGS_NOT_OBJECT),
    ],
)
def test_arguments_are_classified_by_encoding(args: object, style: str, code: str) -> None:
    assert structure.classify_args(args, style)[0] == code


def test_normaliser_keeps_structure_only_for_structured_records() -> None:
    plain = normalisers.normalise(_chat(HI, ANSWER), formats.CHAT)
    assert plain["structure"] is None
    parts = normalisers.normalise(_chat(("user", [{"type": "text", "text": "Hi"}]), ANSWER), formats.CHAT)
    assert parts["structure"] is None and parts["prompt"] == "Hi"
    tools = normalisers.normalise(CASES["mistral"][1], formats.CHAT)
    st_ = structure.load(tools["structure"])
    assert [e["kind"] for e in st_["events"]] == ["call", "result"]
    assert tools["valid"] and st_["tools"][0]["name"] == "status"


def test_vertex_kto_and_openai_preference_are_normalised() -> None:
    vertex = normalisers.normalise(
        CASES["vertex-gemini"][1], formats.detect_format(CASES["vertex-gemini"][1])
    )
    assert (vertex["format"], vertex["system"], vertex["prompt"], vertex["response"]) == (
        "vertex",
        "Be brief.",
        "Hi",
        "Hello.",
    )
    kto = {"prompt": "Hi", "completion": "Go away.", "label": False}
    row = normalisers.normalise(kto, formats.detect_format(kto))
    assert (row["format"], row["label"], row["valid"]) == ("kto", "false", True)
    bad = normalisers.normalise({**kto, "label": "no"}, formats.KTO)
    assert not bad["valid"]
    dpo = {
        "input": {"messages": [{"role": "user", "content": "Hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hello!"}],
        "non_preferred_output": [{"role": "assistant", "content": "What."}],
    }
    row = normalisers.normalise(dpo, formats.detect_format(dpo))
    assert (row["format"], row["prompt"], row["response"], row["rejected"]) == (
        "openai_preference",
        "Hi",
        "Hello!",
        "What.",
    )


def test_pairing_accepts_an_example_that_ends_on_its_call() -> None:
    call = {"kind": "call", "at": "m[1]", "turn": 1, "id": "a", "name": "f"}
    assert pairing_problems([call], last_turn=1) == []
    assert pairing_problems([call], last_turn=2)  # the conversation goes on without the result


# -- the tool-schema validator against jsonschema's meta-schema check ---------------------------

TYPES = st.sampled_from(["object", "array", "string", "number", "integer", "boolean", "null", "dict", "str"])
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3), st.lists(st.integers(), max_size=2)
)


def _schemas(depth: int = 2) -> st.SearchStrategy:
    sub = _schemas(depth - 1) if depth else st.just({"type": "string"})
    return st.dictionaries(
        st.sampled_from(
            [
                "type",
                "properties",
                "required",
                "items",
                "enum",
                "anyOf",
                "description",
                "minLength",
                "minimum",
                "additionalProperties",
            ]
        ),
        st.one_of(
            JUNK,
            TYPES,
            st.lists(TYPES, max_size=3),
            st.dictionaries(st.sampled_from(["a", "b"]), sub, max_size=2),
            st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
            st.lists(sub, max_size=2),
            sub,
        ),
        max_size=4,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas())
def test_schema_validator_agrees_with_jsonschema(schema: dict) -> None:
    """Everything the draft-7 meta-schema rejects is reported; every report is a real error or
    one of the two rules JSON Schema leaves out (required names not among properties)."""
    try:
        jsonschema.Draft7Validator.check_schema(schema)
        meta_ok = True
    except jsonschema.SchemaError:
        meta_ok = False
    ours = schema_problems(schema, "p")
    if not meta_ok:
        assert ours, orjson.dumps(schema).decode()
    else:
        assert all("not among its properties" in p for p in ours), (ours, schema)


# -- hostile structure: odd shapes anywhere in tool calls, parts and tools never break a check -----

ANY = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
PART = st.one_of(
    ANY,
    st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "image_url", "tool_use", "tool_result", "zzz"])},
        optional={"text": ANY, "image_url": ANY, "id": ANY, "name": ANY, "input": ANY, "tool_use_id": ANY},
    ),
    st.fixed_dictionaries(
        {}, optional={"text": ANY, "inlineData": ANY, "functionCall": ANY, "functionResponse": ANY}
    ),
)
MESSAGE = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "tool", "system", "function"])},
    optional={
        "content": st.one_of(ANY, st.lists(PART, max_size=3)),
        "tool_calls": st.one_of(
            ANY,
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "id": ANY,
                        "type": ANY,
                        "function": st.one_of(
                            ANY,
                            st.fixed_dictionaries(
                                {},
                                optional={
                                    "name": ANY,
                                    "arguments": st.one_of(ANY, st.just('"{\\"a\\": 1}"')),
                                },
                            ),
                        ),
                    },
                ),
                max_size=3,
            ),
        ),
        "tool_call_id": ANY,
        "weight": ANY,
    },
)
RECORD = st.one_of(
    st.fixed_dictionaries(
        {"messages": st.lists(MESSAGE, max_size=5)}, optional={"tools": ANY, "system": ANY, "weight": ANY}
    ),
    st.fixed_dictionaries(
        {
            "contents": st.lists(
                st.fixed_dictionaries(
                    {"role": st.sampled_from(["user", "model", "function", "x"])},
                    optional={"parts": st.lists(PART, max_size=3)},
                ),
                max_size=4,
            )
        },
        optional={"systemInstruction": ANY, "tools": ANY},
    ),
    st.fixed_dictionaries(
        {
            "chosen": st.one_of(ANY, st.lists(MESSAGE, max_size=3)),
            "rejected": st.one_of(ANY, st.lists(MESSAGE, max_size=3)),
        },
        optional={"prompt": ANY},
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(RECORD, min_size=1, max_size=4), st.sampled_from(["openai", "vertex-gemini", "generic"]))
def test_odd_structures_never_break_a_check(
    tmp_path_factory: pytest.TempPathFactory, records: list, profile: str
) -> None:
    path = write_jsonl(tmp_path_factory.mktemp("odd") / "train.jsonl", records)
    report = dataqa.scan(str(path), select=["PROV", "TOOL", "PREF"], profile=profile)
    errored = [(r.check_id, r.reason) for r in report.results if r.status.value == "errored"]
    assert not errored, errored


def test_a_project_profile_file_is_read_relative_to_its_config(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "inhouse.toml").write_text(
        'name = "inhouse"\ntitle = "In-house trainer"\n'
        '[shape]\nformats = ["chat"]\nroles = ["user", "assistant"]\n',
        encoding="utf-8",
    )
    (tmp_path / "dataqa.toml").write_text('profile = "profiles/inhouse.toml"\n', encoding="utf-8")
    path = write_jsonl(
        tmp_path / "train.jsonl", [_chat(("system", "Be brief."), HI, ANSWER), _chat(HI, ANSWER)]
    )
    report = dataqa.scan(str(path), config=str(tmp_path / "dataqa.toml"), select=["PROV002"])
    assert [f.first_location.line for f in report.findings] == [1]


def test_tool_definitions_count_toward_an_examples_tokens() -> None:
    plain = normalisers.normalise(_chat(HI, ANSWER), formats.CHAT)
    with_tools = normalisers.normalise(
        {**_chat(HI, ANSWER), "tools": CASES["mistral"][1]["tools"]}, formats.CHAT
    )
    tools_json = orjson.dumps(CASES["mistral"][1]["tools"]).decode()
    assert with_tools["n_tokens"] - plain["n_tokens"] == tokens.estimate_tokens(tools_json)


def test_image_cap_and_weights_on_some_records_are_found_from_block_summaries(tmp_path: Path) -> None:
    """PROV005's cap on examples with images and PROV004's "a record-level weight on every record or
    on none" need the whole split's count; from block summaries (as on Ray workers) they name the same
    records: the images past the cap, the records without a weight."""
    from test_check_scope import _blocked

    from dataqa.engine.context import Context
    from dataqa.engine.registry import make_check
    from dataqa.engine.runner import load_splits
    from dataqa.engine.settings import read_config

    (tmp_path / "capped.toml").write_text(
        'name = "capped"\ntitle = "Capped trainer"\n[shape]\nformats = ["chat"]\n'
        "[weight]\nroot = true\n[images]\naccepted = true\nmax_examples = 2\n",
        encoding="utf-8",
    )
    picture = {"type": "image_url", "image_url": {"url": "https://example.com/p.png"}}

    def record(i: int, image: bool, weight: bool) -> dict:
        question = [{"type": "text", "text": f"What is in picture {i}?"}, *([picture] if image else [])]
        out: dict = {
            "messages": [{"role": "user", "content": question}, {"role": "assistant", "content": "A cat."}]
        }
        return {**out, "weight": 1.0} if weight else out

    rows = [record(i, image=i in (2, 3, 5, 6), weight=i <= 3) for i in range(1, 7)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = read_config(None, discover=False, profile=str(tmp_path / "capped.toml"))
    ctx = Context(load_splits({"train": str(path)}, config), config)
    checks = [make_check(InvalidWeight), make_check(ImageLimits)]
    local = [[f.to_dict() for f in check.run(ctx)] for check in checks]
    weights, images = local
    assert [(f["message"], [loc["line"] for loc in f["locations"]]) for f in weights] == [
        (
            "3 record(s) carry a record-level weight and 3 do not; "
            "Capped trainer needs it on every record or on none",
            [4, 5, 6],
        )
    ]
    assert [(f["message"], [loc["line"] for loc in f["locations"]]) for f in images] == [
        ("4 examples contain images; Capped trainer accepts at most 2", [5, 6])
    ]
    for rows_per_block in (1, 2, 4):
        blocked = _blocked([make_check(InvalidWeight), make_check(ImageLimits)], ctx, config, rows_per_block)
        assert [b["findings"] for b in blocked] == local, rows_per_block
