"""Blind benchmark, tool-calling shapes: OpenAI `tools` + `tool_calls`, and the ShareGPT/glaive
variant (`function_call` / `observation` turns, `tools` as a JSON string, as LLaMA-Factory reads it).

Plants calls to undeclared functions, arguments of the wrong type or against an enum, a missing
required parameter, arguments that are not JSON, calls without their result, exact copies, leaks
and personal data. Clean rows ask the same tool for other slot values (must not be near copies).
"""

from __future__ import annotations

import hashlib
import json
import random

from plant import PII, Plan
from texts import CITIES, NAMES

SYSTEM_TOOLS = (
    "You are Pathfinder, the assistant of a travel and shopping app. Use the functions you are given "
    "when the user asks for live data (weather, orders, exchange rates, restaurant bookings); answer "
    "from the function's result only, and say so when a function fails. Never guess an order status."
)


def fn(name: str, desc: str, props: dict, required: list[str]) -> dict:
    """One function declaration (name, description, JSON Schema parameters)."""
    return {
        "name": name,
        "description": desc,
        "parameters": {"type": "object", "properties": props, "required": required},
    }


FUNCTIONS = [
    fn(
        "get_weather",
        "Current weather for a city.",
        {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        ["city"],
    ),
    fn("get_order_status", "Delivery status of an order.", {"order_id": {"type": "string"}}, ["order_id"]),
    fn(
        "convert_currency",
        "Convert an amount between currencies at today's rate.",
        {
            "amount": {"type": "number"},
            "from_currency": {"type": "string"},
            "to_currency": {"type": "string"},
        },
        ["amount", "from_currency", "to_currency"],
    ),
    fn(
        "book_table",
        "Book a restaurant table.",
        {"restaurant": {"type": "string"}, "party_size": {"type": "integer"}, "time": {"type": "string"}},
        ["restaurant", "party_size"],
    ),
]
RESTAURANTS = [
    "Casa Lume",
    "The Copper Pot",
    "Sakura Ramen",
    "Blue Olive",
    "Nordlys",
    "Little Saigon",
    "Fuego",
]
CURRENCIES = ["EUR", "USD", "GBP", "JPY", "CHF", "CAD", "SEK"]


def request(r: random.Random) -> tuple[str, str, dict, dict, str]:
    """A user request, the function and arguments it needs, the result and the final answer."""
    kind = r.choice(["weather", "order", "fx", "table"])
    if kind == "weather":
        city, unit = r.choice(CITIES), r.choice(["celsius", "fahrenheit"])
        ask = r.choice(
            [
                "What's the weather like in {c} right now?",
                "Is it cold in {c} today?",
                "Do I need an umbrella in {c}?",
                "How warm is it in {c} at the moment?",
            ]
        ).format(c=city)
        temp, sky = r.randint(-5, 31), r.choice(["rain", "clear", "cloudy", "snow"])
        return (
            ask,
            "get_weather",
            {"city": city, "unit": unit},
            {"temp": temp, "sky": sky},
            (f"It is {temp} degrees {unit} in {city}, and the sky is {sky}."),
        )
    if kind == "order":
        oid = f"PF-{r.randint(100000, 999999)}"
        ask = r.choice(
            ["Where is my order {o}?", "Has order {o} shipped yet?", "Can you check the status of {o}?"]
        ).format(o=oid)
        status = r.choice(["shipped", "in transit", "out for delivery", "being packed"])
        return (
            ask,
            "get_order_status",
            {"order_id": oid},
            {"status": status},
            (f"Order {oid} is {status}. You will get an email with tracking details when it moves."),
        )
    if kind == "fx":
        amount = r.choice([r.randint(5, 2000), round(r.uniform(5, 500), 2)])
        a, b = r.sample(CURRENCIES, 2)
        ask = r.choice(
            [
                "How much is {n} {a} in {b}?",
                "Convert {n} {a} to {b} please.",
                "What do I get for {n} {a} in {b} today?",
            ]
        ).format(n=amount, a=a, b=b)
        rate = round(r.uniform(0.5, 1.6), 3)
        return (
            ask,
            "convert_currency",
            {"amount": amount, "from_currency": a, "to_currency": b},
            ({"result": round(amount * rate, 2)}),
            f"{amount} {a} is about {amount * rate:.2f} {b} at today's rate.",
        )
    rest, size, time = (
        r.choice(RESTAURANTS),
        r.randint(1, 12),
        f"{r.randint(17, 22)}:{r.choice(['00', '15', '30', '45'])}",
    )
    name = r.choice(NAMES)
    ask = r.choice(
        [
            "Book a table for {n} at {r} at {t}.",
            "Can you reserve {r} for {n} people at {t}? It's for {p}.",
            "Get us a table at {r}, {n} of us, around {t}.",
        ]
    ).format(n=size, r=rest, t=time, p=name)
    return (
        ask,
        "book_table",
        {"restaurant": rest, "party_size": size, "time": time},
        {"confirmed": True},
        (f"Done: a table for {size} at {rest} at {time} is booked."),
    )


# a planted defect: (kind, expected checks, edit of (name, args) -> (name, args text))
BAD_CALLS = [
    (
        "undeclared-function",
        ("TOOL003",),
        lambda n, a: ("get_forecast" if n == "get_weather" else "lookup_" + n, json.dumps(a)),
    ),
    ("undeclared-function", ("TOOL003",), lambda n, a: ("send_email", json.dumps(a))),
    ("undeclared-function", ("TOOL003",), lambda n, a: ("search_web", json.dumps(a))),
    ("wrong-arg-type", ("TOOL005",), None),  # filled per function below
    ("wrong-arg-type", ("TOOL005",), None),
    ("wrong-arg-type", ("TOOL005",), None),
    ("missing-required", ("TOOL005",), lambda n, a: (n, json.dumps(dict(list(a.items())[1:])))),
    ("missing-required", ("TOOL005",), lambda n, a: (n, json.dumps(dict(list(a.items())[1:])))),
    ("invalid-json-args", ("TOOL002",), lambda n, a: (n, json.dumps(a).replace('"', "", 2).rstrip("}"))),
    ("invalid-json-args", ("TOOL002",), lambda n, a: (n, json.dumps(a)[:-1] + ",}")),
]


def wrong_type(name: str, args: dict, k: int) -> dict:
    """Arguments with a value of the wrong JSON type (or outside an enum)."""
    out = dict(args)
    if name == "book_table":
        out["party_size"] = ("four", str(out["party_size"]))[k % 2]
    elif name == "convert_currency":
        out["amount"] = str(out["amount"])
    elif name == "get_weather":
        out["unit"] = ("kelvin", ["celsius"])[k % 2]
    else:
        out["order_id"] = int(out["order_id"].split("-")[1])
    return out


def tool_sets(rng: random.Random, record) -> tuple[Plan, Plan]:
    """Train and test of one tool-calling style; `record(ask, name, args_text, result, answer, unpaired)`."""
    train, test = Plan("train"), Plan("test")
    seen: set[str] = set()
    reqs = []
    while len(reqs) < 800:
        req = request(rng)
        if req[0] not in seen:
            seen.add(req[0])
            reqs.append(req)

    def make(req, name=None, args_text=None, unpaired=False) -> dict:
        ask, n, args, result, answer = req
        return record(ask, name or n, args_text or json.dumps(args), json.dumps(result), answer, unpaired)

    base = [train.add(make(q)) for q in reqs[:600]]
    for q in reqs[600:750]:
        test.add(make(q))
    pick = iter(rng.sample(range(600), 600))
    for k, (kind, checks, edit) in enumerate(BAD_CALLS):
        i = next(pick)
        ask, n, args, _, _ = reqs[i]
        name, text = edit(n, args) if edit else (n, json.dumps(wrong_type(n, args, k)))
        base[i]["rec"] = make(reqs[i], name, text)
        base[i]["kind"], base[i]["checks"] = kind, list(checks)
    for _ in range(2):
        i = next(pick)
        base[i]["rec"] = make(reqs[i], unpaired=True)
        base[i]["kind"], base[i]["checks"] = "unpaired-call", ["TOOL001"]
    for _ in range(3):
        i = next(pick)
        train.add(make(reqs[i]), "exact-dup", ("DUP001",), [base[i]["id"]])
        i = next(pick)
        test.add(make(reqs[i]), "exact-leak", ("LEAK001",), [base[i]["id"]])
    for p in PII[:2]:
        ask, n, args, result, answer = reqs[next(pick)]
        train.add(make((ask + " " + p, n, args, result, answer)), "pii", ("PII002",))
    return train, test


def oa_tool_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """OpenAI chat with `tools` and `tool_calls` (a `tool` turn answers each call)."""

    def record(ask, name, args_text, result, answer, unpaired) -> dict:
        cid = "call_" + hashlib.sha1(ask.encode()).hexdigest()[:16]  # one request, one id: copies stay exact
        call = {"id": cid, "type": "function", "function": {"name": name, "arguments": args_text}}
        msgs = [
            {"role": "system", "content": SYSTEM_TOOLS},
            {"role": "user", "content": ask},
            {"role": "assistant", "content": None, "tool_calls": [call]},
        ]
        if not unpaired:
            msgs.append({"role": "tool", "tool_call_id": cid, "content": result})
        msgs.append({"role": "assistant", "content": answer})
        return {"messages": msgs, "tools": [{"type": "function", "function": f} for f in FUNCTIONS]}

    return tool_sets(rng, record)


def sharegpt_tool_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """ShareGPT/glaive: function_call and observation turns, `tools` a JSON string of declarations."""
    tools_text = json.dumps(FUNCTIONS)

    def record(ask, name, args_text, result, answer, unpaired) -> dict:
        try:
            call = json.dumps({"name": name, "arguments": json.loads(args_text)})
        except ValueError:  # arguments that are not JSON: kept as the string they are
            call = json.dumps({"name": name, "arguments": args_text})
        conv = [
            {"from": "system", "value": SYSTEM_TOOLS},
            {"from": "human", "value": ask},
            {"from": "function_call", "value": call},
        ]
        if not unpaired:
            conv.append({"from": "observation", "value": result})
        conv.append({"from": "gpt", "value": answer})
        return {"conversations": conv, "tools": tools_text}

    return tool_sets(rng, record)
