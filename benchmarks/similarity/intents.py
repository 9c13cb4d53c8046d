"""Seeded generator of a short-utterance, many-intent classification set (CLINC150-like shape).

Why: the similarity engine and the label checks were tuned on long chat exchanges; an intent set
(a few words per row, 150 labels, phrases shared across labels: "can you", "i need to", "my
account") stresses them differently (issue #19, "Speed on real shapes"). Each intent is an
action on a thing ("cancel" x "flight" -> `flight_cancel`); an utterance is a phrasing of the
action with a phrasing of the thing, a slot value (a city, a day, an amount, a name) and optional
filler openers and closers, so most rows are distinct, rows of one intent share words, and rows of
different intents share the fixed phrases around them.

Planted (written to `<out>/truth.json` with line numbers, 1-based):
- `exact`: train rows copied verbatim; `near`: copies with a filler word added or dropped or one
  letter typo in a long word (DUP003 should group them with their source);
- `conflict`: copies of a row under another intent (DUP004, LBL001/LBL002);
- `flip`: rows whose label was replaced by a random other intent (LBL006);
- `leak`: test rows that are copies of train rows.

    python benchmarks/similarity/intents.py --rows 22000 --test-rows 2200 --out /tmp/intents22k
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 150

ACTIONS: dict[str, list[str]] = {
    "status": [
        "what is the status of {thing}",
        "check on {thing}",
        "can you check {thing}",
        "give me an update on {thing}",
        "how is {thing} looking",
        "is there any news about {thing}",
        "whats going on with {thing}",
    ],
    "cancel": [
        "cancel {thing}",
        "i need to cancel {thing}",
        "please call off {thing}",
        "i dont want {thing} anymore",
        "get rid of {thing}",
        "can you cancel {thing}",
        "stop {thing} from going ahead",
    ],
    "book": [
        "book {thing}",
        "i want to set up {thing}",
        "make {thing} for me",
        "can you arrange {thing}",
        "schedule {thing}",
        "i would like to get {thing}",
        "please sort out {thing}",
    ],
    "change": [
        "change {thing}",
        "i need to update {thing}",
        "can you modify {thing}",
        "move {thing} to another time",
        "edit the details of {thing}",
        "make a change to {thing}",
        "adjust {thing} please",
    ],
    "cost": [
        "how much is {thing}",
        "what does {thing} cost",
        "tell me the price of {thing}",
        "how expensive is {thing}",
        "what will i pay for {thing}",
        "is {thing} cheap",
        "whats the fee for {thing}",
    ],
}
THINGS: dict[str, list[str]] = {
    "flight": ["my flight", "the flight to {city}", "my plane ticket", "the {day} flight"],
    "hotel": ["my hotel room", "the hotel in {city}", "a room for {day}", "my stay in {city}"],
    "car_rental": ["the rental car", "a car in {city}", "my car hire", "the rental for {day}"],
    "train": ["my train ticket", "the train to {city}", "the {day} train", "a rail pass"],
    "restaurant": [
        "the dinner reservation",
        "a table for {count}",
        "my booking at {place}",
        "lunch on {day}",
    ],
    "taxi": ["a taxi", "an uber to {place}", "a ride to {city}", "the cab for {day}"],
    "doctor": ["my doctor appointment", "a checkup on {day}", "the visit with dr {name}", "my physical"],
    "dentist": [
        "the dentist appointment",
        "a cleaning on {day}",
        "my visit to dr {name}",
        "the dental checkup",
    ],
    "haircut": ["my haircut", "a trim on {day}", "the salon appointment", "a cut with {name}"],
    "meeting": ["the meeting with {name}", "my {day} meeting", "the team sync", "a call with {name}"],
    "vacation": ["my vacation", "the time off on {day}", "my pto request", "the holiday in {city}"],
    "delivery": ["my package", "the delivery from {place}", "the order from {day}", "my parcel"],
    "subscription": ["my subscription", "the streaming plan", "my gym membership", "the monthly plan"],
    "insurance": ["my insurance claim", "the car insurance", "my policy", "the claim from {day}"],
    "loan": ["my loan application", "the mortgage", "a personal loan of {amount}", "my car loan"],
    "transfer": [
        "the transfer to {name}",
        "a payment of {amount}",
        "the wire to {name}",
        "my money transfer",
    ],
    "credit_card": ["my credit card", "the new card", "my card limit", "the card ending in {digits}"],
    "bill": ["my electric bill", "the water bill", "my phone bill", "the bill due {day}"],
    "repair": ["the plumber visit", "my car repair", "the fridge repair", "the repair on {day}"],
    "oil_change": ["my oil change", "the car service", "a tire rotation", "the service on {day}"],
    "class": ["my yoga class", "the cooking class", "the {day} class", "a lesson with {name}"],
    "concert": ["the concert tickets", "the show on {day}", "tickets for {band}", "the gig in {city}"],
    "movie": ["the movie tickets", "a film on {day}", "tickets for the {day} showing", "the cinema seats"],
    "pet_sitter": ["the pet sitter", "a dog walker for {day}", "the cat sitter", "my pet boarding"],
    "cleaning": ["the house cleaning", "a cleaner for {day}", "the carpet cleaning", "my maid service"],
    "gym": ["my personal trainer", "the gym session", "a workout with {name}", "the spin class"],
    "tutor": ["the math tutor", "a lesson on {day}", "the tutor for my son", "my session with {name}"],
    "babysitter": ["the babysitter", "a sitter for {day}", "childcare on {day}", "the nanny"],
    "moving": ["the movers", "the moving truck", "my move on {day}", "the storage unit"],
    "wedding": ["the wedding venue", "the caterer", "the photographer for {day}", "the wedding cake"],
}
SLOTS: dict[str, list[str]] = {
    key: words.split()
    for key, words in {
        "city": "boston denver paris tokyo chicago london madrid berlin seattle austin miami dallas rome "
        "lisbon dublin toronto vancouver atlanta phoenix houston oslo vienna prague sydney",
        "day": "monday tuesday wednesday thursday friday saturday sunday tomorrow tonight",
        "place": "airport downtown mall office station home gym park",
        "count": "two three four five six eight ten",
        "name": "smith johnson garcia lee patel nguyen brown kim lopez chen walker young",
        "digits": "1234 9876 4455 3021 7788 5512",
        "band": "coldplay metallica adele radiohead beyonce u2 muse",
    }.items()
}
SLOTS["amount"] = ["50 dollars", "200 dollars", "1000 dollars", "75 dollars", "300 euros", "20 pounds"]
OPENERS = ["", "", "", "", "hey ", "hi ", "please ", "so ", "ok ", "um "]
CLOSERS = ["", "", "", "", " please", " now", " for me", " thanks", " asap", " today"]
FILLER_EDITS = ["please", "just", "hey", "now", "thanks"]


def intents() -> list[tuple[str, str, str]]:
    """(label, action, thing) of the 150 intents, in a fixed order."""
    return [(f"{thing}_{action}", action, thing) for thing in THINGS for action in ACTIONS]


def utterance(rng: random.Random, action: str, thing: str) -> str:
    """One phrasing of an intent, slots filled, with optional filler around it."""
    phrase = rng.choice(THINGS[thing])
    for slot, values in SLOTS.items():
        while "{" + slot + "}" in phrase:
            phrase = phrase.replace("{" + slot + "}", rng.choice(values), 1)
    text = rng.choice(ACTIONS[action]).format(thing=phrase)
    return f"{rng.choice(OPENERS)}{text}{rng.choice(CLOSERS)}".strip()


def near_copy(rng: random.Random, text: str) -> str:
    """A near copy: a filler word added at a random place, or a letter doubled in a long word."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if long and rng.random() < 0.5:
        i = rng.choice(long)
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j] + w[j:]
    else:
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLER_EDITS))
    return " ".join(words)


