"""Blind benchmark, third set of planted shapes (session 37): defects the README's check table
promises that the first two sets did not plant, each beside clean controls of the same layout.

Generative shapes get answers that open with the rewriting model's remark (QUAL015), filler typed
to pass a form (QUAL013), a looped phrase (QUAL003), a copy of the prompt (QUAL008), a few words
for a long-form request (QUAL009), another language than the prompt (QUAL014), zero-width and
replacement characters (FMT006); the controls are short correct answers to short requests,
translations answered in the asked language and an answer that names "test" on purpose.
Instruction data (Alpaca's input field) gets placeholder and URL-only inputs and merged records;
tool calls get a secret in their arguments; intent CSV a label with a trailing space and a
held-out near copy under another label.
"""

from __future__ import annotations

import json
import random
import re

from plant import Plan

REMARKS = [
    "Here's a rewritten version of the answer:\n\n",
    "Sure! Here is the revised response, made clearer and more concise:\n",
    "Here is an improved version of the text:\n\n",
]
TONE_OR_EDIT = re.compile(r"(?i)polite|formal|friendly|apologetic|short|rewrite|edit|fix|correct|improve")
FILLER_TARGETS = ["sdfsdf", "TODO", "Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "asdf asdf"]
LOOPS = [
    "I hope this helps. ",
    "and then stir again ",
]
TRIVIAL = ["Sure.", "OK", "Done."]
OTHER_LANGUAGE = [  # an English request answered in another language (the set answers English in English)
    "Claro. La mejor opción es hacerlo paso a paso y revisar el resultado al final. Si algo no sale bien, "
    "vuelve al paso anterior, cambia una sola cosa y prueba de nuevo antes de seguir.",
    "Gern. Am besten gehst du Schritt für Schritt vor und prüfst am Ende das Ergebnis. Wenn etwas nicht "
    "klappt, gehst du einen Schritt zurück, änderst nur eine Sache und versuchst es noch einmal.",
    "Bien sûr. Le mieux est de procéder étape par étape et de vérifier le résultat à la fin. Si quelque "
    "chose ne va pas, revenez à l'étape précédente, changez une seule chose et réessayez.",
]
ONE_SENTENCE = [  # the same in one sentence: sibling languages share most of its function words
    "Claro: la mejor opción es hacerlo paso a paso, revisar el resultado al final y repetir si hace falta.",
    "Gern: am besten gehst du Schritt für Schritt vor, prüfst am Ende das Ergebnis und wiederholst es.",
]
SHORT_CONTROLS = [  # a request for something short, answered correctly in a word or a number
    ("What is 12 times 4? Reply with the number only.", "48"),
    ("Give me one word that rhymes with 'cat'.", "Hat."),
    ("What is the chemical symbol for gold? Just the symbol.", "Au"),
]
TRANSLATE_CONTROLS = [  # a translation request answered in the asked language
    (
        "Translate into Spanish: 'The museum opens at nine and closes at six on weekdays.'",
        "El museo abre a las nueve y cierra a las seis entre semana.",
    ),
    (
        "Please translate this into German: 'Could you send me the invoice again? I cannot find it.'",
        "Könnten Sie mir die Rechnung noch einmal schicken? Ich kann sie nicht finden.",
    ),
    (
        "How do I say 'Where is the nearest pharmacy?' in French?",
        "Vous pouvez dire : « Où se trouve la pharmacie la plus proche ? »",
    ),
]
WORD_CONTROLS = [  # the answer is a word a form-filler would type, asked for on purpose
    ("What is the English word for the German 'Test'? One word, please.", "Test"),
    ("Which placeholder text do designers use for dummy copy? Name it in two words.", "Lorem ipsum"),
]


def _long_form(q: str) -> bool:
    """A request that wants a paragraph or more (QUAL009's shape)."""
    return q.split()[0].lower() in {"explain", "write", "describe", "draft"}


def plant_answers(train: Plan, build, src, rng: random.Random) -> None:
    """Answer-side defects on clean training rows (`src` picks one) and controls beside them."""
    for kind, checks, make in (
        ("placeholder-target", ("QUAL013",), lambda q, a: rng.choice(FILLER_TARGETS)),
        ("degenerate", ("QUAL003",), lambda q, a: a + " " + rng.choice(LOOPS) * 14),
        ("echo-target", ("QUAL008",), lambda q, a: q),
        ("damaged-text", ("FMT006",), lambda q, a: a.replace(" ", " \u200b", 2).replace(".", ".\ufffd", 1)),
    ):
        for _ in range(2):
            row, (q, a) = src()
            row["rec"] = build(q, make(q, a))
            row["kind"], row["checks"] = kind, list(checks)
    for remark in REMARKS[:2]:  # README: not where the request names a tone or asks for an edit itself
        row, (q, a) = src()
        while TONE_OR_EDIT.search(q):
            row, (q, a) = src()
        row["rec"] = build(q, remark + a)
        row["kind"], row["checks"] = "generator-remark", ["QUAL015"]
    # German and Spanish answers of two sentences, a German one of one sentence (the same in every shape)
    for text in (OTHER_LANGUAGE[1], OTHER_LANGUAGE[0], ONE_SENTENCE[1]):
        row, (q, a) = src()
        row["rec"] = build(q, text)
        row["kind"], row["checks"] = "cross-language-answer", ["QUAL014"]
    done = 0
    while done < 2:  # a long-form request answered in a word
        row, (q, a) = src()
        if _long_form(q):
            row["rec"] = build(q, TRIVIAL[done])
            row["kind"], row["checks"] = "trivial-target", ["QUAL009"]
            done += 1
    for q, a in SHORT_CONTROLS:
        train.add(build(q, a), "ctl-short-answer", ("QUAL009", "QUAL013", "QUAL007"), control=True)
    for q, a in TRANSLATE_CONTROLS:
        train.add(build(q, a), "ctl-translation", ("QUAL014", "COV002"), control=True)
    for q, a in WORD_CONTROLS:
        train.add(build(q, a), "ctl-word-answer", ("QUAL013", "QUAL008", "QUAL009"), control=True)


PLACEHOLDER_INPUTS = ["N/A", "No input", "<noinput>", "none", "-"]
URL_INPUTS = [
    (
        "Summarize the article below in three sentences.",
        "https://www.citynewsdaily.com/2024/03/14/council-approves-new-cycling-budget",
    ),
    ("Review this paper and list its main weaknesses.", "papers/attention_ablation_final_v2.pdf"),
    ("Translate the following document into French.", "https://docs.example.org/handbook/onboarding.html"),
]
URL_CONTROLS = [  # the task works on the link itself
    (
        "Extract the domain name from this URL.",
        "https://www.citynewsdaily.com/2024/03/14/council-approves-new-cycling-budget",
        "citynewsdaily.com",
    ),
    ("What is the file extension of this file name?", "papers/attention_ablation_final_v2.pdf", ".pdf"),
]
MERGED = [
    "\n\n### Instruction:\nName three primary colours.\n\n### Response:\nRed, yellow and blue.",
    "\n\n### Instruction:\nWrite a haiku about rain.\n\n### Input:\n\n\n### Response:\nSoft rain on the roof,"
    " the gutters hum a low song, the street smells of stone.",
    "\n\n2. Instruction: Convert 5 km to miles.\n2. Input: <noinput>\n2. Output: 5 km is about 3.1 miles.",
]
MERGED_CONTROL = (
    "Show me the prompt template Alpaca uses for a task with an input.",
    "Alpaca's template puts the task, its input and the answer under three headers:\n\n```\n"
    "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n{output}\n```\n\n"
    "The model learns to write the text after the last header.",
)


def plant_alpaca_inputs(train: Plan, src, rng: random.Random) -> None:
    """Alpaca's own input-field defects (QUAL010-QUAL012) and their controls."""
    for text in PLACEHOLDER_INPUTS[:3]:
        row, (q, a) = src()
        row["rec"] = {"instruction": q, "input": text, "output": a}
        row["kind"], row["checks"] = "placeholder-input", ["QUAL010"]
    for instruction, ref in URL_INPUTS:
        answer = "I summarised the main points: the proposal passed, funding starts next year."
        rec = {"instruction": instruction, "input": ref, "output": answer}
        train.add(rec, "url-only-input", ("QUAL011",))
    for instruction, ref, answer in URL_CONTROLS:
        train.add(
            {"instruction": instruction, "input": ref, "output": answer},
            "ctl-url-task",
            ("QUAL011", "QUAL006"),
            control=True,
        )
    for tail in MERGED:
        row, (q, a) = src()
        row["rec"] = {"instruction": q, "input": "", "output": a + tail}
        row["kind"], row["checks"] = "merged-records", ["QUAL012"]
    q, a = MERGED_CONTROL
    rec = {"instruction": q, "input": "", "output": a}
    train.add(rec, "ctl-template-answer", ("QUAL012", "QUAL002"), control=True)
    dash = {"instruction": "Compute the absolute value of the number.", "input": "-7", "output": "7"}
    train.add(dash, "ctl-signed-input", ("QUAL010",), control=True)


TOOL_SECRETS = [
    ("api_key", "sk-proj-" + "Q7rT2mXk9LpV4nWb8ZsY3cHd6FgJ1aEu5iOq0KxNvRt"),
    ("token", "ghp_" + "Zx8Kq2Lm7Wn4Rt9Vb3Yc6Hd1Fs5Gj0Pa2Ue7"),
    ("password", "Summer2024!Harbor"),
]


def secret_call(rec: dict, key: str, value: str) -> dict:
    """A tool-call record whose first call also passes a credential among its arguments."""
    out = json.loads(json.dumps(rec))
    for msg in out.get("messages", []):
        for call in msg.get("tool_calls") or []:
            args = json.loads(call["function"]["arguments"])
            args[key] = value
            call["function"]["arguments"] = json.dumps(args)
            return out
    raise ValueError("no tool call in the record")


ADDED_SENTENCES = [
    " I need this for a school project due on Friday.",
    " My manager asked me to sort this out before the weekend.",
    " Please keep it short, I am reading on my phone.",
]


def plant_contained(test: Plan, src) -> None:
    """Held-out copies of training rows whose request has a sentence added, same answer (LEAK006).

    The sentence goes into the copied record's last request, so the rest (a system prompt, an
    opening exchange) stays as the training row has it."""
    for extra in ADDED_SENTENCES:
        row, _ = src()
        rec = json.loads(json.dumps(row["rec"]))
        turns = rec.get("messages") or rec.get("conversations")
        if turns:
            last = [t for t in turns if t.get("role", t.get("from")) in ("user", "human")][-1]
            last["content" if "content" in last else "value"] += extra
        else:
            rec[next(k for k in ("instruction", "prompt", "question") if k in rec)] += extra
        test.add(rec, "contained-leak", ("LEAK006", "LEAK003"), [row["id"]])


OTHER_SYSTEM = (
    "You are Lex, a careful assistant for a law firm's clients. Never give legal advice; explain the "
    "process and point to a lawyer for anything that depends on the facts of a case."
)


def plant_turns(train: Plan, test: Plan, pairs, chat_record, rng: random.Random) -> None:
    """Turn-order defects in OpenAI chat rows (FMT012, FMT013) and held-out conversations under a
    system prompt train never uses (COV006)."""
    for q, a in pairs[:2]:  # the conversation ends on the user's turn
        rec = chat_record(q, a, rng)
        rec["messages"].append(
            {"role": "user", "content": "Thanks! One more thing, is that still true in winter?"}
        )
        train.add(rec, "ends-on-user", ("FMT012",))
    for q, a in pairs[2:4]:  # two user turns in a row
        rec = chat_record(q, a, rng)
        rec["messages"].insert(-1, {"role": "user", "content": "Sorry, also: please keep it short."})
        train.add(rec, "two-user-turns", ("FMT013",))
    for q, a in pairs[4:7]:
        rec = chat_record(q, a, rng)
        rec["messages"][0]["content"] = OTHER_SYSTEM
        test.add(rec, "unseen-system-prompt", ("COV006",))


ATTACHED = [  # a request about material the record does not hold (QUAL006)
    (
        "Describe what is happening in the attached photo.",
        "Two children are flying a red kite on a windy beach while a dog runs along beside them.",
    ),
    (
        "Summarise the chart I uploaded above in two sentences.",
        "Sales rose steadily from January to June and fell sharply in July. August recovered to the "
        "spring level.",
    ),
]
ATTACHED_CONTROLS = [  # attachments named, none needed
    (
        "Write a caption I could put under a photo of a sunset over the sea.",
        "Golden hour, calm water, and the last light of a long summer day.",
    ),
    (
        "How do I attach a PDF to an email in Gmail?",
        "Click the paperclip icon at the bottom of the compose window, choose the PDF and wait until it "
        "has uploaded before you press Send.",
    ),
]


def plant_raw(train: Plan, pairs, chat_record, tool_record, rng: random.Random) -> None:
    """Chat-file defects: attachments that are not there (QUAL006), a key given twice (FMT019), a
    blank line between records (FMT004) and a password in a tool's result (PII001)."""
    for q, a in ATTACHED:
        train.add(chat_record(q, a, rng), "invisible-context", ("QUAL006",))
    for q, a in ATTACHED_CONTROLS:
        train.add(chat_record(q, a, rng), "ctl-attachment-named", ("QUAL006", "QUAL011"), control=True)
    q, a = pairs[0]
    first = json.dumps(chat_record(q, a, rng)["messages"][:2])
    body = json.dumps(chat_record(*pairs[1], rng))[1:]
    train.add('{"messages": ' + first + ", " + body, "duplicate-key", ("FMT019",))
    train.add("", "blank-line", ("FMT004",))
    rec = tool_record(rng)
    result = rec["messages"][3]
    result["content"] = result["content"][:-1] + ', "db_password": "Vq8!rT2#mZp9Lx4w"}'
    train.add(rec, "tool-result-secret", ("PII001",))


MORE_SECRETS = [  # kinds the README names beyond the cloud keys of `plant.SECRETS`
    " My login is dana.w and my password is Harbor!Pine2024, in case you need it.",
    " The header is Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiI0MjEiLCJuYW1lIjoiRGFuYSJ9.kP3v9XwQm2ZtR8yL1cN6bH4sJ7dF0gA5eU2iO9qWxYz",
    " Our bot uses xoxb-" + "2841950372-6610384421-Zq8RtLm2PxV7nW4bK9sY3cHd",
    " Payments go through sk_live_" + "51HqT2mLkP9xV4nWb8ZsY3cHd6FgJ1aEu5iOq0Kx",
]
SECRET_CONTROLS = [  # long random-looking strings that are no secret, and passwords talked about
    "Why does my build fail after commit 3f9c2a7e1b4d8f6a0c5e9b2d7f1a4c8e6b0d3f5a? It worked before.",
    "What does the order id 7c9e6679-7425-40de-944b-e07fc1f90ae7 in my receipt mean?",
    "How long should a password be, and is Harbor2024 a good pattern to follow?",
]


def plant_secrets(train: Plan, build, src, rng: random.Random) -> None:
    """Secrets of the README's other kinds (a password in prose, a JWT, Slack and Stripe tokens) added
    to training requests (PII001), beside requests with hashes, ids and passwords talked about."""
    for extra in MORE_SECRETS:
        row, (q, a) = src()
        row["rec"] = build(q + extra, a)
        row["kind"], row["checks"] = "secret-kinds", ["PII001"]
    answer = "That string identifies one item; it is safe to share with support if they ask for it."
    for q in SECRET_CONTROLS:
        train.add(build(q, answer), "ctl-no-secret", ("PII001",), control=True)
