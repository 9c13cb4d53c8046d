"""Mutation-testing run over dataqa's core with mutmut 3 (not part of CI: rerun when these modules change).

mutmut copies the source into `mutants/` and expects a standard layout, but `checks/` and `reports/`
are mapped into the `dataqa` package by pyproject's package-dir. So each module group is staged in a
folder of its own with `dataqa/checks` and `dataqa/reports` nested as the installed package has them,
and runs with only the test files that exercise the group. Tests that run the real `dataqa` command
in a subprocess are counted too: the subprocess imports the mutated copy (PYTHONPATH) and a bridge
(`sitecustomize.py`) hands the functions it reached back to mutmut's per-test coverage.

    nice -n 10 python benchmarks/mutation/run.py verdict clean      # groups, or `all`
    nice -n 10 python benchmarks/mutation/run.py similarity --sample 250 --seed 23   # a uniform sample
    python benchmarks/mutation/run.py --list

Per group it writes `benchmarks/mutation/results/<group>.txt` (`<group>-sample-seed<S>.txt` for a
sample): the score and every surviving mutant's diff. The stage (default
/tmp/dataqa-mutation/<group>) is rebuilt on every run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"

ENGINE_TESTS = [
    "tests/test_engine.py",
    "--deselect",
    "tests/test_engine.py::test_every_check_names_the_shared_families_it_reads[sample]",
    "tests/test_shared_isolation.py",
    "tests/test_runner_units.py",
    "tests/test_registry_units.py",
]

GROUPS: dict[str, tuple[list[str], list[str]]] = {
    # group: (files to mutate, as the installed package has them; test files that exercise them)
    "verdict": (["dataqa/engine/verdict.py"], ["tests/test_verdict_units.py"]),
    "clean": (
        ["dataqa/commands/clean.py"],
        [
            # test_clean.py's whole-scan tests (all checks, one through the CLI: 20-70 s each on a
            # loaded machine) are left out; its label-variant tests and every FMT/DUP-only test stay.
            "tests/test_clean.py::test_label_variants_are_mapped_when_asked_and_originals_kept",
            "tests/test_clean.py::test_label_variants_stay_as_they_are_unless_asked",
            "tests/test_clean.py::test_refuses_to_write_over_its_inputs",
            # the conservation property test (many scans per run) is left out too; its examples stay
            *(
                f"tests/test_clean_conservation.py::test_{name}"
                for name in (
                    "a_cut_gzip_partial_last_line_goes_to_rejects",
                    "utf16_keeps_nothing_and_rejects_every_line",
                    "a_bom_is_the_one_reported_change",
                    "bare_cr_line_ends_are_named_not_called_crlf",
                    "an_input_that_changes_during_the_run_is_reported",
                    "the_command_prints_the_notes",
                )
            ),
            "tests/test_clean_units.py",
        ],
    ),
    # The escaping helpers against their unit tests alone: each scan-based escaping test (a module
    # fixture of three CLI scans) would cost a minute per mutant here; the renderers group runs them.
    "escaping": (
        ["dataqa/reports/common.py", "dataqa/reports/markdown.py", "dataqa/reports/github.py"],
        ["tests/test_escaping_units.py"],
    ),
    "renderers": (
        [
            "dataqa/reports/html.py",
            "dataqa/reports/html_view.py",
            "dataqa/reports/html_summary.py",
            "dataqa/reports/html_advice.py",
            "dataqa/reports/html_charts.py",
            "dataqa/reports/sarif.py",
            "dataqa/reports/terminal.py",
            "dataqa/reports/diff_html.py",
            "dataqa/reports/markdown.py",
            "dataqa/reports/github.py",
        ],
        [
            # In-process tests only: test_escaping.py (three CLI scans in a module fixture, a minute
            # per mutant on a loaded machine) is left out, test_escaping_every_field makes the same
            # assertions on a report built in-process; so are the other tests that run the command.
            "tests/test_escaping_every_field.py",
            "tests/test_escaping_units.py",
            "tests/test_report_html.py",
            "--deselect",
            "tests/test_report_html.py::test_real_scan_with_hostile_records_through_the_cli",
            "tests/test_report_html_details.py",
            "tests/test_report_outputs.py",
            "--deselect",
            "tests/test_report_outputs.py::test_cli_writes_markdown_sarif_and_github_for_a_real_scan",
            "tests/test_terminal.py",
            "--deselect",
            "tests/test_terminal.py::test_a_folder_scan_names_the_files_each_split_was_read_from",
            "--deselect",
            "tests/test_terminal.py::test_progress_is_off_when_piped_or_quiet",
            "tests/test_debug_diff_html.py",
        ],
    ),
    # DUP004's own rules for near inputs that are not one input (`labelled_apart`, `answered_apart`):
    # not the engine, but they decide on its pairs; run by `--functions` beside the similarity group.
    "dup004": (
        ["dataqa/checks/duplicates/dup004_near_duplicate_input.py"],
        ["tests/test_dup004_same_answer.py", "tests/test_cases.py", "-k", "same_answer or DUP004"],
    ),
    # test_plugin.py is left out of both: it builds and pip-installs a wheel. So is test_engine's
    # every-check-on-the-sample-data test (60 s on a quiet machine): it checks the checks' `shares`.
    "runner": (["dataqa/engine/runner.py"], ENGINE_TESTS),
    "registry": (["dataqa/engine/registry.py"], ENGINE_TESTS),
    # The engine as `dataqa/text/similarity.py`'s docstring names it (overlap, the n-gram search of
    # the leakage checks, has tests of its own through whole scans and is left out).
    "similarity": (
        [
            f"dataqa/text/{name}.py"
            for name in (
                "similarity",
                "normalise",
                "templates",
                "minhash",
                "candidates",
                "bounds",
                "verify",
                "swaps",
                "slots",
                "raw_parts",
                "near_duplicates",
                "worddiff",
                "hashing",
            )
        ],
        [
            "tests/test_similarity.py",
            "tests/test_templates.py",
            "tests/test_containment.py",
            "tests/test_bounds.py",
            "tests/test_similarity_units.py",
            # slots.compare's media rule: its unit test (the file's other tests scan whole sets)
            "tests/test_media_parts.py::test_another_media_part_decides_however_long_the_text",
            # the case files of the checks built on the engine (a second each); -k picks them and
            # keeps the tests above, whose names it matches
            "tests/test_cases.py",
            "-k",
            "test_similarity or test_templates or test_containment or test_bounds or media_part_decides "
            "or DUP00 or LBL001 or LBL002 or LEAK00 or PREF001",
        ],
    ),
}

TIMEOUT_CONSTANT = 120.0
"""Seconds added to a mutant's test time before mutmut's multipliers (`--timeout-constant`): its
wall-clock limit is (test time + this) x 2, about five minutes. A mutant that deadlocks (the
runner's worker loop) costs all of it; a smaller constant bounds that cost, at the risk of a slow
survivor on a loaded machine timing out (run.py counts a timeout as not killed)."""

MOVABLE = {"condition", "contextlib.contextmanager"}
"""Decorators that may as well be applied after the module body (`f = condition(f)`, in the same
order): mutmut skips every decorated function, so in the stage they are moved and the function itself
is mutated. `condition` only registers; `contextmanager` is looked up at call time."""

PACKAGE_DIRS = {"dataqa/checks": "checks", "dataqa/reports": "reports"}
"""Folders pyproject maps into the package: staged where the installed package has them."""

BRIDGE = '''
"""Subprocess side of the stats bridge: the functions this process reached go to the test's hits file."""
import atexit
import os

if os.environ.get("MUTANT_UNDER_TEST") == "stats" and os.environ.get("DATAQA_MUTMUT_HITS"):
    from mutmut.configuration import config
    from mutmut.state import state
    from mutmut.utils.file_utils import change_cwd

    with change_cwd(os.environ["DATAQA_MUTMUT_STAGE"]):
        config()  # read the stage's [tool.mutmut], whatever folder the test runs the command in

    @atexit.register
    def _hand_back() -> None:
        with open(os.environ["DATAQA_MUTMUT_HITS"], "a", encoding="utf-8") as fh:
            fh.writelines(name + "\\n" for name in state()._stats)
'''

CONFTEST_BRIDGE = '''

# --- added by benchmarks/mutation/run.py in the stage only: parent side of the stats bridge ---
import pytest as _pytest


@_pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Give mutmut the functions this test's subprocesses reached, before it files this test's hits."""
    hits = os.environ.get("DATAQA_MUTMUT_HITS")
    if os.environ.get("MUTANT_UNDER_TEST") != "stats" or not hits or not os.path.exists(hits):
        return
    from mutmut.state import state

    with open(hits, encoding="utf-8") as fh:
        state()._stats.update(line.strip() for line in fh if line.strip())
    os.remove(hits)
'''


def undecorate(path: Path) -> list[str]:
    """Move registering decorators of top-level functions below the module body; return the names."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    moved: list[tuple[str, str]] = []
    drop: set[int] = set()
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or len(node.decorator_list) != 1:
            continue
        deco = node.decorator_list[0]
        if ast.unparse(deco) in MOVABLE and deco.lineno == deco.end_lineno:
            drop.add(deco.lineno - 1)
            moved.append((ast.unparse(deco), node.name))
    if moved:
        kept = [line for i, line in enumerate(lines) if i not in drop]
        tail = "".join(f"{name} = {deco}({name})\n" for deco, name in moved)
        path.write_text("".join(kept) + "\n\n# moved here by benchmarks/mutation/run.py\n" + tail, "utf-8")
    return [name for _, name in moved]


def stage(group: str, work: Path, timeout_constant: float = TIMEOUT_CONSTANT) -> Path:
    """Build the standard-layout copy of the project that mutmut runs in, and return its folder."""
    files, tests = GROUPS[group]
    where = work / group
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "dataqa", where / "dataqa", ignore=ignore)
    for inside, source in PACKAGE_DIRS.items():
        shutil.copytree(ROOT / source, where / inside, ignore=ignore)
    for file in files:
        undecorate(where / file)
    shutil.copytree(ROOT / "tests", where / "tests", ignore=ignore)
    shutil.copytree(ROOT / "sample_data", where / "sample_data", ignore=ignore)
    shutil.copy2(ROOT / "README.md", where / "README.md")
    with open(where / "tests" / "conftest.py", "a", encoding="utf-8") as fh:
        fh.write(CONFTEST_BRIDGE)
    (where / "bridge").mkdir()
    (where / "bridge" / "sitecustomize.py").write_text(BRIDGE, encoding="utf-8")
    present = [  # options, their values, and the test files there are
        t
        for i, t in enumerate(tests)
        if t.startswith("-") or (i and tests[i - 1] == "-k") or (ROOT / t.split("::")[0]).is_file()
    ]
    config = {
        "source_paths": ["dataqa"],
        "only_mutate": files,
        "also_copy": ["sample_data", "README.md"],
        "pytest_add_cli_args_test_selection": present,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:randomly"],
        # Never fork a process that ran a scan: polars' thread pool does not survive a fork, and the
        # child would hang until its timeout (a false kill). The fork server has only imported.
        "process_isolation": "forkserver",
        "forkserver_warmup": "collect",
        # mutmut's CPU limit is (test time + constant) x multiplier x 2, but its test times leave out
        # fixture set-up (the escaping tests scan in a module fixture): the default limit killed
        # mutants that had only survived slowly. A limit of minutes leaves a real timeout rare.
        "timeout_constant": timeout_constant,
        "timeout_multiplier": 2.0,
    }
    lines = ["[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    (where / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Made now, not by mutmut: a PYTHONPATH folder missing at start-up is cached as absent, and the
    # editable install of another checkout would be imported instead of the mutants.
    (where / "mutants").mkdir()
    return where


ESCAPING_CALL = re.compile(
    r"(?<![\w.])(trim|neutralise|escape|escape_data|escape_property|quote|_code|split_source)\(|autoescape"
)
"""A line that escapes: it calls one of the renderers' escaping helpers, or sets Jinja's autoescape."""


def on_escaping_line(diff: str) -> bool:
    """Whether a mutant changes a line that escapes, other than only a number on it (a cut length)."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    if not any(ESCAPING_CALL.search(line) for line in removed + added):
        return False
    digits = re.compile(r"\d+")
    return [digits.sub("0", line) for line in removed] != [digits.sub("0", line) for line in added]


def select(
    where: Path,
    env: dict[str, str],
    patterns: list[str] | None = None,
    escaping: bool = False,
    sample: int | None = None,
    seed: int = 0,
) -> list[str]:
    """The stage's mutants matching `patterns` (all if none), only those on escaping lines if asked,
    then a uniform random sample of `sample` of them: names sorted first, so one seed picks the same
    mutants from the same source. A sample is recorded in the stage (`sample.json`) for the score."""
    names = sorted(exit_codes(where))
    if patterns:
        names = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    if escaping:
        diffs = mutant_diffs(where, names, env)
        names = [n for n in names if on_escaping_line(diffs.get(n, ""))]
    if sample is not None:
        population = len(names)
        names = sorted(random.Random(seed).sample(names, min(sample, population)))
        record = {"seed": seed, "population": population, "patterns": patterns or [], "names": names}
        (where / "sample.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return names


def generate(where: Path, env: dict[str, str]) -> None:
    """Make the stage's mutants (as `mutmut run` does first) without running any test, so that they
    can be listed and picked before the run."""
    script = (
        "from mutmut.__main__ import create_mutants\n"
        "from mutmut.mutation.trampoline import set_mutant_under_test\n"
        "from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths\n"
        "set_mutant_under_test('mutant_generation')\n"
        "copy_src_dir(); copy_also_copy_files(); setup_source_paths(); create_mutants(1)\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=where, env=env, check=True, capture_output=True)


def run(
    group: str,
    work: Path,
    max_children: int,
    functions: list[str] | None = None,
    escaping: bool = False,
    sample: int | None = None,
    seed: int = 0,
    timeout_constant: float = TIMEOUT_CONSTANT,
) -> Path:
    """Stage the group, run mutmut in it (on all its mutants, or those of the `functions` patterns,
    e.g. `dataqa.reports.terminal.x_render__mutmut_*`, those on escaping lines, a sample), write its
    result file, and return that file."""
    where = stage(group, work, timeout_constant)
    env = environment(where)
    names = functions or []
    if escaping or sample is not None:
        generate(where, env)
        names = select(where, env, functions, escaping, sample, seed)
        print(f"{len(names)} mutants picked")
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    subprocess.run(command, cwd=where, env=env, check=False)
    return write_results(group, where, env)


def environment(where: Path) -> dict[str, str]:
    """What mutmut and the tests' subprocesses run with: the mutants first on the path, the bridge."""
    return {
        **os.environ,
        "PYTHONPATH": f"{where / 'mutants'}{os.pathsep}{where / 'bridge'}",
        "DATAQA_MUTMUT_STAGE": str(where),
        "DATAQA_MUTMUT_HITS": str(where / "hits.txt"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def exit_codes(where: Path) -> dict[str, int | None]:
    """Every mutant's last exit code, from mutmut's result files."""
    codes: dict[str, int | None] = {}
    for meta in sorted((where / "mutants").rglob("*.meta")):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def rerun(
    group: str,
    work: Path,
    max_children: int,
    only: list[str] | None = None,
    fresh: bool = True,
    escaping: bool = False,
) -> Path:
    """Run the group's mutants not killed again (the stage and its results kept), or with `only`
    (mutant names, `*` allowed; [] resumes a stopped run) just those, and with `escaping` just those
    of them on escaping lines. With `fresh`, the group's test files are copied in anew and mapped
    again first: the current tests, not the stage's."""
    where = work / group
    env = environment(where)
    if fresh:
        for test in {t.split("::")[0] for t in GROUPS[group][1] if not t.startswith("-")}:
            if (ROOT / test).is_file():
                for target in (where / test, where / "mutants" / test):
                    shutil.copy2(ROOT / test, target)
        (where / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # tests changed: map them again
    names = only if only is not None else [n for n, code in exit_codes(where).items() if code not in (1, 3)]
    if escaping:
        names = select(where, env, names, escaping=True)
        print(f"{len(names)} mutants on escaping lines")
    if names or only == []:
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
        subprocess.run(command, cwd=where, env=env, check=False)
    return write_results(group, where, env)


def write_results(group: str, where: Path, env: dict[str, str]) -> Path:
    """Score the group from mutmut's result files and list every mutant that was not killed."""
    codes = exit_codes(where)
    killed = sorted(name for name, code in codes.items() if code in (1, 3))
    timeout = sorted(name for name, code in codes.items() if code in (-24, 24, 152, 255, 36))
    left = sorted(name for name in codes if name not in killed)
    total = len(codes)
    score = 100.0 * len(killed) / total if total else 0.0
    status = {0: "survived", 33: "no tests", 5: "no tests", None: "not checked", -24: "timeout"}
    out = [
        f"group: {group}",
        f"files: {', '.join(GROUPS[group][0])}",
        f"tests: {', '.join(GROUPS[group][1])}",
        f"mutants: {total}, killed: {len(killed)}, not killed: {len(left)} "
        f"(of them timed out, counted as not killed: {len(timeout)})",
        f"score: {score:.1f} %",
        "",
    ]
    for module in sorted({name.rsplit(".", 1)[0] for name in codes}):
        mine = [name for name in codes if name.rsplit(".", 1)[0] == module]
        done = [name for name in mine if codes[name] is not None]
        dead = [name for name in mine if codes[name] in (1, 3)]
        unreached = [name for name in mine if codes[name] in (5, 33)]
        checked = (
            f"{100.0 * len(dead) / len(done):.1f} % of the {len(done)} checked" if done else "none checked"
        )
        out.insert(
            -1,
            f"  {module}: {len(dead)}/{len(mine)} killed ({100.0 * len(dead) / len(mine):.1f} %; {checked}), "
            f"{len(mine) - len(done)} not checked yet, {len(unreached)} reached by no selected test",
        )
    sampled = where / "sample.json"
    if sampled.is_file():
        out[-1:-1] = sample_lines(json.loads(sampled.read_text(encoding="utf-8")), codes)
    unchecked = [name for name in left if codes[name] is None]
    left = [name for name in left if codes[name] is not None]
    if unchecked:
        out.insert(-1, f"not checked yet (run stopped), counted as not killed: {len(unchecked)}")
    diffs = mutant_diffs(where, left, env)
    for name in left:
        out += [f"## {name} ({status.get(codes[name], f'exit {codes[name]}')})", diffs.get(name, ""), ""]
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"{group}.txt"
    if sampled.is_file():  # one file per seed: a second sample must not overwrite the first's record
        target = RESULTS / f"{group}-sample-seed{json.loads(sampled.read_text(encoding='utf-8'))['seed']}.txt"
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out[:6]))
    return target


def wilson(killed: int, run: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion `killed`/`run` (sound for small samples and for
    scores near 100 %, where the normal approximation is not). It leaves out the finite-population
    correction, which would only narrow it: the interval is conservative for a sample of a group."""
    if not run:
        return 0.0, 1.0
    p = killed / run
    centre = (p + z * z / (2 * run)) / (1 + z * z / run)
    half = z * math.sqrt(p * (1 - p) / run + z * z / (4 * run * run)) / (1 + z * z / run)
    return max(0.0, centre - half), min(1.0, centre + half)


def sample_lines(sample: dict, codes: dict[str, int | None]) -> list[str]:
    """The sampled score: killed over the sampled mutants run, with its 95 % interval, whole and per
    module. A sampled mutant not reached by any selected test counts as run and not killed."""
    names = [name for name in sample["names"] if name in codes]
    lines = [
        f"sample: {len(names)} of {sample['population']} mutants, seed {sample['seed']}"
        + (f", of {' '.join(sample['patterns'])}" if sample["patterns"] else "")
    ]
    for module in [None, *sorted({name.rsplit(".", 1)[0] for name in names})]:
        mine = [name for name in names if module is None or name.rsplit(".", 1)[0] == module]
        done = [name for name in mine if codes[name] is not None]
        dead = [name for name in done if codes[name] in (1, 3)]
        low, high = wilson(len(dead), len(done))
        score = f"{100.0 * len(dead) / len(done):.1f} %" if done else "-"
        lines.append(
            f"  {module or 'sampled score'}: {len(dead)}/{len(done)} killed = {score} "
            f"(95 % CI {100 * low:.1f}-{100 * high:.1f} %), {len(mine) - len(done)} not run yet"
        )
    return lines


def mutant_diffs(where: Path, names: list[str], env: dict[str, str]) -> dict[str, str]:
    """Each named mutant's diff against the original, from one mutmut process (not one per mutant)."""
    script = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "print(json.dumps({n: get_diff_for_mutant(n).rstrip() for n in json.load(sys.stdin)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(names),  # thousands of names are too long for a command line
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {name: f"(no diff: {done.stderr.strip().splitlines()[-1:]})" for name in names}
    return json.loads(done.stdout)


def main() -> None:
    """Run the named groups (or all) and print each score."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("groups", nargs="*", help=f"any of {', '.join(GROUPS)}, or all")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dataqa-mutation"), help="stage folder")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the groups, their files and tests")
    parser.add_argument("--report-only", action="store_true", help="rewrite results from an existing stage")
    parser.add_argument(
        "--rerun", action="store_true", help="run the mutants not killed again, with the current tests"
    )
    parser.add_argument(
        "--only", nargs="+", help="in an existing stage, run just these mutants (`*` allowed)"
    )
    parser.add_argument("--resume", action="store_true", help="go on with a stopped run in its stage")
    parser.add_argument(
        "--fresh-tests", action="store_true", help="with --only or --resume: the current tests, mapped again"
    )
    parser.add_argument(
        "--sample",
        type=int,
        help="stage anew and run a uniform random sample of this many of the group's mutants "
        "(of those matching --functions, if given); its score has a 95 %% interval",
    )
    parser.add_argument("--seed", type=int, default=23, help="the sample's seed (default 23)")
    parser.add_argument(
        "--timeout-constant",
        type=float,
        default=TIMEOUT_CONSTANT,
        help="when staging: seconds added to each mutant's test time for its time limit "
        f"(default {TIMEOUT_CONSTANT:g}; smaller bounds what a deadlocking mutant costs)",
    )
    parser.add_argument(
        "--escaping-lines",
        action="store_true",
        help="only the mutants on lines that escape (see ESCAPING_CALL), of --functions or --only",
    )
    parser.add_argument(
        "--functions",
        nargs="+",
        help="stage anew but run only the mutants matching these names (`*` allowed); "
        "go on later with --resume (all the rest) or --only (more patterns)",
    )
    args = parser.parse_args()
    if args.list or not args.groups:
        for group, (files, tests) in GROUPS.items():
            print(f"{group}: {' '.join(files)}\n    tests: {' '.join(tests)}")
        return
    groups = list(GROUPS) if args.groups == ["all"] else args.groups
    for group in groups:
        if group not in GROUPS:
            parser.error(f"unknown group {group!r}")
        if args.report_only:
            write_results(group, args.work / group, environment(args.work / group))
        elif args.rerun or args.only or args.resume:
            only = [] if args.resume else args.only
            fresh = args.rerun or args.fresh_tests
            rerun(group, args.work, args.max_children, only, fresh, args.escaping_lines)
        else:
            run(
                group,
                args.work,
                args.max_children,
                args.functions,
                args.escaping_lines,
                args.sample,
                args.seed,
                args.timeout_constant,
            )


if __name__ == "__main__":
    main()
