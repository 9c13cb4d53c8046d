"""The check registry piece by piece: what `register` refuses, what `load_checks` returns (ids, order,
plugin files kept apart), how selection reads prefixes, and how options and severities are read.

The mutation run found these untested (`benchmarks/mutation.md`): the scan tests only ever see the
registry through a whole scan's results.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from dataqa.core.errors import ConfigError
from dataqa.core.models import Location, Severity
from dataqa.core.options import ranged
from dataqa.engine import registry
from dataqa.engine.registry import (
    Check,
    check_tables,
    iter_registered,
    load_checks,
    make_check,
    option_values,
    register,
    select_checks,
)


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Check]]:
    """A registry of its own for the test, so registering leaves the real one as it was."""
    table: dict[str, type[Check]] = {}
    monkeypatch.setattr(registry, "_REGISTRY", table)
    return table


def exact(text: str) -> str:
    """A `match=` pattern for exactly this text."""
    return f"^{re.escape(text)}$"


@dataclasses.dataclass
class Limits(Check):
    """Flags rows longer than a limit.

    Why: a test check with options of three kinds.
    Example: none.
    Fix: none.
    """

    id = "ZZT001"
    name = "limits"
    family = "quality"
    severity = Severity.INFO
    limit: int = ranged(100, low=1, high=1000)
    share: float = ranged(0.5, low=0, high=1)
    words: list[str] = dataclasses.field(default_factory=lambda: ["a", "b"])
    label: str = "x"
    min_words: int = 0


def check_class(cid: str, family: object = "quality", qualname: str | None = None) -> type[Check]:
    cls = dataclasses.make_dataclass(
        f"Made{cid}", [], bases=(Check,), namespace={"id": cid, "family": family}
    )
    if qualname:
        cls.__qualname__ = qualname
    return cls


def test_register_adds_a_well_formed_check_and_returns_it(empty_registry: dict) -> None:
    cls = check_class("ZZT002")
    assert register(cls) is cls
    assert empty_registry == {"ZZT002": cls}


@pytest.mark.parametrize(
    "cid", ["ZZ01", "Z001", "ZZZZZZZ001", "zzz001", "ZZZ0011", "ZZZ01", " ZZZ001", "ZZZ001 ", "ZZZ001\n"]
)
def test_register_refuses_an_id_not_like_abc123(empty_registry: dict, cid: str) -> None:
    with pytest.raises(TypeError, match=exact(f"Made{cid}.id {cid!r} is not like 'ABC123'")):
        register(check_class(cid))
    assert empty_registry == {}


def test_register_refuses_a_check_with_no_id_or_no_dataclass(empty_registry: dict) -> None:
    @dataclasses.dataclass
    class NoId(Check):
        family = "quality"

    with pytest.raises(TypeError, match=r"^NoId\.id None is not like 'ABC123'$"):
        register(NoId)

    class Plain(Check):
        id = "ZZT003"
        family = "quality"

    with pytest.raises(TypeError, match=r"^Plain must be a dataclass \(its fields are its options\)$"):
        register(Plain)
    assert empty_registry == {}


def test_register_refuses_a_family_that_is_not_a_string(empty_registry: dict) -> None:
    with pytest.raises(TypeError, match=r"^MadeZZT004 must declare its own `family`"):
        register(check_class("ZZT004", family=3))


def test_an_id_is_registered_once_but_the_same_class_again_replaces_it(empty_registry: dict) -> None:
    first = register(check_class("ZZT005", qualname="First"))
    again = check_class("ZZT005", qualname="First")  # the module imported a second time
    assert register(again) is again and empty_registry["ZZT005"] is again
    with pytest.raises(TypeError, match=r"^check id ZZT005 is registered twice \(First, Other\)$"):
        register(check_class("ZZT005", qualname="Other"))
    assert empty_registry["ZZT005"] is again and first is not again


def test_load_checks_returns_every_built_in_check_by_its_id_in_id_order() -> None:
    checks = load_checks()
    assert list(checks) == sorted(checks)
    assert all(cls.id == cid and registry.ID_PATTERN.fullmatch(cid) for cid, cls in checks.items())
    assert {"FMT001", "DUP001", "LBL001", "LEAK001", "SIZE001"} <= set(checks)
    assert {cls.family for cls in checks.values()} <= set(registry.FAMILIES)
    assert list(iter_registered()) == list(checks.values())
    assert load_checks() == checks and load_checks() is not registry._REGISTRY  # a copy


PLUGIN = '''
from dataclasses import dataclass
from dataqa.engine.registry import Check, register


@register
@dataclass
class Mine(Check):
    """A project's own check."""

    id = "{cid}"
    name = "mine"
    family = "quality"
