"""Configuration: `[tool.dataqa]` in pyproject.toml or a dataqa.toml; command-line flags win.

Every key is known: an unknown or mistyped key is a `ConfigError` (exit code 2), never silence.
Keys may be written kebab-case (as in TOML) or snake_case. Every numeric key declares its valid range
with `ranged` (`dataqa.core.options`, as check options do); a value outside it is a `ConfigError`
naming the file, the key and the range, never a silent GO. Check options are checked against their
checks in `engine.settings`, which loads the plugins.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataqa.core.errors import ConfigError, InputError
from dataqa.core.models import Severity
from dataqa.core.options import check_range, coerce_option, field_range, ranged
from dataqa.engine.profile_rules import load_profile
from dataqa.ingest import formats
from dataqa.ingest.chat_templates import TEMPLATES
from dataqa.ingest.fieldmaps import FieldMapError, check_map
from dataqa.ingest.load import DEFAULT_LIMITS, Limits
from dataqa.ingest.readers.delimited import compile_line_pattern
from dataqa.ingest.reading import Reading

GOALS = ("poc", "production")
FAIL_ON = ("no-go", "error", "warning", "never")
ENGINES = ("local", "ray")
DATASET_SPLITS = ("train", "valid", "test")
DATASET_OPTIONS = (
    "goal",
    "format",
    "template",
    "label_field",
    "fields",
    "select",
    "extend_select",
    "ignore",
    "checks",
    "verdict",
    "per_file_ignores",
)
"""Keys a `[tool.dataqa.datasets.<name>]` table may hold besides its split paths."""
_CODE = re.compile(r"^(ALL|[A-Za-z]{1,6}\d{0,3})$")


@dataclass
class VerdictConfig:
    """Thresholds of the GO / NO-GO conditions (see `dataqa.engine.verdict`)."""

    min_usable_poc: int = ranged(50, low=0)
    """Below this many usable training examples, prompting and few-shot examples do better."""
    min_usable_production: int = ranged(1000, low=0)
    """From this many usable examples on, a full fine-tune is worth it."""
    min_per_class_poc: int = ranged(10, low=0)
    min_per_class_production: int = ranged(20, low=0)
    require_test: bool = True
    """Without a held-out test split the fine-tune cannot be evaluated."""
    block_on_format_errors: bool = True
    max_leaked_fraction: float = ranged(0.01, low=0, high=1)
    """Share of test (or valid) examples found in train above which the evaluation is not trusted."""
    max_refusal_share: float = ranged(0.05, low=0, high=1)
    block_on_secrets: bool = True
    block_on_split_mismatch: bool = True
    """A test or validation split in another record format (or task) than train blocks."""


@dataclass
class ReportConfig:
    """`[tool.dataqa.report]`: settings of the HTML report's cost estimate (edit to your provider's)."""

    price_per_million_tokens: float = ranged(3.0, low=0)
    """US dollars per million training tokens (a small hosted model's training price)."""
    epochs: int = ranged(3, low=1, high=1000)
    """Passes over the data the fine-tune will make (a common provider default)."""


@dataclass
class Config:
    """Everything a scan can be told; defaults are the documented behaviour."""

    goal: str = "production"
    format: str | None = None
    label_field: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    """The data's own field names and the roles they play (`question = "prompt"`): `[tool.dataqa.
    fields]`, `--map question=prompt`, `fields=` in `dataqa.scan()`; `dataqa formats` lists the roles."""
    records_path: str | None = None
    """Dotted keys to the list of records in a JSON document (`rasa_nlu_data.common_examples`);
    by default a top-level array, or the only list of records an object holds."""
    records_key: str | None = None
    """A field that gets, in each record of a JSON document, the key its record list sits under
    (SNIPS: `{"RateBook": [...]}` with `records-key = "intent"`); with `records-path = "*"` every
    top-level list is read."""
    template: str | None = None
    """A chat template (`dataqa formats`) whose rendered conversations one text field holds: read each
    record in it. By default a text split is read so when a clear majority of its records carry one;
    `format = "text"` keeps plain text."""
    line_pattern: str | None = None
    """A regular expression whose named groups split each line of a text file (`.txt`, or a name
    that says no kind) into fields: `(?P<label>\\S+) (?P<text>.*)` reads `LABEL text` lines."""
    profile: str = "generic"
    """Provider whose upload rules the scan applies (`engine.profile_rules`), or a profile TOML path."""
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "no-go"
    plugins: list[str] = field(default_factory=list)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per check id: its options and optionally `severity`."""
    verdict: VerdictConfig = field(default_factory=VerdictConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    """Glob pattern → check ids or prefixes not reported for matching files."""
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Named datasets: {"train": path, "test": path, "valid": path, options...} (pre-commit)."""
    cache_dir: str = ".dataqa_cache"
    jobs: int = ranged(0, low=0, high=1024)
    """Checks run at once, on threads, and processes that parse a large file (0: one per available
    core, at most `runner.AUTO_JOBS_MAX`)."""
    check_timeout: float = ranged(600.0, low=0)
    """Seconds one check may run before the scan reports it as errored and goes on without it (a
    plugin that hangs cannot stall a hook or CI job); 0: no limit. Generous: the slowest built-in
    check took one to two minutes on a million rows (`benchmarks/scan.md`). With engine "ray", also
    the limit of each wait on the Ray workers (`ray_engine.RayEngine`)."""
    engine: str = "local"
    """Where the checks run: "local" (this process) or "ray" (the record-scope checks on the workers
    of a Ray cluster, block by block; `dataqa.engine.ray_engine`; needs `pip install
    'dataqa-finetune[ray]'`)."""
    ray_address: str | None = None
    """With engine "ray": the cluster to join, "auto" (the one this machine runs) or HOST:PORT; by
    default a local Ray started for the scan (as many CPUs as `jobs`) and stopped after it."""
    ray_block_rows: int = ranged(20_000, low=1)
    """With engine "ray": rows of one block, the unit of work of one Ray task: big enough that a
    task's fixed cost (scheduling, mapping the block's Arrow buffers) is small beside its checks,
    small enough that two workers share a split of 100,000 rows."""
    ray_driver_rows: int = ranged(500_000, low=0)
    """With engine "ray": a split of more rows is not brought to the driver: its rows stay on the
    workers where they were read, each piece read is a block, and the checks run on its blocks
    (record and summary checks), on the groups a shuffle brings together, on what they read made
    on the blocks, or on a sample (README, "On a Ray cluster"); a check with none of these forms is
    skipped, saying why. Up to it the driver holds the split (about 5 GB at 300,000 chat rows with
    every check) and the report is the local engine's."""
    ray_object_store_gb: float = ranged(0.0, low=0)
    """With engine "ray" and a local Ray started for the scan: its object store's size in GiB (0:
    Ray's own, 30% of memory). The driver maps the store's pages it reads, and its resident memory
    counts them (shared memory, the store's, not the driver's own): a smaller store bounds that, at
    the cost of more spilling to disk (`benchmarks/ray.md`, stage 18). A cluster's store is its own."""
    ray_sample_rows: int = ranged(100_000, low=1)
    """With engine "ray": the checks that fit a model over a whole split (LBL006 likely-mislabel,
    COV004 thin-topic) run on a split held on the workers (`ray-driver-rows`) with at most this many
    of its valid rows, drawn there and gathered to the driver (`dataqa.engine.sample`: stratified by
    label for LBL006, even for COV004); each finding and the check's result name the sample's size and
    the split's. A split of no more valid rows is gathered whole: the local engine's findings."""
    max_input_bytes: int = ranged(DEFAULT_LIMITS.max_input_bytes, low=0)
    """Bytes of data (after decompression) read from one file; past it, FMT018 and the rest is not read."""
    max_lines: int = ranged(DEFAULT_LIMITS.max_lines, low=0)
    """Physical lines read from one file, blank ones included; past it, FMT018."""
    max_line_bytes: int = ranged(DEFAULT_LIMITS.max_line_bytes, low=0)
    """A longer line is reported (FMT001) but not kept or parsed."""
    source: str | None = None
    """Where the configuration was read from, for provenance."""

    def validate(self) -> Config:
        if self.goal not in GOALS:
            raise ConfigError(f"goal must be one of {', '.join(GOALS)}, not {self.goal!r}")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.jobs < 0:
            raise ConfigError(f"jobs must be 0 (automatic) or a positive number, not {self.jobs}")
        if self.format is not None and self.format not in formats.FORMATS:
            raise ConfigError(f"format must be one of {', '.join(formats.FORMATS)}, not {self.format!r}")
        if self.template is not None and self.template not in TEMPLATES:
            raise ConfigError(f"template must be one of {', '.join(TEMPLATES)}, not {self.template!r}")
        try:
            Reading.of(
                self.format, None, check_map(self.fields, "fields") if self.fields else None, self.template
            )
        except FieldMapError as exc:
            raise ConfigError(str(exc)) from None
        try:
            compile_line_pattern(self.line_pattern)
        except InputError as exc:
            raise ConfigError(f"line-pattern: {exc}") from None
        load_profile(self.profile)  # an unknown profile is a usage error, not a silent generic scan
        for pattern, codes in self.per_file_ignores.items():
            if not isinstance(codes, list) or any(
                not isinstance(c, str) or not _CODE.match(c) for c in codes
            ):
                raise ConfigError(
                    f'per-file-ignores.{pattern!r} must be a list of check ids or prefixes (e.g. ["SIZE", '
                    f'"DUP003"]), not {codes!r}'
                )
        return self

    def limits(self) -> Limits:
        """What reading one file may cost (`dataqa.ingest.load.Limits`); 0 is no limit."""
        return Limits(self.max_input_bytes, self.max_lines, self.max_line_bytes)

    def for_dataset(self, name: str) -> tuple[dict[str, str], Config]:
        """Split paths of the declared dataset `name`, and the configuration to scan it with.

        The dataset's own options win over the file-wide ones; `checks` and `per_file_ignores`
        are merged per key, `verdict` per threshold, everything else is replaced.
        """
        table = self.datasets[name]
        config = copy.deepcopy(self)
        config.datasets = {}
        options = {k: v for k, v in table.items() if k not in DATASET_SPLITS}
        for cid, opts in options.pop("checks", {}).items():
            config.checks.setdefault(cid, {}).update(opts)
        config.per_file_ignores.update(options.pop("per_file_ignores", {}))
        _fill(config, options, f"datasets.{name}")
        paths = {split: table[split] for split in DATASET_SPLITS if split in table}
        return paths, config.validate()

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _snake(table: dict[str, Any]) -> dict[str, Any]:
    return {str(k).replace("-", "_"): v for k, v in table.items()}


def _fill(target: Any, table: dict[str, Any], where: str) -> None:
    """Set dataclass fields from a TOML table, rejecting unknown keys and wrong types."""
    import typing

    hints = typing.get_type_hints(type(target))
    fields = {f.name: f for f in dataclasses.fields(target)}
    names = set(fields)
    for key, value in _snake(table).items():
        if key not in names or key == "source":
            raise ConfigError(
                f"{where}: unknown key {key!r}; known keys: {', '.join(sorted(names - {'source'}))}"
            )
        if key in ("verdict", "report"):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key} must be a table")
            _fill(getattr(target, key), value, f"{where}.{key}")
            continue
        if key == "datasets":
            target.datasets = _datasets(value, f"{where}.datasets")
            continue
        if key == "fields" and isinstance(target, Config):
            if not isinstance(value, dict):
                raise ConfigError(f'{where}.fields must be a table of field = role, e.g. question = "prompt"')
            try:
                target.fields = check_map(value, f"{where}.fields")
            except FieldMapError as exc:
                raise ConfigError(str(exc)) from None
            continue
        value = coerce_option(value, hints[key], f"{where}.{key}")
        if key == "checks":
            _check_tables(value, f"{where}.checks")
        check_range(field_range(fields[key]), value, key, where)
        setattr(target, key, value)


