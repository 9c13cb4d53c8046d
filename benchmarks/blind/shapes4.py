"""Blind benchmark, a question/answer CSV (session 38b): an FAQ or support export with a header row
`question,answer`, answers quoted over several lines where they break.

Planted from the README alone: the generative defects of every shape (duplicates, leaks, answer
defects, secrets and PII), the instruction-data ones a prompt-only layout claims (a question that
is only "N/A", a URL in place of the content, merged records), and two a spreadsheet export brings:
a question that is wholly a sheet's error value (FMT006) and an answer that is only a link where a
fact is asked (QUAL011). Controls: an answer that is a sheet error asked for, a link asked for, and
the controls the other generative shapes carry.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from plant import Plan, make_pairs, plant_generative
from shapes2 import plant_instruction
from shapes3 import plant_answers, plant_contained, plant_secrets

SHEET_ERRORS = ["#VALUE!", "#REF!"]
SHEET_CONTROL = ("Which error does Excel show when a formula divides a number by zero?", "#DIV/0!")
LINK_ANSWERS = [  # a fact asked, the page it came from kept instead of the answer
    ("How tall is the Eiffel Tower?", "https://www.toureiffel.paris/en/the-monument/key-figures"),
    (
        "What year did the first iPhone go on sale?",
        "http://www.techhistory-archive.net/2007/06/29/iphone-launch-day",
    ),
]
LINK_CONTROLS = [  # the question asks for the link
    (
        "Where can I download the manual for the Harbor & Pine AF200 air fryer?",
        "https://www.harborpine.com/support/manuals/af200-air-fryer.pdf",
    ),
    ("What is the website of the Louvre museum?", "https://www.louvre.fr"),
]


def qacsv_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """question,answer CSV with train and test files."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 815)

    def build(q: str, a: str) -> dict:
        return {"question": q, "answer": a}

    src = plant_generative(train, test, pairs, rng, build)
    plant_answers(train, build, src, rng)
    plant_contained(test, src)
    plant_secrets(train, build, src, rng)
    plant_instruction(train, test, build, src, rng, pairs[760:815])
    for err in SHEET_ERRORS:  # the question's cell became the sheet's error value
        row, (q, a) = src()
        row["rec"] = build(err, a)
        row["kind"], row["checks"] = "sheet-error-question", ["FMT006"]
    train.add(build(*SHEET_CONTROL), "ctl-sheet-answer", ("FMT006",), control=True)
    for q, a in LINK_ANSWERS:
        train.add(build(q, a), "link-only-answer", ("QUAL011",))
    for q, a in LINK_CONTROLS:
        train.add(build(q, a), "ctl-link-asked", ("QUAL011",), control=True)
    return train, test


def write_qa_csv(path: Path, plan: Plan) -> dict[int, int]:
    """question,answer with a header row; returns row id -> the physical line its record starts on."""
    lines, parts = {}, ["question,answer\n"]
    line = 2
    for row in plan.rows:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([row["rec"]["question"], row["rec"]["answer"]])
        lines[row["id"]] = line
        line += buf.getvalue().count("\n")
        parts.append(buf.getvalue())
    path.write_text("".join(parts), encoding="utf-8")
    return lines


QA_SHAPES = {"qacsv": (qacsv_sets, write_qa_csv, "csv")}
