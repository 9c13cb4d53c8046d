"""Generate the demo data set: support-ticket routing written as OpenAI chat fine-tuning data.

Each example is a customer ticket (user turn) and the triage decision as JSON (assistant turn):
{"queue": ..., "priority": ...}. Tickets are composed from many independent sentence pools, slot
values and styles so that they read like real mail and are not near-copies of each other. A few
realistic defects are planted afterwards (listed in DEFECTS.md) so that a scan has something to
show. Seeded: running it again gives byte-identical files.

    python sample_data/generate.py            # writes sample_data/train.jsonl and test.jsonl
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261129
HERE = Path(__file__).resolve().parent
SYSTEM = (
    "You triage customer support tickets for Northwind Outfitters. Read the ticket and reply with JSON "
    'only: {"queue": "billing|shipping|technical|account|returns", "priority": "low|normal|urgent"}.'
)

NAMES = [
    "Maria",
    "James",
    "Aiko",
    "Tom",
    "Priya",
    "Lukas",
    "Fatima",
    "Chen",
    "Olivia",
    "Diego",
    "Hannah",
    "Kwame",
    "Sofia",
    "Noah",
    "Elena",
    "Ravi",
    "Grace",
    "Mateo",
    "Yuki",
    "Amara",
    "Ben",
    "Ines",
    "Omar",
    "Zoe",
    "Ivan",
    "Leila",
    "Sam",
    "Nora",
    "Felix",
    "Mina",
]
PRODUCTS = [
    "trail backpack",
    "rain jacket",
    "hiking boots",
    "down sleeping bag",
    "camping stove",
    "two-person tent",
    "trekking poles",
    "headlamp",
    "water filter",
    "fleece hoodie",
    "gaiters",
    "insulated bottle",
    "climbing harness",
    "merino base layer",
    "camp chair",
    "dry bag",
]
CARRIERS = ["UPS", "DHL", "FedEx", "the postal service", "the courier"]
GREETINGS = [
    "Hi,",
    "Hello,",
    "Hi there,",
    "Good morning,",
    "Dear support,",
    "Hey,",
    "To whom it may concern,",
    "Hello team,",
    "",
    "",
    "",
]
CLOSINGS = ["Thanks,", "Thank you.", "Regards,", "Cheers,", "Best,", "Thanks in advance!", "", ""]

QUEUES: dict[str, list[str]] = {
    "billing": [
        "I was charged {amount} twice for order {order}.",
        "My card statement shows a charge of {amount} that I don't recognise.",
        "The invoice for order {order} lists the wrong VAT number.",
        "I used the discount code {code} but it was not applied to my {product}.",
        "You billed me {amount} for express shipping but the {product} came by standard post.",
        "Can I get a copy of the receipt for my {product} purchase from {month}?",
        "My gift card balance dropped to zero after a failed checkout.",
        "I was promised a price match on the {product} and still paid the full {amount}.",
        "The refund of {amount} you confirmed on {day} never reached my account.",
        "Why is there a pending authorisation of {amount} on my card after I cancelled?",
    ],
    "shipping": [
        "Order {order} has shown 'label created' for {n} days and hasn't moved.",
        "Tracking says my {product} was delivered but nothing arrived at my door.",
        "{carrier} returned my parcel to your warehouse, can you resend it?",
        "I need to change the delivery address for order {order} before it ships.",
        "My {product} arrived with the box crushed and the contents scattered.",
        "The package was left with a neighbour I don't know, order {order}.",
        "Do you ship to {country}? The checkout won't accept my postcode.",
        "Only half of order {order} arrived; the {product} is missing.",
        "Delivery was scheduled for {day} but {carrier} now says next week.",
        "Customs is holding my {product} and asking for a fee of {amount}.",
    ],
    "technical": [
        "The app crashes every time I open the size guide for the {product}.",
        "I can't check out on the website, the payment page just spins.",
        "The headlamp firmware update failed and now it only blinks red.",
        "Your site shows the {product} in stock but the cart says unavailable.",
        "Password reset emails never arrive, I've checked spam.",
        "The store locator map is blank on my phone's browser.",
        "When I add the {product} to my wishlist the page shows error 500.",
        "The {product} product page loads without any photos.",
        "Two-factor codes from your app are always rejected as expired.",
        "Your newsletter unsubscribe link leads to a 404 page.",
    ],
    "account": [
        "Please delete my account and all the data you hold about me.",
        "I want to change the email on my account to a new address.",
        "My loyalty points from order {order} were never added.",
        "Someone else's orders are showing up in my account history.",
        "How do I merge my two accounts? I signed up twice by mistake.",
        "I'd like to update my saved shipping address to my new flat.",
        "My account was locked after too many login attempts yesterday.",
        "Can you switch my membership from monthly to yearly?",
        "I never signed up but I'm getting order confirmations in your name.",
        "Please stop the marketing texts, I opted out in {month}.",
    ],
    "returns": [
        "The {product} is too small, how do I exchange it for a larger size?",
        "I'd like to return the {product}; it's unused and still has tags.",
        "My return for order {order} was received {n} days ago and no refund yet.",
        "The zip on the {product} broke after two trips, is it under warranty?",
        "Can I return a {product} bought in one of your stores by post?",
        "The return label you sent has the wrong address on it.",
        "I got the wrong colour {product} and want to send it back.",
        "Is the return window 30 or 60 days for sale items like the {product}?",
        "The seam on my {product} came apart, I'd like a replacement.",
        "You charged a restocking fee of {amount} on my return, I wasn't told about that.",
    ],
}
COLORS = ["green", "navy", "black", "red", "grey", "orange", "olive", "blue", "sand", "purple"]
BOUGHT = ["ordered", "bought", "purchased", "picked up", "got", "paid for"]
WHEN = [
    "last week",
    "on {day}",
    "about {n} days ago",
    "in {month}",
    "yesterday",
    "this morning",
    "over the weekend",
    "a month ago",
    "during the sale",
    "before Christmas",
    "two weeks back",
]
CHANNELS = [
    "through your app",
    "on the website",
    "in your downtown store",
    "by phone",
    "from the catalogue",
    "with a gift card",
    "as a member",
    "for my {relative}",
    "",
    "",
]
OPENERS = [
    "",
    "",
    "",
    "Unfortunately",
    "The problem is that",
    "Now",
    "Long story short,",
    "Sadly",
    "I'm writing because",
    "Quick question:",
    "So,",
    "Just to let you know,",
]
TRIED = [
    "I tried calling {n} times",
    "I already used the live chat",
    "I emailed you on {day}",
    "I checked the FAQ",
    "I filled in the contact form",
    "I asked in the store",
    "I messaged you on Instagram",
    "I waited {n} days",
]
OUTCOMES = [
    "but nobody got back to me.",
    "and it didn't help.",
    "but the line dropped.",
    "and was told to write here.",
    "with no luck.",
    "and still have no answer.",
    "and the agent said it would be fixed.",
    "but the form gave an error.",
]
EXTRAS = [
    "My order number is {order}.",
    "The order is {order}, if that helps.",
    "I'm a member since {year}.",
    "I live in {country}.",
    "It was a present for my {relative}.",
    "I paid {amount} in total.",
    "Please reply by email rather than phone.",
    "You can reach me in the afternoons.",
    "I've been a loyal customer for years.",
    "This is the first time I've had a problem with you.",
    "I'd rather not have to go to the store again.",
    "My {relative} has the same problem.",
]
URGENT_HINTS = [
    "I leave for the mountains on {day} and need this sorted before then.",
    "This is urgent, I have no money left this month.",
    "I need an answer today please.",
    "This is really urgent.",
    "Please treat this as urgent, my trip starts in {n} days.",
    "I need this fixed before {day} at the latest.",
    "It's urgent, sorry to push.",
]
LOW_HINTS = [
    "No rush at all.",
    "Whenever you get a chance.",
    "Just curious, not urgent.",
    "Not in a hurry, thanks.",
    "No hurry on this one.",
    "It can wait until after the holidays.",
    "Low priority for me, just wanted you to know.",
]
SYNONYMS: dict[str, list[str]] = {
    "order": ["order", "purchase"],
    "charged": ["charged", "billed"],
    "arrived": ["arrived", "came", "turned up"],
    "parcel": ["parcel", "package", "box"],
    "package": ["package", "parcel", "delivery"],
    "but": ["but", "yet", "however"],
    "never": ["never", "still hasn't", "didn't"],
    "please": ["please", "kindly", ""],
    "want": ["want", "would like", "need"],
    "I'd": ["I'd", "I would"],
    "can't": ["can't", "cannot"],
    "don't": ["don't", "do not"],
    "it's": ["it's", "it is"],
    "the": ["the", "the", "my"],
    "my": ["my", "my", "the"],
    "still": ["still", "yet", ""],
    "again": ["again", "once more"],
    "help": ["help", "assist"],
    "problem": ["problem", "issue"],
    "now": ["now", "currently"],
    "shows": ["shows", "says", "displays"],
    "get": ["get", "receive"],
    "tried": ["tried", "attempted"],
    "broke": ["broke", "failed", "snapped"],
    "wrong": ["wrong", "incorrect"],
    "account": ["account", "profile"],
    "just": ["just", "simply", ""],
}
"""Word-level variation, so that two tickets built on the same sentence rarely share long spans."""


CONNECTORS = [
    "Also,",
    "By the way,",
    "Oh, and",
    "Anyway,",
    "Plus",
    "Btw",
    "And",
    "FYI",
    "Honestly,",
    "Ok so",
    "Note:",
    "(",
    "-",
    "Also -",
    "P.S.",
]


def _join(rng: random.Random, parts: list[str]) -> str:
    """Sentences joined as people write them: now and then with a connector word in between."""
    out = parts[:1]
    for part in parts[1:]:
        connector = rng.choice(CONNECTORS) if rng.random() < 0.9 else ""
        out.append(f"{connector} {part}" if connector else part)
    return " ".join(out)


def _vary(rng: random.Random, text: str) -> str:
    words = []
    for word in text.split(" "):
        choices = SYNONYMS.get(word)
        words.append(rng.choice(choices) if choices and rng.random() < 0.6 else word)
    return " ".join(w for w in words if w)


COUNTRIES = ["Canada", "Norway", "Portugal", "Japan", "Australia", "Ireland", "Chile", "Poland", "Kenya"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the 3rd", "the 14th", "the 22nd", "the 9th"]
RELATIVES = ["sister", "dad", "partner", "friend", "son", "grandmother"]


def _fill(rng: random.Random, template: str) -> str:
    values = {
        "amount": f"${rng.randint(9, 480)}.{rng.randint(0, 99):02d}",
        "order": f"NW-{rng.randint(100000, 999999)}",
        "code": rng.choice(["SPRING15", "TRAIL10", "WELCOME5", "CAMP20", "BF2026"]),
        "product": rng.choice(PRODUCTS),
        "month": rng.choice(MONTHS),
        "day": rng.choice(DAYS),
        "n": rng.randint(2, 21),
        "carrier": rng.choice(CARRIERS),
        "country": rng.choice(COUNTRIES),
        "year": rng.randint(2015, 2025),
        "relative": rng.choice(RELATIVES),
    }
    return template.format(**values)


def ticket(rng: random.Random) -> tuple[str, dict[str, str]]:
    """One ticket text and its routing decision, composed from independent parts."""
    queue = rng.choice(sorted(QUEUES))
    weights = {"low": 0.25, "normal": 0.55, "urgent": 0.2}
    priority = rng.choices(list(weights), weights=list(weights.values()))[0]
    parts = [rng.choice(GREETINGS)]
    if rng.random() < 0.6:
        channel = rng.choice(CHANNELS)
        intro = f"I {rng.choice(BOUGHT)} a {rng.choice(COLORS)} {{product}} {rng.choice(WHEN)}"
        parts.append(_fill(rng, f"{intro} {channel}".rstrip() + "."))
    issue = _fill(rng, rng.choice(QUEUES[queue]))
    opener = rng.choice(OPENERS)
    parts.append(f"{opener} {issue[0].lower()}{issue[1:]}" if opener else issue)
    if rng.random() < 0.5:
        parts.append(_fill(rng, f"{rng.choice(TRIED)} {rng.choice(OUTCOMES)}"))
    for extra in rng.sample(EXTRAS, k=rng.randint(0, 2)):
        parts.append(_fill(rng, extra))
    if priority == "urgent":
        parts.append(_fill(rng, rng.choice(URGENT_HINTS)))
    elif priority == "low":
        parts.append(rng.choice(LOW_HINTS))
    closing = rng.choice(CLOSINGS)
    if closing:
        parts.append(f"{closing} {rng.choice(NAMES)}")
    text = _vary(rng, _join(rng, [p for p in parts if p]))
    if rng.random() < 0.15:
        text = text.lower()
    return text, {"queue": queue, "priority": priority}


def record(text: str, decision: dict[str, str] | str) -> dict:
    reply = decision if isinstance(decision, str) else json.dumps(decision)
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": text},
            {"role": "assistant", "content": reply},
        ]
    }


def main() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    examples = []
    while len(examples) < 1400:
        text, decision = ticket(rng)
        if text not in seen:
            seen.add(text)
            examples.append((text, decision))
    train = [record(t, d) for t, d in examples[:1200]]
    test = [record(t, d) for t, d in examples[1200:]]
    lines: list[str] = [json.dumps(r, ensure_ascii=False) for r in train]

    # Planted defects (1-based line numbers are those of the final file; see DEFECTS.md).
    lines[40] = lines[12]  # exact duplicate of line 13 at line 41
    lines[300] = lines[12]  # a third copy at line 301
    dup = json.loads(lines[77])
    dup["messages"][1]["content"] = "Hi, " + dup["messages"][1]["content"] + " Thanks a lot!"
    lines[510] = json.dumps(dup)  # near-duplicate of line 78 at line 511
    lines[620] = json.dumps(test[5])  # test example 6 copied into train (leak) at line 621
    conflict = json.loads(lines[200])
    decision = json.loads(conflict["messages"][2]["content"])
    other = "account" if decision["queue"] != "account" else "billing"
    conflict["messages"][2]["content"] = json.dumps({**decision, "queue": other})
    lines[880] = json.dumps(conflict)  # same ticket as line 201, different queue, at line 881
    prose = json.loads(lines[450])
    prose["messages"][2]["content"] = "This looks like a billing question, medium priority."
    lines[450] = json.dumps(prose)  # prose target among JSON targets at line 451
    no_reply = json.loads(lines[700])
    no_reply["messages"] = no_reply["messages"][:2]
    lines[700] = json.dumps(no_reply)  # no assistant reply at line 701
    lines[950] = lines[950][: len(lines[950]) // 2]  # truncated write: invalid JSON at line 951
    lines.insert(1000, "")  # blank line at line 1001 (everything after shifts by one)

    (HERE / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (HERE / "test.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in test) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