'''


def test_a_plugin_files_checks_join_the_scan_that_names_it_and_no_other(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(PLUGIN.format(cid="ZZP001"), encoding="utf-8")
    with_plugin = load_checks([path])
    assert "ZZP001" in with_plugin and list(with_plugin) == sorted(with_plugin)
    assert set(with_plugin) - set(load_checks()) == {"ZZP001"}
    assert "ZZP001" not in registry._REGISTRY
    path.write_text(PLUGIN.format(cid="ZZP009"), encoding="utf-8")  # imported once: the same classes
    assert load_checks([str(path)])["ZZP001"] is with_plugin["ZZP001"]


def test_two_plugin_files_with_one_id_are_refused(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(PLUGIN.format(cid="ZZP002"), encoding="utf-8")
    assert "ZZP002" in load_checks([tmp_path / "a.py"])
    with pytest.raises(
        ConfigError, match=exact(f"plugin {tmp_path / 'b.py'}: check id ZZP002 is already registered")
    ):
        load_checks([tmp_path / "a.py", tmp_path / "b.py"])


def test_a_plugin_file_that_is_missing_not_python_or_raising_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone.py"
    with pytest.raises(ConfigError, match=exact(f"plugin file {missing} does not exist")):
        load_checks([missing])
    text = tmp_path / "checks.txt"
    text.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=exact(f"plugin file {text} cannot be imported")):
        load_checks([text])
    raising = tmp_path / "raising.py"
    raising.write_text(PLUGIN.format(cid="ZZP003") + "\nraise RuntimeError('boom')\n", encoding="utf-8")
    before = dict(registry._REGISTRY)
    with pytest.raises(
        ConfigError, match=exact(f"plugin file {raising} failed to import: RuntimeError: boom")
    ) as err:
        load_checks([raising])
    assert err.value.__suppress_context__  # the message says it all: no chained traceback
    assert before == registry._REGISTRY  # the check it registered before raising is gone again


IDS = ["AB001", "AB002", "AC001", "CD001"]


def some_checks() -> dict[str, type[Check]]:
    return {cid: check_class(cid) for cid in IDS}


@pytest.mark.parametrize(
    ("select", "ignore", "extend", "chosen"),
    [
        ((), (), (), IDS),
        (["AB"], (), (), ["AB001", "AB002"]),
        (["ab0"], (), (), ["AB001", "AB002"]),
        (["A"], ["ab002"], (), ["AB001", "AC001"]),
        (["CD"], (), ["AB001"], ["AB001", "CD001"]),
        ((), ["AB"], ["AB001"], ["AC001", "CD001"]),  # ignore wins over extend
        (["all"], ["CD"], (), ["AB001", "AB002", "AC001"]),
        (["CD"], ["ALL"], (), []),
        (["CD"], (), ["All"], IDS),
    ],
)
def test_select_ignore_and_extend_take_prefixes_in_any_case(select, ignore, extend, chosen) -> None:
    checks = some_checks()
    assert [cls.id for cls in select_checks(checks, select, ignore, extend)] == chosen


@pytest.mark.parametrize("where", ["select", "ignore", "extend_select"])
def test_a_prefix_no_check_id_has_is_a_config_error(where: str) -> None:
    with pytest.raises(ConfigError, match=r"^no check id starts with 'ab3' \(see `dataqa checks`\)$"):
        select_checks(some_checks(), **{where: ["AB", "ab3"]})


def test_a_check_documents_itself_and_lists_its_options_and_ranges() -> None:
    assert Limits.summary() == "Flags rows longer than a limit."
    assert Limits.documentation().startswith("Flags rows longer than a limit.\n\nWhy: a test check")
    assert Limits.documentation().endswith("Fix: none.")
    assert Limits.options() == {
        "limit": (int, 100),
        "share": (float, 0.5),
        "words": (list[str], ["a", "b"]),
        "label": (str, "x"),
        "min_words": (int, 0),
    }
    assert Limits.ranges() == {"limit": (1, 1000), "share": (0, 1)}


def test_option_values_reads_dashed_keys_skips_severity_and_checks_kind_and_range() -> None:
    assert option_values(Limits, None, "w") == {}
    assert option_values(Limits, {"min-words": 2}, "w") == {"min_words": 2}  # TOML's dashed spelling
    assert option_values(Limits, {"limit": 5, "severity": "error", "words": ["c"]}, "w") == {
        "limit": 5,
        "words": ["c"],
    }
    with pytest.raises(
        ConfigError,
        match=r"^w: unknown option 'lim'; options are: limit, share, words, label, min_words and severity$",
    ):
        option_values(Limits, {"lim": 5}, "w")
    with pytest.raises(ConfigError, match=r"^w\.limit: expected int"):
        option_values(Limits, {"limit": "5"}, "w")
    with pytest.raises(ConfigError, match=r"^w: limit = 0 is out of range; it must be"):
        option_values(Limits, {"limit": 0}, "w")
    with pytest.raises(ConfigError, match=r"^w: share = 1\.5 is out of range"):
        option_values(Limits, {"share": 1.5}, "w")


def test_an_option_of_a_check_with_none_names_only_severity() -> None:
    cls = check_class("ZZT006")
    with pytest.raises(ConfigError, match=r"^w: unknown option 'x'; options are: none and severity$"):
        option_values(cls, {"x": 1}, "w")


def test_check_tables_names_unknown_checks_then_bad_options() -> None:
    checks = {"ZZT001": Limits}
    check_tables({"ZZT001": {"limit": 3}}, checks, "checks")
    with pytest.raises(
        ConfigError, match=r"^checks: options given for unknown check id\(s\): AB001, ZZ9999$"
    ):
        check_tables({"ZZ9999": {}, "AB001": {}, "ZZT001": {}}, checks, "checks")
    with pytest.raises(ConfigError, match=r"^checks\.ZZT001: unknown option 'nope'"):
        check_tables({"ZZT001": {"nope": 1}}, checks, "checks")


def test_make_check_sets_options_and_severity_and_findings_carry_them() -> None:
    default = make_check(Limits)
    assert (default.limit, default.share, default.effective_severity, default.metrics) == (
        100,
        0.5,
        Severity.INFO,
        {},
    )
    check = make_check(Limits, {"limit": 7, "severity": "Error", "label": "y", "min-words": 3})
    assert (check.limit, check.label, check.min_words, check.effective_severity) == (
        7,
        "y",
        3,
        Severity.ERROR,
    )
    assert make_check(Limits, {"severity": Severity.WARNING}).effective_severity == Severity.WARNING
    with pytest.raises(ConfigError, match=r"^ZZT001: unknown option"):
        make_check(Limits, {"nope": 1})
    at = [Location("train", "t.jsonl", 3)]
    finding = check.finding("too long", at, evidence=("row text",), unusable=at)
    assert (finding.check_id, finding.severity, finding.message) == ("ZZT001", Severity.ERROR, "too long")
    assert (finding.locations, finding.evidence, finding.metrics, finding.unusable) == (
        at,
        ["row text"],
        {},
        at,
    )
    assert check.finding("m", at, metrics={"n": 2}).metrics == {"n": 2}
