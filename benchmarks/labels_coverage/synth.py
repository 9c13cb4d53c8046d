"""Seeded synthetic classification data for the LBL/COV benchmark and case fixtures.

Customer-support tickets of a bike-and-camping shop, routed to a queue. Every class has its own
complaint templates with slots (product, amount, date, order number) and shared openers and
closers, so the task is learnable from the text but not by one keyword. Planted defects are
returned with their positions so that precision and recall can be measured.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PRODUCTS = [
    "rain jacket",
    "two-person tent",
    "sleeping bag",
    "trail shoes",
    "bike helmet",
    "camping stove",
    "headlamp",
    "water filter",
    "trekking poles",
    "down vest",
    "backpack",
    "kayak paddle",
    "bike lock",
    "hydration pack",
    "folding chair",
    "climbing harness",
    "ski goggles",
    "cargo trailer",
]
OPENERS = [
    "Hi,",
    "Hello,",
    "Good morning,",
    "Dear support,",
    "Hey there,",
    "To whom it may concern,",
    "",
    "",
    "Hi team,",
    "Good afternoon,",
]
CLOSERS = [
    "Thanks.",
    "Thank you in advance.",
    "Please help.",
    "Looking forward to your reply.",
    "",
    "",
    "Cheers.",
    "Regards.",
    "Can you sort this out?",
    "I appreciate your help.",
]

CLASSES: dict[str, list[str]] = {
    "billing": [
        "I was charged twice for order {order}, once on the {day} and again the next day.",
        "My card statement shows ${amount} but the invoice for the {product} says less.",
        "The discount code was not applied at checkout, so I paid full price for the {product}.",
        "Why is there a ${amount} fee on my invoice? Nobody mentioned a service charge.",
        "I need a corrected invoice with my company VAT number for order {order}.",
        "You billed my old credit card even though I updated the payment method last week.",
        "The price dropped two days after I bought the {product}; can you refund the difference?",
        "My gift card balance was deducted but the payment still failed.",
    ],
    "shipping": [
        "My {product} has not arrived yet and the tracking number shows no update since the {day}.",
        "The courier marked order {order} as delivered, but there was no parcel at my door.",
        "Can I change the delivery address for order {order}? I am moving this week.",
        "The parcel with my {product} is stuck at the customs depot for ten days now.",
        "I paid for express delivery but the {product} is coming by standard post.",
        "The tracking link for order {order} gives an error page.",
        "Only half of my order arrived; the {product} was missing from the box.",
        "When will the {product} ship? The website said it would leave the warehouse in two days.",
    ],
    "technical": [
        "The {product} app will not pair over Bluetooth after the latest firmware update.",
        "The battery of my {product} drains overnight even when it is switched off.",
        "The website crashes every time I open the size guide for the {product}.",
        "The display on my bike computer freezes after about twenty minutes of riding.",
        "The heating element of the {product} stopped working after the second use.",
        "I cannot download the assembly manual for the {product}; the PDF link is broken.",
        "The GPS tracker loses signal in the forest and the map never reloads.",
        "The charging port on my {product} is loose and the light keeps flickering.",
    ],
    "account": [
        "I cannot log in to my account; the password reset email never arrives.",
        "Please delete my account and all personal data you hold about me.",
        "Someone changed the email address on my account without my permission.",
        "My loyalty points from order {order} were never added to my profile.",
        "I want to merge my two customer accounts into one.",
        "The two-factor code is sent to a phone number I no longer have.",
        "How do I unsubscribe from the newsletter? The link in the email does nothing.",
        "My membership renewal shows as expired although I renewed on the {day}.",
    ],
    "returns": [
        "I would like to return the {product}; it is too small and I have the receipt.",
        "The {product} arrived with a torn seam and I want to send it back for a replacement.",
        "How long does the refund take after you receive my returned {product}?",
        "I sent back order {order} three weeks ago and have not received my refund.",
        "Can I exchange the {product} for a larger size instead of a refund?",
        "The return label you emailed has expired before I could post the parcel.",
        "Your store refused my return of the {product} even though it is within thirty days.",
        "I want to return an unopened {product} that was a gift.",
    ],
}
AMBIGUOUS: list[tuple[str, tuple[str, str]]] = [
    ("I returned the {product} but the refund on my card is less than what I paid.", ("billing", "returns")),
    (
        "I was charged for express shipping on order {order} and it still has not arrived.",
        ("billing", "shipping"),
    ),
    (
        "The tracking page says order {order} was delivered but my account shows it as pending.",
        ("shipping", "account"),
    ),
    (
        "The {product} stopped working after the firmware update, so I want to send it back.",
        ("technical", "returns"),
    ),
    (
        "The payment page crashes every time I try to pay the invoice for the {product}.",
        ("technical", "billing"),
    ),
    ("I cannot log in to the app to start the return of the {product}.", ("account", "returns")),
    ("The {product} I exchanged was shipped to my old address.", ("returns", "shipping")),
    ("My saved card disappeared from my profile and now checkout fails.", ("account", "billing")),
]
"""Tickets two queues could own: the label is a coin toss between them, as in real triage data."""
RARE_CLASS = {
    "warranty": [
        "Is the cracked frame of my bike covered by the warranty? It cracked after eight months.",
        "The zip of the {product} broke; is that covered by the warranty?",
        "Does the warranty cover the bent pole of my {product}? I need a warranty claim form.",
    ]
}
FOREIGN: dict[str, list[str]] = {
    "es": [
        "Mi pedido {order} todavía no ha llegado y el seguimiento no cambia desde hace una semana. "
        "¿Pueden decirme dónde está el paquete?",
        "Me cobraron dos veces por la misma compra. Necesito que me devuelvan el dinero lo antes posible.",
        "Quiero devolver la mochila porque es demasiado pequeña. ¿Cómo consigo la etiqueta de envío?",
    ],
    "fr": [
        "Ma commande {order} n'est toujours pas arrivée et le suivi ne bouge plus. "
        "Pouvez-vous me dire où se trouve le colis ?",
        "J'ai été débité deux fois pour le même achat. Merci de me rembourser rapidement.",
        "Je voudrais retourner la tente car elle est abîmée. Comment obtenir une étiquette de retour ?",
    ],
    "de": [
        "Meine Bestellung {order} ist immer noch nicht angekommen und die Sendungsverfolgung zeigt "
        "nichts Neues. Können Sie mir sagen, wo das Paket ist?",
        "Mir wurde derselbe Einkauf zweimal berechnet. Bitte erstatten Sie mir den Betrag schnell.",
        "Ich möchte den Schlafsack zurückgeben, weil er beschädigt ist. "
        "Wie bekomme ich ein Rücksendeetikett?",
    ],
}
FOREIGN_LABEL = {0: "shipping", 1: "billing", 2: "returns"}


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        product=rng.choice(PRODUCTS),
        amount=f"{rng.randint(5, 400)}.{rng.randint(0, 99):02d}",
        order=f"BC-{rng.randint(100000, 999999)}",
        day=f"{rng.randint(1, 28)}th",
    )


def ticket(label: str, rng: random.Random, templates: dict[str, list[str]] | None = None) -> str:
    """One ticket text of a class: opener, one or two complaint sentences, closer."""
    pool = (templates or CLASSES)[label]
    body = _fill(rng.choice(pool), rng)
    if rng.random() < 0.3:
        body += " " + _fill(rng.choice(pool), rng)
    parts = [rng.choice(OPENERS), body, rng.choice(CLOSERS)]
    return " ".join(p for p in parts if p)


@dataclass
class Planted:
    """Rows (0-based) of each planted defect."""

    flips: list[int] = field(default_factory=list)
    foreign: list[int] = field(default_factory=list)
    rare: list[int] = field(default_factory=list)


def classification(
    n: int,
    seed: int = 0,
    flip_rate: float = 0.0,
    foreign_rate: float = 0.0,
    rare: int = 0,
    ambiguous_rate: float = 0.1,
) -> tuple[list[dict], Planted]:
    """`n` text/label records; `ambiguous_rate` of them are tickets two queues could own (label
    drawn between the two, so the task is not trivially separable), `flip_rate` get a wrong
    label, `foreign_rate` are written in Spanish, French or German (two sentences), `rare` belong
    to a rare extra class.
    """
    rng = random.Random(seed)
    labels = sorted(CLASSES)
    records: list[dict] = []
    planted = Planted()
    for i in range(n):
        label = labels[i % len(labels)] if i < len(labels) else rng.choice(labels)
        if i >= len(labels) and rng.random() < ambiguous_rate:
            template, owners = rng.choice(AMBIGUOUS)
            parts = [rng.choice(OPENERS), _fill(template, rng), rng.choice(CLOSERS)]
            records.append({"text": " ".join(p for p in parts if p), "label": rng.choice(owners)})
            continue
        records.append({"text": ticket(label, rng), "label": label})
    positions = list(range(len(labels), n))
    rng.shuffle(positions)
    k_flip, k_foreign = round(n * flip_rate), round(n * foreign_rate)
    for i in sorted(positions[:k_flip]):
        true = records[i]["label"]
        records[i]["label"] = rng.choice([lab for lab in labels if lab != true])
        planted.flips.append(i)
    for i in sorted(positions[k_flip : k_flip + k_foreign]):
        lang = rng.choice(sorted(FOREIGN))
        which = rng.randrange(3)
        records[i] = {"text": _fill(FOREIGN[lang][which], rng), "label": FOREIGN_LABEL[which]}
        planted.foreign.append(i)
    for i in sorted(positions[k_flip + k_foreign : k_flip + k_foreign + rare]):
        records[i] = {"text": ticket("warranty", rng, RARE_CLASS), "label": "warranty"}
        planted.rare.append(i)
    return records, planted
