# ruff: noqa: RUF001, E501  (sentences and code of generated data read better unwrapped)
"""Seeded generator of a realistic instruction-tuning set with planted QUAL and PII defects.

The clean population is built to contain the look-alikes that make these checks noisy in real
sets: code with `{}` / f-strings / `${x}` / `@decorators` / `git@host:repo`, LaTeX, markdown links
and tables, refusal phrases quoted in explanations, empathy ("I'm sorry to hear…"), documented
example keys and test card numbers, order and tracking numbers, private IPs and version numbers,
example.com addresses, song refrains and numbered step lists. Planted rows get one defect each;
the truth (line → planted check id) is written next to the data.

    python benchmarks/quality_pii/generate.py OUT.jsonl --rows 100000 --rate 0.03 --seed 1
"""

from __future__ import annotations

import argparse
import base64
import ipaddress
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

TOPICS = {
    "cooking": (
        "the sauce",
        "a sourdough starter",
        "the oven",
        "fresh basil",
        "the dough",
        "a cast-iron pan",
    ),
    "travel": (
        "the train pass",
        "a window seat",
        "the museum",
        "the old town",
        "a ferry ticket",
        "the hostel",
    ),
    "finance": (
        "an index fund",
        "the budget",
        "the interest rate",
        "a savings account",
        "the invoice",
        "tax",
    ),
    "health": ("a short walk", "the blood test", "sleep", "hydration", "the vaccine", "stretching"),
    "support": ("the router", "your order", "the refund", "the password", "the app", "the subscription"),
    "history": (
        "the treaty",
        "the printing press",
        "the empire",
        "the revolution",
        "the trade route",
        "the war",
    ),
}
VERBS = ("improves", "changes", "affects", "depends on", "limits", "supports", "shapes", "explains")
QUALIFIERS = ("in most cases", "over time", "for beginners", "in practice", "when done daily", "at first")
ASKS = (
    "Explain how {x} {v} {y}.",
    "Why does {x} matter for {y}?",
    "Give me three tips about {x}.",
    "What should I know about {x}?",
    "Compare {x} and {y}.",
    "Write a short paragraph about {x}.",
    "How do I deal with {x}?",
    "Describe {x} in simple terms.",
)


