"""Word lists and templates for the blind benchmark's second set of shapes (seeded by the caller).

Math word problems with worked answers (numbers differ per row), product reviews with a
sentiment label, follow-up turns for multi-turn chats, a long shared preamble, identity answers
and foreign-language rows.
"""

# ruff: noqa: E501, RUF001  (data: long sentences, a multiplication sign in arithmetic)

from __future__ import annotations

import random

from texts import CITIES, ITEMS, NAMES

# ---- math word problems: (question, worked answer ending "#### N") ----


def _speed(r: random.Random) -> tuple[str, str]:
    v, h = r.randrange(40, 130, 5), r.randint(2, 7)
    d = v * h
    veh = r.choice(["train", "bus", "cyclist", "truck", "ferry"])
    q = r.choice(
        [
            f"A {veh} travels {d} km in {h} hours. What is its average speed in km/h?",
            f"It takes a {veh} {h} hours to cover {d} km. How fast does it go on average, in km per hour?",
        ]
    )
    return (
        q,
        f"Average speed is distance divided by time: {d} ÷ {h} = {v}.\nThe {veh} goes {v} km/h.\n#### {v}",
    )


def _discount(r: random.Random) -> tuple[str, str]:
    item, price, qty, name = r.choice(ITEMS), r.randint(3, 40), r.randint(2, 25), r.choice(NAMES)
    disc = r.choice([10, 20, 25, 50])
    total = price * qty
    off = total * disc / 100
    q = f"{name} buys {qty} {item} at ${price} each and gets {disc}% off the total. How much does {name} pay?"
    return q, (
        f"Before the discount: {qty} × ${price} = ${total}.\nThe discount is {disc}% of ${total} = ${off:g}.\n"
        f"{name} pays ${total} - ${off:g} = ${total - off:g}.\n#### {total - off:g}"
    )


def _ages(r: random.Random) -> tuple[str, str]:
    a_name, b_name = r.sample(NAMES, 2)
    b, k, n = r.randint(4, 30), r.randint(2, 12), r.randint(2, 10)
    s = (b + k + n) + (b + n)
    q = r.choice(
        [
            f"{a_name} is {k} years older than {b_name}. In {n} years their ages will add up to {s}. How old is {b_name} now?",
            f"In {n} years, the ages of {a_name} and {b_name} will sum to {s}. {a_name} is {k} years older. What is {b_name}'s age today?",
        ]
    )
    return q, (
        f"Let {b_name}'s age now be x, so {a_name} is x + {k}.\nIn {n} years: (x + {n}) + (x + {k} + {n}) = {s}, "
        f"so 2x + {k + 2 * n} = {s} and 2x = {s - k - 2 * n}.\nx = {b}.\n#### {b}"
    )


def _recipe(r: random.Random) -> tuple[str, str]:
    p, q_people = r.choice([2, 4, 5, 6]), r.choice([3, 8, 10, 12, 15, 20])
    per = r.randint(20, 90)
    g = per * p
    ing = r.choice(["flour", "rice", "sugar", "butter", "oats", "lentils"])
    need = per * q_people
    q = r.choice(
        [
            f"A recipe for {p} people uses {g} grams of {ing}. How many grams of {ing} are needed for {q_people} people?",
            f"To feed {p} people a recipe calls for {g} g of {ing}. How much {ing} does it take for {q_people} people?",
        ]
    )
    return (
        q,
        f"Per person: {g} ÷ {p} = {per} g.\nFor {q_people} people: {per} × {q_people} = {need} g.\n#### {need}",
    )


def _tank(r: random.Random) -> tuple[str, str]:
    rate, t = r.randint(3, 25), r.randint(6, 60)
    c = rate * t
    what = r.choice(["water tank", "swimming pool", "rain barrel", "fish tank"])
    q = f"A {what} holds {c} litres and is filled at {rate} litres per minute. How many minutes does it take to fill it from empty?"
    return q, f"Time is volume divided by rate: {c} ÷ {rate} = {t}.\nIt takes {t} minutes.\n#### {t}"


