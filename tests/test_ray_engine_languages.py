"""The languages of splits whose rows stay on the Ray workers (COV002): train's prior and vocabulary
made over its blocks when it is held (`dataqa.text.language_held`), each record's language decided
on its block. The findings (locations, messages, quoted inputs, order), the metrics (every split's
languages) and the verdict are the local engine's, with train held, test held, or both; a request in
the set's language with a foreign title, and a translation request, are no minority examples. One
local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import Plain, chat, decided_part, scan_held, ticket_records, write_jsonl

from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.runner import load_splits
from dataqa.text import language_vocabulary
from dataqa.text.language_held import LanguagesHeld
from dataqa.text.language_records import language_counts, language_lines, train_prior, train_vocabulary

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CHECKED = ["COV002"]


SPANISH = [
    chat("¿Dónde está mi pedido? Lo compré hace dos semanas y todavía no llega.", "Lo revisamos ahora."),
    chat("Quiero cancelar mi suscripción porque ya no uso el servicio.", "Hecho."),
    chat("Mi tarjeta fue rechazada dos veces en la tienda esta mañana.", "Lo sentimos."),
]
GERMAN = [
    chat("Ich habe mein Passwort vergessen und kann mich nicht mehr anmelden.", "Kein Problem."),
    chat("Wann wird meine Bestellung endlich geliefert? Es dauert schon zu lange.", "Bald."),
]
HINGLISH = chat("bhai mera order kahan hai, abhi tak nahi aaya aur koi update bhi nahi mila", "Checking now.")
LOOK_ALIKES = [  # the set's language around foreign words: no minority examples
    chat("Please play the song La Vie en Rose by Edith Piaf on my speaker", "Playing it now."),
    chat("Translate into French: where is the nearest train station?", "Où est la gare la plus proche ?"),
]


def splits(big: str) -> dict[str, list[Any]]:
    """English tickets with Spanish rows among them (the first near the start, the others in later
    blocks) and a romanised Hindi one last, German rows in the other split, and the look-alikes in both."""
    tickets: list[Any] = ticket_records(180, seed=61)
    large = [*tickets[:5], SPANISH[0], *tickets[5:90], *LOOK_ALIKES, SPANISH[1], *tickets[90:150]]
    large += [SPANISH[2], HINGLISH]
    small = [*tickets[150:175], GERMAN[0], *LOOK_ALIKES, GERMAN[1], *tickets[175:]]
    return {big: large, ("test" if big == "train" else "train"): small}


@pytest.mark.parametrize(
    ("big", "driver_rows"),
    [("train", 60), ("train", 10), ("test", 60)],
    ids=["train-held", "both-held", "test-held"],
)
def test_languages_of_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: str, driver_rows: int
) -> None:
    """The large split (and at 10 rows the small one too) stays on the workers, read in many pieces.
    COV002 gives the local engine's report: the Spanish rows and the romanised Hindi one of the large
    split, the German ones of the small one (a minority in test, or in an English train)."""
    local, remote, held = scan_held(tmp_path, monkeypatch, splits(big), driver_rows, CHECKED)
    assert held == ([big] if driver_rows == 60 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    cov002 = next(c for c in remote["checks"] if c["id"] == "COV002")
    assert cov002["status"] == "failed" and cov002["ran_on"] == "driver", cov002
    found = [
        (
            Path(f["locations"][0]["path"]).stem,
            f["metrics"]["language"],
            [loc["line"] for loc in f["locations"]],
        )
        for f in local["findings"]
    ]
    small = "test" if big == "train" else "train"
    expected = [(big, "es", [6, 94, 155]), (big, "hi-Latn", [156]), (small, "de", [26, 29])]
    assert found == sorted(expected, key=lambda one: one[0] != "train"), found  # train's first
    quoted = [len(f["evidence"]) >= min(2, len(f["locations"])) for f in remote["findings"]]
    assert all(quoted), "the inputs were quoted"


@pytest.mark.parametrize("rows", [13, 50])
def test_train_prior_and_vocabulary_over_blocks_are_the_splits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """Plain calls stand for the workers: train cut into blocks of `rows`, the vocabulary read from
    every few confident texts (60 at most: its place counted over the blocks); the prior, the vocabulary, the
    records per language and the minority lines are the whole split's."""
    monkeypatch.setattr(language_vocabulary, "VOCABULARY_SAMPLE", 60)
    config = Config()
    path = write_jsonl(tmp_path / "train.jsonl", splits("train")["train"])
    ctx = Context(load_splits({"train": str(path)}, config), config)
    prior = train_prior(ctx, "text")
    vocabulary = train_vocabulary(ctx, "text", prior)
    assert prior.dominant is not None and len(vocabulary) > 20, vocabulary
    shells = {name: blocks.shell(s) for name, s in ctx.splits.items()}
    labelled = blocks.facts(ctx)
    runner = Plain(
        [
            (blocks.block_context(b, shells, config, labelled), "train")
            for b in blocks.cut(ctx.splits["train"], rows)
        ]
    )
    driver = blocks.shells_context(shells, config, labelled)
    LanguagesHeld().supply(driver, "train", runner)
    held = train_prior(driver, "text")
    assert held.dominant == prior.dominant and np.array_equal(held.log_prior, prior.log_prior)
    assert train_vocabulary(driver, "text", held) == vocabulary
    assert language_counts(driver, "train") == language_counts(ctx, "train")
    assert language_lines(driver, "train", {"es", "en"}) == language_lines(ctx, "train", {"es", "en"})
