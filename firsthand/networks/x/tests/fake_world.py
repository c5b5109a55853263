"""What the local X holds (people, posts, direct messages, likes, followers, uploaded media) and what tests
do in it; fake_server.py answers the HTTP requests about it, in the shapes docs.x.com documents."""

import time
from datetime import datetime, timedelta, timezone
from itertools import count


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class XWorld:
    def __init__(self):
        self.ids = count(1_800_000_000_000_000_000)
        self.users = {}  # id → {id, username, name, ...}
        self.tweets = {}  # id → {id, text, author_id, created_at, conversation_id, referenced_tweets}
        self.dms = []  # events, oldest first
        self.likes = set()
        self.media = {}  # media id → {size, alt_text}
        self.followers = {}  # user id → [follower ids]
        self.access = {}  # token → (user id, expires at)
        self.refresh_tokens = {}  # token → user id (single use)

    def new_user(self, username, name=None, **extra) -> str:
        user_id = str(next(self.ids))
        self.users[user_id] = {
            "id": user_id,
            "username": username,
            "name": name or username.title(),
            "created_at": iso(datetime.now(timezone.utc) - timedelta(days=400)),
            "description": "",
            "profile_image_url": "https://pbs.twimg.com/profile_images/1/photo_normal.jpg",
            "verified": False,
            "public_metrics": {"followers_count": 10, "following_count": 20, "tweet_count": 30, "listed_count": 0},
            **extra,
        }
        return user_id

    def user_id(self, username) -> str:
        return next(uid for uid, user in self.users.items() if user["username"] == username)

    def tweet(self, author, text, reply_to=None, quote=None) -> str:
        tweet_id = str(next(self.ids))
        refs = []
        if reply_to:
            refs.append({"type": "replied_to", "id": reply_to})
        if quote:
            refs.append({"type": "quoted", "id": quote})
        root = self.tweets[reply_to]["conversation_id"] if reply_to in self.tweets else tweet_id
        self.tweets[tweet_id] = {
            "id": tweet_id,
            "text": text,
            "author_id": self.user_id(author) if not author.isdigit() else author,
            "created_at": iso(datetime.now(timezone.utc)),
            "conversation_id": root,
            "edit_history_tweet_ids": [tweet_id],
            **({"referenced_tweets": refs} if refs else {}),
            "public_metrics": {"like_count": 0, "reply_count": 0, "retweet_count": 0, "quote_count": 0},
        }
        return tweet_id

    def message(self, sender, recipient, text) -> str:
        event_id = str(next(self.ids))
        a, b = self.user_id(sender), self.user_id(recipient)
        self.dms.append(
            {
                "id": event_id,
                "event_type": "MessageCreate",
                "text": text,
                "sender_id": a,
                "dm_conversation_id": "-".join(sorted([a, b])),
                "created_at": iso(datetime.now(timezone.utc)),
            }
        )
        return event_id

    def posts_by(self, username) -> list[dict]:
        uid = self.user_id(username)
        return [t for t in self.tweets.values() if t["author_id"] == uid]

    def expire_access_tokens(self):
        self.access = {token: (uid, time.time() - 1) for token, (uid, _) in self.access.items()}

    def revoke_everything(self):
        self.access.clear()
        self.refresh_tokens.clear()
