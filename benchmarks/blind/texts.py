"""Word lists and slot templates for the blind benchmark's clean records (seeded by the caller)."""

# ruff: noqa: E501, RUF001  (data: long sentences, a multiplication sign in arithmetic)

from __future__ import annotations

import random

FOODS = [
    "chicken thighs",
    "salmon fillets",
    "pork shoulder",
    "butternut squash",
    "lamb chops",
    "chickpeas",
    "brown rice",
    "beef brisket",
    "sweet potatoes",
    "tofu",
    "cauliflower",
    "duck breast",
]
METHODS = {"roast": (180, 220), "bake": (160, 200), "braise": (140, 170), "grill": (200, 260)}
CITIES = [
    "Lisbon",
    "Osaka",
    "Denver",
    "Tallinn",
    "Nairobi",
    "Porto",
    "Calgary",
    "Seville",
    "Hobart",
    "Kraków",
    "Valparaíso",
    "Ghent",
    "Hanoi",
    "Quebec City",
    "Bergen",
]
SIGHTS = [
    "the old town",
    "the harbour",
    "a food market",
    "the botanical garden",
    "a hilltop viewpoint",
    "the modern art museum",
    "a riverside walk",
    "the cathedral",
    "a local bakery",
    "the night market",
]
LANGS = ["Python", "JavaScript", "Go", "Rust", "Java", "C#", "Kotlin", "Ruby"]
TASKS = {
    "reverse a list": "use the built-in reverse operation or slice the sequence from the end",
    "read a CSV file": "open the file with the standard CSV reader and iterate over its rows",
    "sort a dictionary by value": "turn the entries into pairs and sort them with a key that picks the value",
    "remove duplicates from an array": "copy the items into a set, or keep a seen-set while you loop if order matters",
    "parse a date string": "use the date library's parse function with an explicit format string",
    "measure how long a function takes": "take a monotonic timestamp before and after the call and subtract",
    "write a unit test": "create a test function that calls the code and asserts on its result",
    "make an HTTP request": "use the standard HTTP client, set a timeout and check the status code",
    "handle a missing file": "catch the not-found error around the open call and report a clear message",
    "split a string on commas": "call the split function with a comma and strip the spaces from each part",
}
ITEMS = [
    "notebooks",
    "coffee mugs",
    "bike lights",
    "candles",
    "tea towels",
    "phone cases",
    "plant pots",
    "wool socks",
    "desk lamps",
    "picture frames",
]
NAMES = [
    "Priya",
    "Tomás",
    "Aiko",
    "Marcus",
    "Lena",
    "Obi",
    "Sofia",
    "Daniel",
    "Mei",
    "Hugo",
    "Fatima",
    "Jonas",
]
RELS = ["landlord", "manager", "neighbour", "team", "professor", "client", "sister", "coach"]
TOPICS = {
    "a late rent payment": "the payment will arrive by Friday because of a bank delay",
    "moving a meeting": "Thursday afternoon would work better than Tuesday morning",
    "a noisy party next weekend": "there will be some music on Saturday until about eleven",
    "a missed deadline": "the report needs two more days to include the final figures",
    "borrowing a ladder": "it would be needed for an hour on Sunday to clean the gutters",
    "a broken heater": "the heater in the bedroom has stopped working since Monday",
    "a project update": "the first milestone is done and testing starts next week",
    "a thank-you for help": "the help with the move last weekend made a huge difference",
}
TONES = ["polite", "friendly", "short", "formal", "apologetic"]
CONCEPTS = {
    ("opportunity cost", "economics"): "the value of the best alternative you give up when you make a choice",
    (
        "photosynthesis",
        "biology",
    ): "the process plants use to turn light, water and carbon dioxide into sugar and oxygen",
    ("inflation", "economics"): "a general rise in prices that reduces what a unit of money can buy",
    (
        "entropy",
        "physics",
    ): "a measure of how many ways a system's parts can be arranged, often described as disorder",
    (
        "recursion",
        "computer science",
    ): "a way of solving a problem by having a function call itself on smaller inputs",
    (
        "compound interest",
        "personal finance",
    ): "interest earned on both the original amount and the interest already added",
    (
        "plate tectonics",
        "geology",
    ): "the theory that the Earth's outer shell is split into plates that move slowly",
    (
        "cognitive dissonance",
        "psychology",
    ): "the discomfort felt when holding two beliefs that contradict each other",
    (
        "supply chain",
        "business",
    ): "the network of suppliers, makers and carriers that brings a product to a buyer",
    ("osmosis", "chemistry"): "the movement of water through a membrane from a weaker to a stronger solution",
    ("a metaphor", "literature"): "a figure of speech that describes one thing as if it were another",
    ("latency", "networking"): "the time it takes for data to travel from its source to its destination",
}
AUDIENCES = [
    "a ten-year-old",
    "a first-year student",
    "someone new to the field",
    "a busy manager",
    "my grandmother",
]
PLANTS = [
    "basil",
    "a fiddle-leaf fig",
    "tomatoes",
    "a snake plant",
    "orchids",
    "lavender",
    "mint",
    "a lemon tree",
    "succulents",
    "ferns",
]
PROBLEMS = {
    "yellow leaves": "usually point to overwatering or poor drainage",
    "brown tips": "often come from dry air or too much fertiliser",
    "drooping stems": "tend to mean the plant is thirsty or too hot",
    "white spots": "are often powdery mildew, which likes still, humid air",
    "slow growth": "usually means too little light or a pot that is too small",
}


