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


def judge_profiles(profiles: list) -> list[dict]:
    """judge_profile() for a list, the arithmetic done once for all of them in numpy: the same labels
    and reasons, about twice as fast (a follower audit judges a page at a time; the benchmark a million)."""
    results: list = [None] * len(profiles)
    counts, pictures, rows, places = [], [], {}, []
    checked_moments = set()  # every profile of a page has the same observed_at: parsed once
    for n, profile in enumerate(profiles):
        if not isinstance(profile, dict):
            results[n] = {"error": "needs an object"}
            continue
        try:
            for field in ("created_at", "observed_at"):
                value = profile.get(field)
                if value not in checked_moments:
                    _moment(profile, field)
                    if isinstance(value, str):
                        checked_moments.add(value)
            followers, following, posts = (
                profile.get("followers_count"), profile.get("following_count"), profile.get("posts_count")
            )  # fmt: skip
            if type(followers) is int and type(following) is int and type(posts) is int:  # the usual case
                if followers < 0 or following < 0 or posts < 0:
                    signals(profile)  # raises, naming the field
                picture = profile.get("has_default_avatar")
                counts.append((followers, following, posts))
                pictures.append(float(picture) if isinstance(picture, bool) else math.nan)
            else:
                rows[len(places)] = signals(profile)
                counts.append((0, 0, 0))
                pictures.append(0.0)
        except ValueError as error:
            results[n] = {"error": str(error)}
            continue
        places.append(n)
    if not places:
        return results
    c = np.array(counts, dtype=float)
    followers, following, posts = c[:, 0], c[:, 1], c[:, 2]
    x = np.column_stack(
        [
            np.log((following + 1) / (followers + 1)),
            np.log1p(following),
            np.log1p(followers),
            np.log1p(posts),
            (posts == 0).astype(float),
            np.array(pictures),
        ]
    )
    for row, values in rows.items():  # profiles with a count missing or a float: as signals() reads them
        x[row] = values
    fitted = model()
    x = x - np.array(fitted["means"])
    missing = np.isnan(x)
    x[missing] = 0.0
    contributions = x * np.array(fitted["weights"])
    a, b = fitted["platt"]
    fake = 1 / (1 + np.exp(-(a * (contributions.sum(axis=1) + fitted["bias"]) + b)))
    is_fake = fake >= fitted["threshold"]
    # Pushed towards the label: positive contributions for a fake, negative ones for a real profile.
    pushed = np.where(is_fake[:, None], contributions, -contributions)
    pushed[missing] = -np.inf
    strong = pushed >= 0.25
    order = np.argsort(-pushed, axis=1, kind="stable")
    scores = [round(score, 4) for score in np.where(is_fake, fake, 1 - fake).tolist()]
    # Plain lists from here: reading numpy scalars one by one costs more than the arithmetic above.
    any_strong = strong.any(axis=1).tolist()
    is_fake = is_fake.tolist()
    for row, n in enumerate(places):
        label_fake = is_fake[row]
        reasons = []
        if any_strong[row]:
            profile, row_strong = profiles[n], strong[row].tolist()
            for column in order[row].tolist():
                if not row_strong[column]:
                    break
                reason = REASONS[FEATURES[column]](profile, label_fake)
                if reason and reason not in reasons:
                    reasons.append(reason)
        results[n] = {"label": "fake" if label_fake else "real", "score": scores[row], "reasons": reasons[:4]}
    return results