def generate(rows: int, test_rows: int, seed: int = SEED) -> tuple[list[dict], list[dict], dict]:
    """Train and test records and the planted truth (see the module doc)."""
    rng = random.Random(seed)
    table = intents()
    labels = [label for label, _, _ in table]
    train: list[dict] = []
    truth: dict[str, list] = {"exact": [], "near": [], "conflict": [], "flip": [], "leak": []}
    fresh = int(rows * 0.94)
    for i in range(fresh):
        label, action, thing = table[i % len(table)]
        train.append({"text": utterance(rng, action, thing), "label": label})
    rng.shuffle(train)
    while len(train) < rows:
        kind = rng.choice(["exact", "near", "near", "conflict"])
        k = rng.randrange(fresh)
        src = train[k]
        if kind == "exact":
            train.append(dict(src))
        elif kind == "near":
            train.append({"text": near_copy(rng, src["text"]), "label": src["label"]})
        else:
            other = rng.choice([x for x in labels if x != src["label"]])
            train.append({"text": src["text"], "label": other})
        truth[kind].append([k + 1, len(train)])
    for k in rng.sample(range(fresh), rows // 200):
        other = rng.choice([x for x in labels if x != train[k]["label"]])
        truth["flip"].append([k + 1, train[k]["label"], other])
        train[k] = {"text": train[k]["text"], "label": other}
    test: list[dict] = []
    for i in range(test_rows):
        if i % 50 == 0:
            k = rng.randrange(fresh)
            test.append(dict(train[k]))
            truth["leak"].append([k + 1, len(test)])
            continue
        label, action, thing = table[rng.randrange(len(table))]
        test.append({"text": utterance(rng, action, thing), "label": label})
    return train, test, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=22_000)
    parser.add_argument("--test-rows", type=int, default=2_200)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    train, test, truth = generate(args.rows, args.test_rows, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, records in (("train", train), ("test", test)):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record) + "\n")
    (args.out / "truth.json").write_text(json.dumps(truth))
    print(f"{len(train)} train, {len(test)} test rows, {len(intents())} intents -> {args.out}")


if __name__ == "__main__":
    main()
