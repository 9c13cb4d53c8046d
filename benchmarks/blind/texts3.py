"""Slot templates for the blind benchmark's NLI pairs and Dolly passages (session 40), seeded by the caller.

An NLI premise describes a scene (who, what they do, where, when); its hypotheses are written as an
SNLI annotator would: one that follows (a general word for the activity, the setting), one that
cannot be true (another activity, nobody there) and one that may or may not be (a reason added).
"""

from __future__ import annotations

import random

# (premise subject, the subject a hypothesis names, plural)
SUBJECTS = [
    ("A young woman", "The woman", False),
    ("An old man", "The man", False),
    ("Two children", "The children", True),
    ("A teenage boy", "The boy", False),
    ("A little girl", "The girl", False),
    ("A group of friends", "The friends", True),
    ("A chef", "The chef", False),
    ("A cyclist", "The cyclist", False),
    ("A street musician", "The musician", False),
    ("Three workers", "The workers", True),
    ("A mother and her son", "A mother and son", True),
    ("An elderly couple", "The couple", True),
    ("A tourist", "The tourist", False),
    ("A nurse", "The nurse", False),
]
WEARING = [
    "",
    " in a red jacket",
    " wearing a blue hat",
    " with a backpack",
    " in a yellow raincoat",
    " wearing sunglasses",
    " in a striped shirt",
    " with headphones on",
]
# (what they do, a general word for it, something they cannot be doing at the same time)
ACTIVITIES = [
    ("riding bicycles", "on bikes", "sleeping in bed"),
    ("playing the guitar", "making music", "sitting in total silence"),
    ("reading a newspaper", "reading something", "watching a film in a cinema"),
    ("eating sandwiches", "having a meal", "swimming in a pool"),
    ("painting a wall", "working on something", "driving a bus"),
    ("feeding pigeons", "near some birds", "asleep on a sofa"),
    ("carrying boxes", "holding something", "lying on the ground"),
    ("taking photographs", "using a camera", "washing dishes at home"),
    ("selling flowers", "working", "skiing down a mountain"),
    ("dancing to music", "moving", "sitting perfectly still"),
    ("waiting in line", "standing", "running a marathon"),
    ("walking a dog", "with an animal", "flying a plane"),
    ("fixing a bicycle tyre", "repairing something", "cooking dinner"),
    ("playing chess", "playing a game", "climbing a tree"),
    ("drinking coffee", "having a drink", "taking a shower"),
]
# (where, outdoors?)
PLACES = [
    ("in a park", True),
    ("on a busy street", True),
    ("in a small kitchen", False),
    ("at the beach", True),
    ("in a train station", False),
    ("beside a river", True),
    ("in a crowded market", True),
    ("on a rooftop", True),
    ("in a library", False),
    ("at a bus stop", True),
    ("in a hospital corridor", False),
    ("in a school gym", False),
]
TIMES = ["", " at dusk", " in the rain", " on a sunny morning", " late at night", " in the snow"]
REASONS = [
    "for a charity event",
    "before a job interview",
    "to win a bet",
    "for the first time",
    "while waiting for a friend",
    "to celebrate a birthday",
    "after a long day at work",
    "for a school project",
]
NLI_LABELS = ["entailment", "neutral", "contradiction"]


def nli_scene(r: random.Random) -> tuple[tuple[str, str, str], str, dict[str, list[str]]]:
    """A scene's key (who, what, where), its premise and, per label, the hypotheses an annotator may
    write for it (a record takes the first of each; `setting` holds where it is and where it is
    not, one word apart, which annotators write as an entailment or a contradiction)."""
    subj, who, plural = r.choice(SUBJECTS)
    act, general, cannot = r.choice(ACTIVITIES)
    place, outdoors = r.choice(PLACES)
    is_ = "are" if plural else "is"
    premise = f"{subj}{r.choice(WEARING)} {is_} {act} {place}{r.choice(TIMES)}."
    inside, outside = (f"{who} {is_} {w}." for w in ("indoors", "outdoors"))
    setting = [outside, inside] if outdoors else [inside, outside]
    follows = [setting[0], f"{who} {is_} {general}."]
    contra = [setting[1], f"Nobody is {act}.", f"{who} {is_} {cannot}."]
    r.shuffle(follows)
    r.shuffle(contra)
    reasons = r.sample(REASONS, 2)
    return (
        (subj, act, place),
        premise,
        {
            "entailment": follows,
            "neutral": [f"{who} {is_} {act} {why}." for why in reasons],
            "contradiction": contra,
            "setting": setting,
        },
    )


NLI_FOREIGN = [  # pairs from another language's NLI set merged in (XNLI-style)
    ("Eine junge Frau fährt mit dem Fahrrad durch einen Park.", "Eine Frau ist draußen.", "entailment"),
    ("Dos niños juegan al ajedrez en una biblioteca.", "Los niños están durmiendo.", "contradiction"),
    ("Un vieil homme lit le journal à un arrêt de bus.", "L'homme attend son petit-fils.", "neutral"),
]
QUOTED = [  # a sign or a shout quoted in the premise: a TSV written without quoting keeps the marks raw
    (
        'A shop sign reads "Closed for lunch" while a man waits at the door.',
        "A man is waiting.",
        "entailment",
    ),
    ('"Stop!" shouts a woman as a bus pulls away from the curb.', "The woman is silent.", "contradiction"),
    ('A boy holds a placard saying "Save the bees" at a market.', "The boy cares about bees.", "neutral"),
]

# passages for Dolly's closed tasks: (passage, the question asked of it, its answer)
PASSAGES = [
    (
        "The Harbor & Pine store in Porto opened in 2011 in a former fish market. It sells kitchen tools, "
        "outdoor furniture and travel gear, and it employs 42 people across two floors.",
        "How many people work at the Porto store?",
        "The Porto store employs 42 people.",
    ),
    (
        "Snake plants tolerate low light and need water only every two to three weeks. Overwatering is "
        "the most common cause of their death, because their roots rot in wet soil.",
        "What usually kills a snake plant?",
        "Overwatering usually kills a snake plant, since its roots rot in wet soil.",
    ),
    (
        "The Tallinn tram network has five lines and runs from 5:30 in the morning until midnight. A "
        "single ticket costs two euros and is valid for one hour on every line.",
        "How long is a single tram ticket in Tallinn valid?",
        "A single ticket is valid for one hour on every line.",
    ),
    (
        "Braising cooks meat slowly in a little liquid in a covered pot at 140 to 170 degrees Celsius. "
        "Tough cuts such as beef brisket or pork shoulder become tender after three to four hours.",
        "At what temperature is meat braised?",
        "Meat is braised at 140 to 170 degrees Celsius.",
    ),
    (
        "Osaka's Kuromon market has about 150 stalls selling fish, fruit and street food. Most stalls "
        "open at nine and close around six, and many of them close on Wednesdays.",
        "On which day do many Kuromon stalls close?",
        "Many Kuromon stalls close on Wednesdays.",
    ),
    (
        "The AF200 air fryer holds 4.5 litres and reaches 200 degrees Celsius. Its basket is dishwasher "
        "safe, and the timer switches the fan off after at most sixty minutes.",
        "What is the largest temperature the AF200 reaches?",
        "The AF200 reaches 200 degrees Celsius.",
    ),
]