def _check_tables(checks: dict[str, Any], where: str) -> None:
    """Each `[checks.<ID>]` is a table, and its `severity`, when given, is one the tool knows."""
    for cid, opts in checks.items():
        if not isinstance(opts, dict):
            raise ConfigError(f"{where} must map check ids to tables of options, not {cid} = {opts!r}")
        if "severity" in opts:
            try:
                Severity.parse(opts["severity"])
            except ValueError:
                raise ConfigError(
                    f"{where}.{cid}: severity = {opts['severity']!r} is not a severity; it must be one of "
                    "error, warning, info"
                ) from None


def _datasets(value: Any, where: str) -> dict[str, dict[str, Any]]:
    """Check the shape of `[tool.dataqa.datasets.<name>]` tables: a train path, optional test and
    valid paths, and options among `DATASET_OPTIONS` of the right types."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of named datasets")
    out: dict[str, dict[str, Any]] = {}
    for name, table in value.items():
        here = f"{where}.{name}"
        if not isinstance(table, dict):
            raise ConfigError(f"{here} must be a table with train/test/valid paths")
        table = _snake(table)
        for key, item in table.items():
            if key in DATASET_SPLITS:
                if not isinstance(item, str) or not item.strip():
                    raise ConfigError(f"{here}.{key} must be a file path, not {item!r}")
            elif key not in DATASET_OPTIONS:
                known = ", ".join([*DATASET_SPLITS, *DATASET_OPTIONS])
                raise ConfigError(f"{here}: unknown key {key!r}; known keys: {known}")
        if "train" not in table:
            raise ConfigError(f"{here}: a dataset needs a train path")
        trial = Config()
        _fill(trial, {k: v for k, v in table.items() if k not in DATASET_SPLITS}, here)
        if any(not isinstance(opts, dict) for opts in trial.checks.values()):
            raise ConfigError(f"{here}.checks must map check ids to tables of options")
        trial.validate()
        out[str(name)] = table
    return out


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest dataqa.toml, or pyproject.toml with a [tool.dataqa] table, from `start` upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "dataqa.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "dataqa" in data.get("tool", {}):
                return pyproject
    return None


def load_config(path: str | Path | None = None, discover: bool = True, **overrides: Any) -> Config:
    """Read the config file (given, or discovered), then apply non-None `overrides` (flags win)."""
    config = Config()
    file = Path(path) if path else (find_config_file() if discover else None)
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {file} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {file} cannot be read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {file} is not valid TOML: {exc}") from None
        table = data.get("tool", {}).get("dataqa", {}) if file.name == "pyproject.toml" else data
        if file.name != "pyproject.toml" and "tool" in data and "dataqa" in data["tool"]:
            table = data["tool"]["dataqa"]
        _fill(config, table, str(file))
        config.source = str(file)
        base = file.parent
        config.plugins = [str(base / p) if not Path(p).is_absolute() else p for p in config.plugins]
        if config.profile.endswith(".toml") and not Path(config.profile).is_absolute():
            config.profile = str(base / config.profile)  # a project's own profile, next to its config
        for table in config.datasets.values():  # dataset paths are relative to the config file
            for split in DATASET_SPLITS:
                if split in table and not Path(table[split]).is_absolute():
                    table[split] = str(base / table[split])
    return apply_overrides(config, **overrides)


def apply_overrides(config: Config, **overrides: Any) -> Config:
    """Apply non-None `overrides` (command-line flags, API options) over `config`: flags win."""
    for key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        if key == "verdict" and isinstance(value, dict):
            _fill(config.verdict, value, "options")
            continue
        if key == "checks" and isinstance(value, dict):
            _check_tables(value, "options.checks")
            for cid, opts in value.items():
                config.checks.setdefault(cid, {}).update(opts)
            continue
        _fill(config, {key: list(value) if isinstance(value, tuple) else value}, "options")
    return config.validate()
