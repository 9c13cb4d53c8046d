"""The README stays true: its two commands are what CI runs, and its checks table is the registry's."""

from __future__ import annotations

from pathlib import Path

from dataqa.commands.docs import END, START, checks_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert TEST_COMMAND in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line.strip() and not line.startswith("#")][-1] == TEST_COMMAND


def test_readme_first_command_scans_the_sample_data() -> None:
    assert "pip install -e . && dataqa scan sample_data/train.jsonl --test sample_data/test.jsonl" in README
    for name in ("train.jsonl", "test.jsonl"):
        assert (ROOT / "sample_data" / name).is_file()


def test_checks_table_matches_the_registry() -> None:
    table = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == checks_table(), "run `python -m dataqa.commands.docs README.md` to refresh the table"


def test_readme_documents_the_ray_engine_and_the_checks_on_its_workers() -> None:
    """The README's Ray section names the install, the options and their defaults, says what runs
    where, and lists exactly the checks that run on the workers (`Check.scope` "record" or "summary")."""
    from dataqa.engine.config import Config
    from dataqa.engine.registry import GROUP, RECORD, SUMMARY, load_checks, make_check
    from dataqa.engine.sample import Sampled

    section = README.split("### On a Ray cluster", 1)[1].split("\n### ", 1)[0]
    for text in (
        "pip install 'dataqa-finetune[ray]'",
        "--engine ray",
        "--engine local|ray",
        "--ray-address auto|HOST:PORT",
        "`ray-block-rows` (default 20,000)",
        "`ray-driver-rows` (default 500,000)",
        "`ray-sample-rows` (default\n100,000; `--ray-sample-rows N`)",
        "checks that read whole splits\nare skipped",
        "config `engine`, default `local`",
        "the workers read",
        "the same paths on the\nworkers",
        "exit\ncode 2",
        "benchmarks/ray.md",
        "`file://` URIs only",
        "naming `--engine ray`",
    ):
        assert text in section, f"the README's Ray section does not say {text!r}"
    assert Config().engine == "local" and Config().ray_block_rows == 20_000 and Config().ray_address is None
    assert Config().ray_driver_rows == 500_000 and Config().ray_sample_rows == 100_000
    for mark, scope in (("ray-workers", RECORD), ("ray-summaries", SUMMARY), ("ray-groups", GROUP)):
        listed = section.split(f"<!-- {mark} -->", 1)[1].split(f"<!-- /{mark} -->", 1)[0]
        on_workers = [cid for cid, cls in load_checks().items() if cls.scope == scope]
        assert listed.split(", ") == on_workers, (
            f"the README's list of {scope} checks on the Ray workers is stale"
        )
    forms = {cid: make_check(cls).held_form() for cid, cls in load_checks().items()}
    for mark, sampled in (("ray-held", False), ("ray-sampled", True)):
        listed = section.split(f"<!-- {mark} -->", 1)[1].split(f"<!-- /{mark} -->", 1)[0]
        held = [cid for cid, f in forms.items() if f is not None and isinstance(f, Sampled) == sampled]
        assert listed.split(", ") == held, f"the README's list of checks {mark} is stale"
