"""Is a follower a bought or spam account? Judged from profile fields every network gives, in any language.

A logistic regression learned from hand-labelled Instagram followers (training/train.py; weights in
models/follower.json) over the signals that data holds and every network shows: how many the account
follows against how many follow it, how many it follows and is followed by, how much it has posted,
and whether it kept the default picture. Bought followers follow many, are followed by few, post
little and keep the default picture, on every network; that is what the weights learned.

A reason names only a signal that pushed this profile's score towards its label, in words a person
can check on the profile. Signals the labelled data does not hold (the account's age, its bio, its
handle's shape) are not scored: no weight was learned for them, so none is invented.
"""

import json
import math
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np

from firsthand.judge.linear import MODELS

FEATURES = ("follow_ratio", "following", "followers", "posts", "no_posts", "default_picture")


def _number(profile: dict, field: str):
    value = profile.get(field)
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)) or value < 0 or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"{field} must be a number of zero or more")
    return value


def _moment(profile: dict, field: str):
    value = profile.get(field)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{field} is not an ISO 8601 time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def signals(profile: dict) -> list[float]:
    """The learned model's inputs; a field the profile lacks reads as NaN (filled with the training mean)."""
    followers = _number(profile, "followers_count")
    following = _number(profile, "following_count")
    posts = _number(profile, "posts_count")
    picture = profile.get("has_default_avatar")
    nan = float("nan")
    return [
        math.log((following + 1) / (followers + 1)) if following is not None and followers is not None else nan,
        math.log1p(following) if following is not None else nan,
        math.log1p(followers) if followers is not None else nan,
        math.log1p(posts) if posts is not None else nan,
        float(posts == 0) if posts is not None else nan,
        float(picture) if isinstance(picture, bool) else nan,
    ]


def save(path, coef, intercept: float, platt, threshold: float, means) -> None:
    path.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "means": [round(float(m), 6) for m in means],
                "weights": [round(float(w), 6) for w in coef],
                "bias": round(float(intercept), 6),
                "platt": [round(float(x), 6) for x in platt],
                "threshold": threshold,
            },
            indent=2,
        )
        + "\n"
    )


@lru_cache(maxsize=1)
def model() -> dict:
    return json.loads((MODELS / "follower.json").read_text())


def judge_profile(profile: dict) -> dict:
    _moment(profile, "created_at")  # still checked: a wrong time is named, though age is not scored
    _moment(profile, "observed_at")
    x = np.array(signals(profile))
    fitted = model()
    weights = np.array(fitted["weights"])
    # The weights read each signal as its distance from the training mean, so a missing field adds
    # nothing either way.
    x = x - np.array(fitted["means"])
    missing = np.isnan(x)
    x[missing] = 0.0
    contributions = weights * x
    a, b = fitted["platt"]
    fake = 1 / (1 + math.exp(-(a * (float(contributions.sum()) + fitted["bias"]) + b)))
    label = "fake" if fake >= fitted["threshold"] else "real"
    sign = 1.0 if label == "fake" else -1.0
    pushed = sorted(
        (float(c) * sign, name) for c, name, gone in zip(contributions, FEATURES, missing, strict=True) if not gone
    )
    reasons = []
    for value, name in reversed(pushed):
        if value < 0.25:
            break
        reason = REASONS[name](profile, label == "fake")
        if reason and reason not in reasons:
            reasons.append(reason)
    return {"label": label, "score": round(fake if label == "fake" else 1 - fake, 4), "reasons": reasons[:4]}


def _ratio(profile, fake):
    following, followers = profile["following_count"], profile["followers_count"]
    if fake:
        return f"follows {following:,}, followed by {followers:,}"
    return f"followed by {followers:,}, follows {following:,}"


REASONS = {
    "follow_ratio": _ratio,
    "following": lambda p, fake: f"follows {p['following_count']:,} accounts" if fake else None,
    "followers": lambda p, fake: f"{p['followers_count']:,} followers" + (" only" if fake else ""),
    "posts": lambda p, fake: (
        (f"only {p['posts_count']:,} posts" if fake else f"{p['posts_count']:,} posts")
        if p["posts_count"]
        else "no posts"
    ),
    "no_posts": lambda p, fake: "no posts" if fake else "has posted",
    "default_picture": lambda p, fake: "default picture" if p["has_default_avatar"] else "own picture",
}