def cooking(r: random.Random) -> tuple[str, str]:
    food, method, n = r.choice(FOODS), r.choice(list(METHODS)), r.randint(2, 10)
    lo, hi = METHODS[method]
    temp, mins, rest = r.randrange(lo, hi + 1, 10), r.randrange(25, 150, 5), r.randint(5, 15)
    q = r.choice(
        [
            f"How long should I {method} {food} for {n} people?",
            f"What temperature do I {method} {food} at when cooking for {n}?",
            f"I'm cooking for {n} tonight. Any tips to {method} {food}?",
        ]
    )
    a = f"For {n} people, {method} the {food} at {temp}°C for about {mins} minutes, turning them once halfway. Let everything rest for {rest} minutes before serving so the juices settle."
    return q, a


def travel(r: random.Random) -> tuple[str, str]:
    city, days = r.choice(CITIES), r.randint(2, 7)
    budget = r.choice(["tight", "moderate", "generous"])
    s1, s2, s3 = r.sample(SIGHTS, 3)
    q = r.choice(
        [
            f"What should I do with {days} days in {city} on a {budget} budget?",
            f"Plan a {days}-day trip to {city} for me, my budget is {budget}.",
            f"I have {days} days in {city}. What are the highlights?",
        ]
    )
    a = f"With {days} days in {city}, start with {s1} on the first day, then spend a morning at {s2}. Keep one evening for {s3}. On a {budget} budget, book the first night early and use public transport."
    return q, a


def coding(r: random.Random) -> tuple[str, str]:
    lang, task = r.choice(LANGS), r.choice(list(TASKS))
    q = r.choice(
        [
            f"How do I {task} in {lang}?",
            f"What's the simplest way to {task} using {lang}?",
            f"In {lang}, how can I {task}?",
        ]
    )
    tip = r.choice(
        [
            "Keep it in a small function with a clear name, and add a test that covers an empty input.",
            f"Most {lang} codebases wrap this in a helper so the error handling lives in one place.",
            "Log what went wrong when it fails; a silent failure here is hard to track down later.",
            f"The official {lang} documentation has a short example of exactly this.",
        ]
    )
    a = f"In {lang}, {TASKS[task]}. {tip}"
    return q, a


def maths(r: random.Random) -> tuple[str, str]:
    item, price, qty, name = r.choice(ITEMS), r.randint(3, 40), r.randint(2, 25), r.choice(NAMES)
    disc = r.choice([0, 10, 20, 25])
    total = price * qty
    final = total * (100 - disc) // 100 if total * (100 - disc) % 100 == 0 else total * (100 - disc) / 100
    q = (
        f"{name} buys {qty} {item} at ${price} each"
        + (f" with a {disc}% discount on the total" if disc else "")
        + ". How much does "
        + name
        + " pay?"
    )
    a = f"{qty} × ${price} = ${total}." + (
        f" A {disc}% discount takes off ${total - final:g}, so {name} pays ${final:g}."
        if disc
        else f" So {name} pays ${total}."
    )
    return q, a


def email(r: random.Random) -> tuple[str, str]:
    tone, rel, topic = r.choice(TONES), r.choice(RELS), r.choice(list(TOPICS))
    name = r.choice(NAMES)
    q = r.choice(
        [
            f"Write a {tone} email to my {rel} about {topic}.",
            f"Draft a {tone} message for my {rel} regarding {topic}.",
            f"Can you help me write a {tone} note to my {rel} about {topic}? Sign it {name}.",
        ]
    )
    a = f"Subject: {topic[0].upper() + topic[1:]}\n\nHi,\n\nI wanted to let you know that {TOPICS[topic]}. Please tell me if this causes any trouble and I will sort it out.\n\nBest wishes,\n{name}"
    return q, a


