"""Helpers for the practice tests: good answers to every shipped scenario, written as a trainee would."""

GOOD = {
    "opening-hours": "Hi! Yes, we're open on Saturday from 9 until 17, closed on Sunday. See you then!",
    "late-order": "I'm so sorry, that's not good enough. Your parcel is stuck at the courier's depot; "
    "I'll resend it today by express and you'll have it tomorrow.",
    "angry-pile-on": "I'm really sorry, that's not how we want anyone treated. I'll look into it with the team "
    "today; could you send us a direct message so we can talk?",
    "troll": "Sorry you feel that way. Our door is open if you'd like to try us.",
    "praise": "Thank you so much! So glad the cinnamon buns were a hit at work 😊",
    "owner-only-wedding": "Congratulations on the wedding! I'll check with the owner about a price for 200 pieces "
    "and get back to you tomorrow.",
    "private-in-public": "I'm sorry about the double charge! Please don't post your details here; I've sent you a "
    "direct message so we can sort it out privately.",
    "personal-draft": "The new sourdough is out today! Come and try it while it's warm.",
    "crisis-recall": "We understand the worry. We are checking with our supplier which batch we used and will post "
    "an update within the hour.",
    "allergy-question": "Our brownies are made without nuts, but in a kitchen that also uses nuts, so they may "
    "contain traces.",
    "wrong-item": "I'm so sorry, that's our mistake! We'll bring the lemon cake to you before 7 tonight.",
    "delivery-area": "Yes! We deliver within 10 km, and further for orders over 50 euros.",
}
MOVES = {
    "owner-only-wedding": ["ask_owner"],
    "private-in-public": ["move_private"],
    "crisis-recall": ["pause_publishing"],
}


def points(message) -> dict:
    """key → ok, for one coached answer (the last of a key wins; `answered` appears once per need)."""
    return {p["key"]: p["ok"] for p in message.coaching["points"]}


def failed(message) -> set:
    return {p["key"] for p in message.coaching["points"] if p["ok"] is False}