def _rnd(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def sentence(rng: random.Random, topic: str) -> str:
    x, y = rng.sample(TOPICS[topic], 2)
    forms = (
        f"{x.capitalize()} {rng.choice(VERBS)} {y} {rng.choice(QUALIFIERS)}.",
        f"Most people find that {x} {rng.choice(VERBS)} {y}, so start small.",
        f"If you are unsure, check {x} first and then look at {y}.",
        f"A common mistake is to ignore {x}; it {rng.choice(VERBS)} {y} more than expected.",
        f"Keep notes on {x} for a week, because patterns in {y} show up quickly.",
        f"Experts disagree on {x}, but the evidence on {y} is clearer.",
    )
    return rng.choice(forms)


def prose(rng: random.Random, topic: str, n: int) -> str:
    return " ".join(sentence(rng, topic) for _ in range(n))


def ask(rng: random.Random, topic: str) -> str:
    x, y = rng.sample(TOPICS[topic], 2)
    return rng.choice(ASKS).format(x=x, y=y, v=rng.choice(VERBS))


# --- clean answers, many of them look-alikes ----------------------------------------------


def clean_prose(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(list(TOPICS))
    return ask(rng, topic), prose(rng, topic, rng.randint(2, 7))


def clean_list(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(list(TOPICS))
    steps = "\n".join(f"{i}. {sentence(rng, topic)}" for i in range(1, rng.randint(3, 8)))
    return f"List the steps for {rng.choice(TOPICS[topic])}.", f"Here is how:\n{steps}"


def clean_code(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(("user", "order", "item", "city"))
    snippets = (
        f'```python\ndef greet({name}):\n    return f"Hello {{{name}}}!"\n\nprint(greet("Ana"))\n```',
        '```json\n{"id": 17, "tags": [], "meta": {}}\n```',
        f"```javascript\nconst msg = `Total: ${{{name}.price}}`;\nconsole.log(msg);\n```",
        "```bash\nexport PATH=$HOME/bin:$PATH\ngit clone git@github.com:acme/tools.git\n```",
        '```python\n@app.route("/health")\ndef health():\n    return {"status": "ok"}\n```',
        '```python\nimport re\nEMAIL = re.compile(r"[\\w.]+@[\\w.]+")\nprint(EMAIL.match("dev@example.com"))\n```',
        '```yaml\ngreeting: "Hello {{ name }}"\nreplicas: 3\n```',
        "```python\nweights = x @ self.weights.T\nloss = (pred - y) ** 2\n```",
    )
    return (
        f"Show me how to handle {name} data in code.",
        f"Here is an example:\n{rng.choice(snippets)}\nIt keeps the {name} logic in one place.",
    )


def clean_math(rng: random.Random) -> tuple[str, str]:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return (
        f"Differentiate x^{a}/{b}.",
        f"The derivative is $\\frac{{{a}x^{{{a - 1}}}}}{{{b}}}$. For a sum write $\\sum_{{i}} x_{{i}}$; "
        f"the set {{x}} has one element.",
    )


def clean_quote_refusal(rng: random.Random) -> tuple[str, str]:
    phrase = rng.choice(
        (
            '"As an AI language model, I cannot"',
            "\"I'm sorry, but I can't help with that\"",
            "'I don't have access to real-time data'",
        )
    )
    return (
        "Why do chatbots sound so repetitive?",
        f"Many were tuned on answers that start with {phrase}. Filtering such phrases from the training "
        "data makes the model answer directly.",
    )


def clean_empathy(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(("support", "health"))
    return (
        f"I had a bad week with {rng.choice(TOPICS[topic])}.",
        f"I'm sorry to hear that. {prose(rng, topic, 2)} I can walk you through it if you like.",
    )


def clean_numbers(rng: random.Random) -> tuple[str, str]:
    order = f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    tracking = "".join(str(rng.randint(0, 9)) for _ in range(16))
    return (
        f"Where is order #{order}?",
        f"Order #{order} shipped on 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}; tracking number "
        f"{tracking} (ground). The total was $1,{rng.randint(100, 999)}.{rng.randint(10, 99)}. Update the app to "
        f"version 2.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)} and set the router to 192.168."
        f"{rng.randint(0, 9)}.1; DNS 8.8.8.8 works. ISBN 978-0-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-2.",
    )


def clean_docs_examples(rng: random.Random) -> tuple[str, str]:
    return (
        "How do I configure the SDK credentials?",
        rng.choice(
            (
                "Set AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE in the environment (that is the documented sample).",
                "Put OPENAI_API_KEY=sk-your-key-here in .env and never commit it.",
                "Use postgres://user:password@localhost:5432/app while developing.",
                "Stripe's test card 4242 4242 4242 4242 with any future date works in test mode.",
                "Write to support@example.com with the error code.",
                "The key file starts with -----BEGIN RSA PRIVATE KEY----- followed by base64 lines.",
            )
        ),
    )


def clean_song(rng: random.Random) -> tuple[str, str]:
    refrain = "Row along, row along, the river takes us home."
    verses = [prose(rng, "travel", 2) for _ in range(3)]
    return "Write a folk song with a refrain.", "\n\n".join(f"{v}\n{refrain}" for v in verses)


def clean_table(rng: random.Random) -> tuple[str, str]:
    rows = "\n".join(
        f"| {p} | {rng.randint(5, 50)} € | {rng.choice(('yes', 'no'))} |" for p in TOPICS["travel"][:4]
    )
    return "Compare the options in a table.", f"| Option | Price | Refundable |\n|---|---|---|\n{rows}"


def clean_link(rng: random.Random) -> tuple[str, str]:
    return (
        "Where can I read more about it?",
        "See [the official guide](https://docs.python.org/3/tutorial/) and the FAQ at https://www.python.org/doc/.",
    )


def clean_multilingual(rng: random.Random) -> tuple[str, str]:
    return rng.choice(
        (
            (
                "Wie spät ist es in Tokio?",
                "In Tokio ist es acht Stunden später als in Berlin; größere Städte haben Übergänge.",
            ),
            (
                "¿Dónde está la estación?",
                "La estación está a dos calles, junto a la plaza mayor; el café está allí.",
            ),
            ("Où est la gare ?", "La gare est à côté du musée ; comptez dix minutes à pied."),
            ("Onde fica SÃO PAULO?", "São Paulo fica no sudeste do Brasil."),
        )
    )


CLEAN: list[tuple[float, Callable[[random.Random], tuple[str, str]]]] = [
    (0.40, clean_prose), (0.10, clean_list), (0.10, clean_code), (0.05, clean_math),
    (0.04, clean_quote_refusal), (0.05, clean_empathy), (0.06, clean_numbers), (0.04, clean_docs_examples),
    (0.03, clean_song), (0.04, clean_table), (0.04, clean_link), (0.05, clean_multilingual),
]  # fmt: skip

# --- planted defects ----------------------------------------------------------------------


def plant_refusal(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    openers = (
        "As an AI language model, I cannot provide personal opinions on this topic.",
        "I'm sorry, but I can't assist with that request.",
        "I apologize, but I am unable to browse the internet for current information.",
        "As an AI, I don't have personal experiences, but here is some general information.",
        "I'm sorry, but as an AI language model, I do not have the ability to predict the future.",
        "Unfortunately, I cannot provide real-time updates.",
        "I don't have access to real-time data, so I can't tell you the current status.",
        "As of my last knowledge update in 2021, I cannot confirm that.",
        "I'm afraid I can't do that.",
        "As a language model, I cannot make that decision for you.",
        "I'm just an AI, so I can't give medical advice.",
        "It is not appropriate for me to share an opinion on this.",
        "I cannot fulfill this request.",
    )
    refusal = rng.choice(openers)
    return q, (refusal + " " + a if rng.random() < 0.5 else refusal)


def plant_placeholder(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    debris = (
        ("Who are you?", "I am {{name}}, an AI assistant developed by {{author}}. How can I help?"),
        (
            "Write a welcome email.",
            "Dear [Your Name],\n\nThank you for joining <COMPANY NAME>. We are glad to have you.",
        ),
        ("Draft a reminder.", "Hi {customer_name}, your appointment is on {appointment_date}."),
        (q, a + "<|im_end|>"),
        (f"[INST] {q} [/INST]", a),
        (q + "\n\n<noinput>", a),
        ("Write an invitation.", "Hello $FIRST_NAME, join us on [insert date] at [Location]."),
        (q, a + "\n### Response:"),
    )
    return rng.choice(debris)


def plant_repetition(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    s = sentence(rng, rng.choice(list(TOPICS)))
    kind = rng.random()
    if kind < 0.5:
        return q, " ".join([s] * rng.randint(15, 200))
    if kind < 0.8:
        return q, a + " " + " ".join([s] * rng.randint(15, 60))
    return q, rng.choice(("ha", "a", "!", ".", "lol ")) * rng.randint(20, 300)


def plant_secret(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    b64 = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    choices = (
        lambda: "AKIA" + _rnd(rng, 16, string.ascii_uppercase + string.digits),
        lambda: "ghp_" + _rnd(rng, 36),
        lambda: "sk-proj-" + _rnd(rng, 48, string.ascii_letters + string.digits + "_-"),
        lambda: "sk-" + _rnd(rng, 48),
        lambda: (
            "xoxb-" + _rnd(rng, 12, string.digits) + "-" + _rnd(rng, 12, string.digits) + "-" + _rnd(rng, 24)
        ),
        lambda: "AIza" + _rnd(rng, 35, string.ascii_letters + string.digits + "_-"),
        lambda: "hf_" + _rnd(rng, 34),
        lambda: (
            b64({"alg": "HS256", "typ": "JWT"})
            + "."
            + b64({"sub": _rnd(rng, 8), "iat": 1_700_000_000, "exp": 1_700_003_600})
            + "."
            + _rnd(rng, 43)
        ),
        lambda: f"postgres://svc:{_rnd(rng, 16)}@db-{rng.randint(1, 9)}.internal:5432/prod",
        lambda: (
            "-----BEGIN OPENSSH PRIVATE KEY-----\n"
            + "\n".join(_rnd(rng, 70, string.ascii_letters + "+/") for _ in range(4))
            + "\n-----END OPENSSH PRIVATE KEY-----"
        ),
    )
    secret = rng.choice(choices)()
    where = rng.choice(
        (
            f"Set the key like this:\n```bash\nexport API_KEY={secret}\n```\n{a}",
            f"{a} My config uses {secret} right now.",
            f"Use this credential: {secret}",
        )
    )
    return (q, where) if rng.random() < 0.7 else (f"{q} Here is what I have: {secret}", a)


def _luhn(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for d in "0123456789":
        digits = body + d
        total = sum(
            (int(c) * 2 - 9 if int(c) > 4 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


def _iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "DE00")) % 97
    return f"DE{check:02d}{bban}"


def _public_ip(rng: random.Random) -> str:
    """A global unicast IPv4 address (private, shared, reserved and documentation ranges are not personal)."""
    while True:
        value = ipaddress.ip_address(rng.randint(0x01000000, 0xDFFFFFFF))
        if value.is_global:
            return str(value)


def plant_personal(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    first = rng.choice(("maria", "john", "li", "ahmed", "sofia", "lukas", "emma", "raj"))
    last = rng.choice(("garcia", "smith", "wang", "khan", "rossi", "muller", "dubois", "patel"))
    card = _luhn(rng.choice(("4", "51", "52", "6011")), 16, rng)
    values = (
        f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(('gmail.com', 'outlook.com', 'yahoo.fr', 'web.de'))}",
        f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        f"({rng.choice((212, 303, 415, 512, 617, 702, 808, 919))}) {rng.randint(201, 989)}-{rng.randint(1000, 9999)}",
        " ".join(card[i : i + 4] for i in range(0, 16, 4)),
        _iban(rng),
        _public_ip(rng),
    )
    value = rng.choice(values)
    return q, f"{a} You can reach the customer via {value} if needed."


def plant_mojibake(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    text = a.replace("'", "’") + " Don’t forget the café résumé."
    return q, text.encode("utf-8").decode("cp1252", errors="replace")


def plant_truncated(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    if rng.random() < 0.5:
        words = a.split()
        cut = " ".join(words[: max(len(words) - rng.randint(3, 8), 14)])
        return q, cut.rstrip(".") + rng.choice((" and", " the", " of", ",", " which"))
    return q, "Here is the code:\n```python\ndef run(items):\n    for item in items:\n        process(item"


def plant_markup(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    sentences = a.split(". ")
    glue = rng.choice((".<br>", ".<br/>\n", ". &nbsp;", ".</p><p>"))
    text = glue.join(sentences)
    return q, text.replace(" and ", rng.choice((" &amp; ", " and "))) + rng.choice(("", " Don&#39;t wait."))


def plant_invisible(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    return rng.choice(
        (
            (
                "Describe the attached photo.",
                "The photo shows a red barn at sunset with two horses in front of it.",
            ),
            (
                "What trend does the chart above show?",
                "Sales rise steadily from January to June, then flatten.",
            ),
            (
                "Summarize the article at this link.",
                "The article argues that remote work raises productivity.",
            ),
            (
                "Can you check the file I uploaded?",
                "Your spreadsheet has three empty columns and a broken formula in C4.",
            ),
            (
                "What is wrong in this screenshot?",
                "The error dialog says the disk is full. Free some space and retry.",
            ),
            (q, "As shown in the diagram above, " + a[0].lower() + a[1:]),
        )
    )


def plant_echo(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    return q, rng.choice((q, q.rstrip("?.") + ".", q.lower()))


def plant_trivial(rng: random.Random, q: str, a: str) -> tuple[str, str]:
    topic = rng.choice(list(TOPICS))
    x, y = rng.sample(TOPICS[topic], 2)
    ask_ = rng.choice(
        (f"Explain how {x} affects {y}.", f"Describe {x} in simple terms.", f"Compare {x} and {y}.")
    )
    return ask_, rng.choice(("Sure.", "OK", "N/A", "Yes.", "I will.", "See above."))


PLANTS: dict[str, Callable[[random.Random, str, str], tuple[str, str]]] = {
    "QUAL001": plant_refusal,
    "QUAL002": plant_placeholder,
    "QUAL003": plant_repetition,
    "QUAL004": plant_mojibake,
    "QUAL005": plant_markup,
    "QUAL006": plant_invisible,
    "QUAL007": plant_truncated,
    "QUAL008": plant_echo,
    "QUAL009": plant_trivial,
    "PII001": plant_secret,
    "PII002": plant_personal,
}


def generate(rows: int, rate: float, seed: int) -> tuple[list[dict], dict[int, str]]:
    """`rows` chat records; about `rate` of them carry one planted defect per planted check id."""
    rng = random.Random(seed)
    weights = [w for w, _ in CLEAN]
    makers = [m for _, m in CLEAN]
    records, truth = [], {}
    for line in range(1, rows + 1):
        q, a = rng.choices(makers, weights)[0](rng)
        if rng.random() < rate * len(PLANTS):
            check = rng.choice(sorted(PLANTS))
            q0, a0 = clean_prose(rng)
            q, a = PLANTS[check](rng, q0, a0)
            truth[line] = check
        msgs = [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
        if rng.random() < 0.3:
            msgs.insert(0, {"role": "system", "content": "You are a helpful assistant."})
        records.append({"messages": msgs})
    return records, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=0.03, help="share of rows per planted check id")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    records, truth = generate(args.rows, args.rate, args.seed)
    with open(args.out, "wb") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False).encode() + b"\n")
    args.out.with_suffix(".truth.json").write_text(json.dumps({str(k): v for k, v in truth.items()}))


if __name__ == "__main__":
    main()