def explain(r: random.Random) -> tuple[str, str]:
    (concept, field), aud = r.choice(list(CONCEPTS)), r.choice(AUDIENCES)
    q = r.choice(
        [
            f"Explain {concept} in {field} to {aud}.",
            f"What does {concept} mean in {field}? Keep it simple for {aud}.",
            f"Describe {concept} ({field}) so that {aud} would understand.",
        ]
    )
    tail = r.choice(
        [
            f"For {aud}, an everyday example helps: ask what changes when one part changes.",
            f"If you explain it to {aud}, start from something they already know and build up from there.",
            f"A quick drawing usually makes this click for {aud}.",
            f"With {aud}, skip the jargon and use one concrete story.",
        ]
    )
    a = f"In {field}, {concept} is {CONCEPTS[(concept, field)]}. {tail}"
    return q, a


def plants(r: random.Random) -> tuple[str, str]:
    plant, problem = r.choice(PLANTS), r.choice(list(PROBLEMS))
    where = r.choice(["on my balcony", "in my kitchen", "by a north window", "in the garden", "in my office"])
    q = r.choice(
        [
            f"Why does my {plant} {where} have {problem}?",
            f"My {plant} {where} is showing {problem}. What's wrong?",
            f"How do I fix {problem} on {plant} kept {where}?",
        ]
    )
    a = f"On {plant}, {problem} {PROBLEMS[problem]}. Since it lives {where}, check the light and the soil first, then water only when the top few centimetres feel dry."
    return q, a


DOMAINS = [cooking, travel, coding, maths, email, explain, plants]


def qa_pair(r: random.Random) -> tuple[str, str]:
    """One realistic request and its answer, from a random domain."""
    return r.choice(DOMAINS)(r)


def worse_answer(q: str, a: str, r: random.Random) -> str:
    """Another answer to the same request that says something else (a rejected side or a rewrite)."""
    return r.choice(
        [
            "It depends on many things, so there is no single answer; try a few options and see what works for you.",
            "You can find this easily online, but in short I would just go with whatever feels right at the time.",
            "Honestly, I would not worry about it too much; most people never notice the difference in practice.",
            "The usual advice is the opposite of what most guides say, so do it the other way round and check later.",
        ]
    )


FOREIGN = [
    (
        "¿Cuánto tiempo debo asar un pollo entero para seis personas?",
        "Para seis personas, asa el pollo a 190 grados durante unos noventa minutos y déjalo reposar diez minutos antes de servir.",
    ),
    (
        "Wie lange sollte ich Lachsfilets im Ofen backen, wenn ich für vier Personen koche?",
        "Für vier Personen backst du die Lachsfilets etwa zwanzig Minuten bei 180 Grad und lässt sie danach kurz ruhen.",
    ),
    (
        "Quelles sont les choses à voir à Lisbonne en trois jours avec un petit budget ?",
        "En trois jours à Lisbonne, visitez la vieille ville, le marché couvert et un belvédère au coucher du soleil, puis prenez le tram.",
    ),
    (
        "Come posso leggere un file CSV in Python senza librerie esterne?",
        "In Python puoi aprire il file con il modulo csv della libreria standard e scorrere le righe con un ciclo for.",
    ),
]

