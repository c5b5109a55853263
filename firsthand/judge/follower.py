"""Is a follower a bought or spam account? Judged from profile fields alone, in any language, verified or not.

Each sign adds evidence with a weight and a reason a person can check on the profile; the score is
a logistic of the evidence. The weights encode the well-known traits of bought followers: they follow
many and are followed by few, post nothing, keep the default picture, and are young when they follow.
"""

import math
from datetime import UTC, datetime

import regex

DIGITS_TAIL = regex.compile(r"\d{4,}$")
RANDOM_HANDLE = regex.compile(r"^[a-z]{2,}[0-9]{5,}|[bcdfghjklmnpqrstvwxz]{6,}", regex.IGNORECASE)
BIAS = -2.5


def _number(profile: dict, field: str):
    value = profile.get(field)
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)) or value < 0:
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


def judge_profile(profile: dict) -> dict:
    followers = _number(profile, "followers_count")
    following = _number(profile, "following_count")
    posts = _number(profile, "posts_count")
    created = _moment(profile, "created_at")
    observed = _moment(profile, "observed_at") or datetime.now(UTC)
    evidence: list[tuple[float, str]] = []

    if following is not None and followers is not None:
        if following >= 500 and followers * 20 < following:
            evidence.append((2.6, f"follows {following:,}, followed by {followers:,}"))
        elif following >= 100 and followers * 5 < following:
            evidence.append((1.4, f"follows {following:,}, followed by {followers:,}"))
        elif followers >= 3 * max(following, 1) and followers >= 50:
            evidence.append((-1.5, "followed by many more than it follows"))
    if posts is not None:
        if posts == 0:
            evidence.append((1.8, "no posts"))
        elif posts < 5:
            evidence.append((0.8, f"only {posts} posts"))
        elif posts >= 100:
            evidence.append((-1.2, f"{posts:,} posts"))
    if profile.get("has_default_avatar") is True:
        evidence.append((1.5, "default avatar"))
    elif profile.get("has_default_avatar") is False:
        evidence.append((-0.6, "own picture"))
    if profile.get("has_default_banner") is True:
        evidence.append((0.3, "default banner"))
    if not (profile.get("description") or "").strip():
        evidence.append((0.8, "empty description"))
    else:
        evidence.append((-0.5, "has a description"))
    if created is not None:
        age_days = (observed - created).total_seconds() / 86400
        if age_days < 7:
            evidence.append((1.8, "created the week it followed"))
        elif age_days < 30:
            evidence.append((0.9, "created less than a month before it was seen"))
        elif age_days > 730:
            evidence.append((-1.0, "more than two years old"))
    handle = (profile.get("handle") or "").lstrip("@").split("@")[0].split(".")[0]
    if DIGITS_TAIL.search(handle) or RANDOM_HANDLE.search(handle):
        evidence.append((1.0, "handle looks generated"))
    if profile.get("url") or profile.get("location"):
        evidence.append((-0.4, "has a link or place"))
    if (profile.get("likes_count") or 0) > 1000 and (posts or 0) == 0:
        evidence.append((0.8, "likes a lot, posts nothing"))

    total = BIAS + sum(weight for weight, _ in evidence)
    fake = 1 / (1 + math.exp(-total))
    label = "fake" if fake >= 0.5 else "real"
    toward = [(w, r) for w, r in evidence if (w > 0) == (label == "fake")]
    reasons = [reason for _, reason in sorted(toward, key=lambda item: -abs(item[0]))][:4]
    return {"label": label, "score": round(fake if label == "fake" else 1 - fake, 4), "reasons": reasons}
