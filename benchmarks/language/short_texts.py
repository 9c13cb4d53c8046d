"""COV002 on short utterances: a seeded intent set of short English commands, timed and judged.

An intent set is the shape that made language detection slow and wrong (issue #19): thousands of
texts of two to ten words, each with a label. This writes a seeded set (150 intents, plain
English, a handful of planted Spanish/French/German/Italian utterances), scans it with COV002 only
and prints the check's CPU time and every language finding, so the false ones show.

    python benchmarks/language/short_texts.py [--rows 20000] [--planted 12] [--dir /tmp/dataqa-short]
        [--code REV]

`--code REV` runs `dataqa/text/language.py` as it was at git revision REV (the rest of the tree as it
is), to measure a before/after pair on the same machine minutes apart; the old detector's two
worker processes then run in-process, so compare CPU time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
import types
from pathlib import Path

import orjson

DOMAINS = {
    "alarm": ["an alarm", "my alarm", "the wake up call", "a reminder"],
    "lights": ["the lights", "the kitchen light", "the lamp", "the hallway lights"],
    "music": ["some jazz", "my playlist", "the radio", "a song by adele"],
    "weather": ["the weather", "the forecast", "rain boots", "the temperature"],
    "card": ["my card", "my virtual card", "my physical card", "the new card"],
    "transfer": ["a transfer", "the payment", "my top up", "the refund"],
    "pin": ["my pin", "my passcode", "the password", "my login"],
    "calendar": ["a meeting", "my calendar", "the appointment", "lunch with sam"],
    "email": ["an email", "my inbox", "the last message", "a reply to john"],
    "news": ["the news", "the headlines", "sports scores", "the latest stories"],
    "coffee": ["a latte", "a cappuccino", "an espresso", "some coffee"],
    "takeaway": ["a pizza", "some sushi", "the delivery", "a burger"],
    "travel": ["a flight", "a train ticket", "a hotel room", "a taxi"],
    "cooking": ["a recipe", "the oven", "a timer", "dinner ideas"],
    "shopping": ["milk", "my shopping list", "new shoes", "a gift"],
    "volume": ["the volume", "the sound", "the speaker", "the tv"],
    "dice": ["a dice", "a coin", "two dice", "a number"],
    "convert": ["4 km to miles", "10 euros to dollars", "5 pounds to kilos", "20 degrees to fahrenheit"],
    "joke": ["a joke", "something funny", "a riddle", "a pun"],
    "contacts": ["mom", "my brother", "the office", "the doctor"],
    "cleaning": ["the vacuum", "the robot cleaner", "the floor", "the carpet"],
    "podcast": ["a podcast", "the next episode", "my audiobook", "the show"],
    "stocks": ["my stocks", "the market", "apple shares", "my portfolio"],
    "quiz": ["a quiz", "trivia", "a question", "the answer"],
    "fitness": ["my steps", "a workout", "my heart rate", "a run"],
    "tv": ["the movie", "the next show", "the channel", "netflix"],
    "car": ["my car", "the tyres", "the fuel level", "a parking spot"],
    "bank": ["my balance", "the statement", "my account", "the exchange rate"],
    "home": ["the thermostat", "the door", "the heating", "the blinds"],
    "social": ["a post", "my feed", "a photo", "a tweet"],
}
ACTIONS = {
    "set": ["set", "add", "create", "start"],
    "query": ["check", "show me", "tell me about", "what is"],
    "stop": ["stop", "cancel", "turn off", "remove"],
    "change": ["change", "update", "move", "fix"],
    "problem": [
        "why is {obj} not working",
        "{obj} won't work",
        "i have a problem with {obj}",
        "{obj} is broken",
    ],
}
OPENERS = ["", "", "please ", "can you ", "hey olly ", "i want to ", "could you ", "olly "]
CLOSERS = ["", "", "", " please", " now", " for me", " thanks", " today", " right away"]
PLANTED = [
    "pon una alarma a las siete de la mañana",
    "apaga las luces del salón por favor",
    "mets un réveil à sept heures demain matin",
    "je veux écouter de la musique douce",
    "stell einen Wecker auf sieben Uhr morgen früh",
    "mach das Licht im Wohnzimmer aus bitte",
    "metti una sveglia alle sette di mattina",
    "voglio ascoltare musica rilassante stasera",
    "mi tarjeta no funciona desde ayer por la tarde",
    "ma carte ne marche plus depuis hier soir",
    "meine Karte funktioniert seit gestern nicht mehr",
    "la mia carta non funziona da ieri sera",
]


def utterance(domain: str, action: str, rng: random.Random) -> str:
    """One short command of `domain`'s objects with `action`'s verbs, opener and closer drawn."""
    obj = rng.choice(DOMAINS[domain])
    verb = rng.choice(ACTIONS[action])
    core = verb.format(obj=obj) if "{obj}" in verb else f"{verb} {obj}"
    return f"{rng.choice(OPENERS)}{core}{rng.choice(CLOSERS)}"


def generate(rows: int, planted: int, seed: int = 7) -> tuple[list[dict], list[int]]:
    """`rows` labelled utterances over the 150 intents; the 1-based lines of the planted ones."""
    rng = random.Random(seed)
    intents = [(d, a) for d in DOMAINS for a in ACTIONS]
    records = []
    for _ in range(rows):
        domain, action = rng.choice(intents)
        records.append({"text": utterance(domain, action, rng), "label": f"{domain}_{action}"})
    lines = sorted(rng.sample(range(rows), planted))
    for i, line in enumerate(lines):
        records[line] = {"text": PLANTED[i % len(PLANTED)], "label": "foreign_request"}
    return records, [line + 1 for line in lines]


def use_language_module_of(rev: str) -> None:
    """Make `dataqa.text.language` the module as it was at `rev` (before any check imports it)."""
    source = subprocess.run(
        ["git", "show", f"{rev}:dataqa/text/language.py"], check=True, capture_output=True, text=True
    ).stdout
    import dataqa.text

    module = types.ModuleType("dataqa.text.language")
    module.__file__ = f"<{rev}:dataqa/text/language.py>"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    # Spawned workers would import today's module by name: the old one's worker stage runs in-process
    # (its own fallback when processes cannot start), so CPU time compares, wall time does not.
    module.map_in_processes = lambda *args: None
    dataqa.text.language = module


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (the old detector's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--planted", type=int, default=12)
    parser.add_argument("--dir", default="/tmp/dataqa-short")
    parser.add_argument("--code", help="git revision whose dataqa/text/language.py to run")
    args = parser.parse_args()
    if args.code:
        use_language_module_of(args.code)
    import dataqa

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    records, planted = generate(args.rows, args.planted)
    path = folder / f"short_{args.rows}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records))
    began, wall = cpu_seconds(), time.perf_counter()
    report = dataqa.scan(str(path), select=["COV002"])
    cpu, wall = cpu_seconds() - began, time.perf_counter() - wall
    result = next(r for r in report.results if r.check_id == "COV002")
    found = sorted(loc.line for f in result.findings for loc in f.locations)
    print(f"{args.rows} rows, planted lines {planted}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"scan CPU {cpu:.2f} s (with workers), wall {wall:.2f} s; COV002 wall {result.duration_s:.2f} s")
    print(f"languages {result.metrics.get('languages')}")
    print(f"found {len(found)} rows, planted found {len(set(found) & set(planted))}/{len(planted)}")
    for f in result.findings:
        texts = [records[loc.line - 1]["text"] for loc in f.locations[:8]]
        print(f"  {f.message}: {texts}")


if __name__ == "__main__":
    main()