INTENT_SLOTS = {
    "city": CITIES,
    "day": [
        "Monday",
        "Tuesday",
        "Friday",
        "the weekend",
        "tomorrow",
        "next Thursday",
        "the 14th",
        "Sunday morning",
    ],
    "n": [str(n) for n in range(2, 9)],
    "amount": ["$20", "$150", "45 euros", "£300", "$1,200", "80 dollars", "250 pounds"],
    "person": NAMES,
    "song": [
        "some jazz",
        "the new Adele album",
        "lo-fi beats",
        "my running playlist",
        "classical piano",
        "90s hip hop",
        "something upbeat",
    ],
    "time": ["6am", "7:30", "half past five", "noon", "9 pm", "quarter to eight"],
    "cuisine": ["Thai", "Italian", "Ethiopian", "sushi", "Mexican", "vegan", "Korean barbecue"],
    "item": ITEMS,
    "lang": ["Spanish", "Japanese", "German", "Portuguese", "French", "Korean"],
    "account": [
        "checking account",
        "savings account",
        "joint account",
        "credit card",
        "business account",
        "travel wallet",
    ],
    "room": ["kitchen", "living room", "bedroom", "car", "office", "bathroom"],
    "chore": ["cook", "clean", "work out", "study", "drive"],
    "card": ["credit card", "debit card", "visa card", "travel card", "company card"],
    "app": ["mobile app", "website", "banking portal", "tablet app", "desktop client", "rewards account"],
    "phrase": [
        "where is the station",
        "thank you very much",
        "how much is this",
        "I have a reservation",
        "one coffee please",
    ],
}
INTENT_TEMPLATES = {
    "book_flight": [
        "book me a flight to {city} on {day}",
        "i need a plane ticket to {city} for {day}",
        "find flights from here to {city} leaving {day}",
        "can you get me on a flight to {city} {day}",
    ],
    "cancel_order": [
        "cancel my order of {item}",
        "i don't want the {item} anymore, please cancel",
        "stop the order for {item} i placed on {day}",
        "how do i cancel the {item} i ordered",
    ],
    "check_balance": [
        "what's the balance of my {account}",
        "how much money do i have left in my {account}",
        "show me my {account} balance as of {day}",
        "tell me what's in my {account} before {day}",
    ],
    "reset_password": [
        "i forgot my password for the {app}",
        "reset my {app} password please",
        "i can't sign in to the {app}, how do i change my password",
        "send me a password reset link for the {app}",
        "locked out of the {app} since {day}, need a new password",
    ],
    "track_package": [
        "where is my package with the {item}",
        "track the parcel i ordered on {day}",
        "when will my {item} arrive in {city}",
        "has the delivery of {item} left the warehouse",
        "is the {item} i ordered on {day} still on its way",
    ],
    "weather_query": [
        "what's the weather in {city} {day}",
        "will it rain in {city} on {day}",
        "how cold is it in {city} right now",
        "do i need a jacket in {city} {day}",
    ],
    "play_music": [
        "play {song} in the {room}",
        "put on {song} in the {room}",
        "i want to listen to {song} while i {chore}",
        "start {song} on the {room} speaker",
        "queue up {song} for when i {chore}",
    ],
    "set_alarm": [
        "wake me up at {time}",
        "set an alarm for {time} on {day}",
        "alarm at {time} please",
        "remind me at {time} to get up",
    ],
    "transfer_money": [
        "send {amount} to {person}",
        "transfer {amount} from savings to checking",
        "pay {person} {amount} for dinner",
        "move {amount} to {person}'s account on {day}",
    ],
    "book_restaurant": [
        "book a table for {n} at a {cuisine} place",
        "reserve {cuisine} for {n} people on {day}",
        "find a {cuisine} restaurant in {city} with a table for {n}",
        "get us a table for {n} at {time}",
    ],
    "change_address": [
        "update my shipping address to the new place in {city}",
        "i moved to {city}, change my address",
        "change the delivery address for my {item} order",
        "my address is wrong on the {item} order, i need to fix it",
        "from {day} my address is in {city}, please update it",
    ],
    "report_lost_card": [
        "i lost my {card} in {city}",
        "my {card} was stolen in {city}",
        "block my {card}, i can't find it since {day}",
        "someone took my wallet with my {card} on {day}",
    ],
    "refund_request": [
        "i want a refund for the {item} i bought on {day}",
        "give me my money back for the broken {item}",
        "how do i return the {item} for a refund of {amount}",
        "the {item} arrived damaged, refund please",
        "i was charged {amount} for {item} i never got, refund it",
    ],
    "opening_hours": [
        "what time does the {city} store open on {day}",
        "is the {city} branch open on {day}",
        "when does the {city} store close on {day}",
        "opening hours of the {city} shop for {day} please",
    ],
    "translate": [
        "how do you say {phrase} in {lang}",
        "translate {phrase} to {lang}",
        "what is {phrase} in {lang}",
        "say {phrase} in {lang} for me",
    ],
}


def _intent(templates: list[str]):
    def make(r: random.Random) -> str:
        t = r.choice(templates)
        return t.format(**{k: r.choice(v) for k, v in INTENT_SLOTS.items()})

    return make


CLEAN_INTENTS = {label: _intent(ts) for label, ts in INTENT_TEMPLATES.items()}

INTENT_FOREIGN = [
    ("quiero reservar un vuelo a Madrid para el viernes por la mañana", "book_flight"),
    ("ich möchte meine Bestellung der Kaffeetassen bitte stornieren", "cancel_order"),
    ("quel temps fera-t-il à Lyon demain après-midi", "weather_query"),
    ("vorrei prenotare un tavolo per quattro persone stasera", "book_restaurant"),
]