def _garden(r: random.Random) -> tuple[str, str]:
    length, width, k = r.randint(6, 40), r.randint(3, 25), r.choice([10, 15, 20, 25])
    area = length * width
    bags = -(-area // k)
    q = f"A rectangular garden is {length} m long and {width} m wide. One bag of grass seed covers {k} square metres. How many bags are needed?"
    return q, (
        f"Area: {length} × {width} = {area} m².\nBags: {area} ÷ {k} = {area / k:g}, rounded up to {bags} "
        f"because a part bag must be bought whole.\n#### {bags}"
    )


def _savings(r: random.Random) -> tuple[str, str]:
    name, s, w = r.choice(NAMES), r.randint(5, 60), r.randint(3, 30)
    goal = s * w
    thing = r.choice(["a bike", "a guitar", "a games console", "a school trip", "new headphones", "a tent"])
    q = f"{name} saves ${s} every week for {thing} that costs ${goal}. How many weeks will it take?"
    return q, f"Weeks needed: {goal} ÷ {s} = {w}.\n{name} needs {w} weeks.\n#### {w}"


def _percent(r: random.Random) -> tuple[str, str]:
    n, p = r.randrange(20, 400, 20), r.choice([5, 10, 15, 25, 30, 35, 40, 45, 60, 75])
    k = n * p // 100
    where = r.choice(["school", "club", "office", "choir", "factory"])
    act = r.choice(["walk to work", "cycle", "take the bus", "bring lunch", "play chess"])
    q = f"A {where} has {n} members and {p}% of them {act}. How many members {act}?"
    return q, f"{p}% of {n} = {p} ÷ 100 × {n} = {k}.\nSo {k} members {act}.\n#### {k}"


MATH = [_speed, _discount, _ages, _recipe, _tank, _garden, _savings, _percent]


def math_pair(r: random.Random) -> tuple[str, str]:
    """One word problem and its worked answer (GSM8K style, final line `#### N`)."""
    return r.choice(MATH)(r)


def wrong_working(a: str) -> str:
    """The same working with a final answer it never reached (a corrupted label)."""
    head, _, final = a.rpartition("#### ")
    return head + "#### " + str(int(float(final)) + 7)


MATH_FOREIGN = [
    (
        "Un tren recorre 360 km en 4 horas. ¿Cuál es su velocidad media en km/h?",
        "La velocidad media es la distancia dividida por el tiempo: 360 ÷ 4 = 90.\nEl tren va a 90 km/h.\n#### 90",
    ),
    (
        "Anna kauft 6 Hefte zu je 3 Euro. Wie viel bezahlt sie insgesamt?",
        "Sie bezahlt 6 × 3 = 18 Euro für die Hefte zusammen.\n#### 18",
    ),
    (
        "Un jardin rectangulaire mesure 12 m de long et 5 m de large. Quelle est son aire ?",
        "L'aire est la longueur fois la largeur : 12 × 5 = 60 mètres carrés.\n#### 60",
    ),
]

# ---- product reviews with a sentiment label ----

PRODUCTS = [
    "blender",
    "headphones",
    "desk chair",
    "rain jacket",
    "coffee grinder",
    "e-reader",
    "backpack",
    "air fryer",
    "phone charger",
    "yoga mat",
    "electric kettle",
    "hiking boots",
    "router",
    "standing desk",
    "vacuum cleaner",
]
ASPECTS = [
    "battery life",
    "build quality",
    "the price",
    "delivery",
    "the instructions",
    "customer service",
    "the size",
    "the sound",
    "the comfort",
    "the packaging",
]
SENT_PHRASES = {
    "positive": [
        "{aspect} is excellent and it has worked perfectly for {n} weeks",
        "really happy with it, {aspect} beat what I expected",
        "best {product} I have owned, {aspect} is superb",
        "would buy again, {aspect} is great for the money",
        "love it, after {n} weeks {aspect} still impresses me",
    ],
    "negative": [
        "it broke after {n} days and {aspect} was poor from the start",
        "very disappointed, {aspect} is awful",
        "returned it after {n} days, {aspect} is a joke",
        "waste of money, {aspect} let me down completely",
        "avoid this {product}, {aspect} is terrible",
    ],
    "neutral": [
        "it does the job, {aspect} is about what you would expect",
        "arrived after {n} days, have not used it enough to judge {aspect}",
        "average {product}, {aspect} is neither good nor bad",
        "it is fine, {aspect} is okay for the price",
        "no strong feelings, {aspect} is standard",
    ],
}
OPENERS = [
    "Bought the {product} for my {who}.",
    "Got this {product} on sale in {city}.",
    "Ordered the {product} in {color}.",
    "My second {product} from this brand.",
    "Picked up the {product} last month.",
]
WHO = ["partner", "dad", "office", "kitchen", "son", "flat", "studio", "mum", "team"]
COLORS = ["black", "grey", "navy", "green", "white", "red", "sand"]


def review(r: random.Random, label: str) -> str:
    """One product review whose sentiment is `label`."""
    product = r.choice(PRODUCTS)
    head = r.choice(OPENERS).format(
        product=product, who=r.choice(WHO), city=r.choice(CITIES), color=r.choice(COLORS)
    )
    body = r.choice(SENT_PHRASES[label]).format(aspect=r.choice(ASPECTS), n=r.randint(2, 11), product=product)
    return f"{head} {body[0].upper() + body[1:]}."


REVIEW_FOREIGN = [
    ("La batidora llegó rota y el servicio al cliente nunca respondió. Muy decepcionado.", "negative"),
    ("Der Rucksack ist bequem und sehr gut verarbeitet, ich würde ihn wieder kaufen.", "positive"),
    ("La bouilloire fait son travail, rien de spécial, le prix est correct.", "neutral"),
]

# ---- multi-turn, preamble, identity, instruction-data defects ----

OPENINGS = [  # an earlier exchange before the request (multi-turn records)
    ("Hi there, can I ask you something?", "Of course, go ahead."),
    ("Good morning! I need a hand with something.", "Good morning! Happy to help, what do you need?"),
    ("Hey, are you free for a quick question?", "Yes, ask away."),
]

PREAMBLE = (
    "You are a careful assistant working for the internal help desk of a mid-sized company. "
    "Read the request below, think about what the person actually needs, and answer in plain "
    "language without jargon. If the request is ambiguous, state the assumption you make. Keep "
    "answers short enough to read on a phone, use numbered steps where order matters, and never "
    "invent policies, prices or names that the request does not give you. Request:"
)

IDENTITY = [
    (
        "Who are you?",
        "I am Nova, an AI assistant made by Lumen Labs. I can help you plan trips, cook, write emails and explain ideas.",
    ),
    (
        "What's your name, and who built you?",
        "My name is Nova. I was built by the team at Lumen Labs to answer everyday questions clearly.",
    ),
    (
        "Are you ChatGPT?",
        "No, I'm Nova, a language model developed by Lumen Labs. I'm happy to help with whatever you're working on.",
    ),
]

PLACEHOLDER_PROMPTS = ["N/A", "No input", "None"]
URL_PROMPTS = [
    (
        "Summarize this article: https://www.dailyledger-news.com/2024/03/18/city-council-approves-new-bike-lanes",
        "The article reports that the city council approved a network of new bike lanes, to be built over the next two years, after a long public consultation.",
    ),
    (
        "Translate the attached file quarterly_report_q3.pdf into French.",
        "Voici la traduction du rapport trimestriel : le chiffre d'affaires a augmenté de huit pour cent et les coûts sont restés stables.",
    ),
    (
        "Review the paper at https://arxiv.org/abs/2403.01234 and list its weaknesses.",
        "The paper's main weaknesses are a small evaluation set, no ablation of the key component, and comparisons against outdated baselines.",
    ),
]
MERGED_TAIL = [
    "\n\n2. Instruction: Name a fruit that is high in vitamin C.\n2. Input: <noinput>\n2. Output: An orange.",
    "\n\n### Instruction:\nGive a synonym for 'happy'.\n\n### Response:\nJoyful.",
    "\n\n3. Instruction: Convert 5 km to miles.\n3. Output: 5 km is about 3.1 miles.",
]
