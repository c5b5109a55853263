"""Pretend customers for `firsthand serve --demo`: they write to the demo bakery at a steady pace.

So a new user sees the inbox move and can practise answering: questions, complaints, praise, a lead, a bit
of spam and, now and then, someone rude. Everything goes through the sandbox network, exactly as a real
network's messages would, and is read by the same worker.
"""

import logging
import random
import threading

from django.db import close_old_connections

logger = logging.getLogger("firsthand.demo")

BRAND = "harbour-bakery"
CUSTOMERS = ["jess-m", "tom-h", "ana-r", "leith-local", "priya-k", "sam-o", "marta-b", "dev-n", "holly-w", "chen-l"]
MESSAGES = [
    ("mention", "Do you have anything vegan this weekend?"),
    ("mention", "What time do you close on Saturdays?"),
    ("reply", "Is this one gluten-free?"),
    ("reply", "Can I pre-order two of these for Friday?"),
    ("message", "Hi! Could you do a cake for 30 people next month? It's for our office party."),
    ("message", "I was charged twice for my order this morning. Can you check?"),
    ("mention", "Waited 25 minutes for a coffee today and nobody said sorry. Not good enough."),
    ("reply", "The bread I bought yesterday was already stale. Disappointed."),
    ("mention", "Best almond croissant in the city, no contest. Thank you!"),
    ("reply", "Looks amazing! Saving this for the weekend."),
    ("mention", "The staff were so kind to my mum today. Thank you, really."),
    ("message", "Do you deliver to Portobello? Would love a weekly order for our café."),
    ("mention", "Earn $500 a day from home!!! Click my profile for the secret"),
    ("reply", "This place is a joke and the owner is an idiot"),
    ("mention", "Are you hiring for the summer?"),
    ("reply", "Where do you get your flour from?"),
]


def write_one(chance: random.Random) -> bool:
    """One customer writes one message to the demo brand account; False when there is no demo."""
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxPost

    brand = SandboxAccount.objects.filter(handle=BRAND).first()
    if brand is None:
        return False
    kind, text = chance.choice(MESSAGES)
    post = None
    if kind == "reply":
        post = SandboxPost.objects.filter(account=brand, deleted_at=None, direct_to="").order_by("-pk").first()
        kind = "reply" if post else "mention"
    handle = chance.choice(CUSTOMERS)
    if kind == "mention":
        text = f"@{BRAND} {text}"
    SandboxEvent.objects.create(
        account=brand,
        kind=kind,
        author_handle=handle,
        author_name=handle.split("-")[0].title(),
        text=text,
        post=post,
    )
    return True


class DemoCustomers:
    """A thread that writes one message every `seconds` (with some jitter) until stopped."""

    def __init__(self, seconds: float = 45, seed: int | None = None):
        self.seconds = seconds
        self.chance = random.Random(seed)  # nosec B311 # picks the demo customers' next message, not a secret
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="firsthand-demo-customers", daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        while not self.stopped.wait(self.seconds * self.chance.uniform(0.5, 1.5)):
            try:
                close_old_connections()
                write_one(self.chance)
            except Exception:
                logger.exception("a demo customer could not write; trying again later")

    def stop(self):
        self.stopped.set()
        if self.thread.ident is not None:
            self.thread.join(timeout=5)
