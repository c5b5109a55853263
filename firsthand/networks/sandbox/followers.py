"""The sandbox's followers: made up on demand, the same every time, from the account's id.

A sandbox account has `followers_total` followers, of which about `bought_share` look bought: they follow
thousands, are followed by a handful, have hardly posted and kept the default picture, as bought followers
do on every network. Nothing is stored, so an account with 100,000 followers costs no table rows, and a
page read twice (an audit resumed after a crash) gives the same profiles.
"""

import random
from datetime import UTC, datetime, timedelta

from firsthand.networks.base import FollowerPage, NetworkError

PAGE_SIZE = 200  # Mastodon gives 80 a page, Bluesky 100, X 1,000
FIRST_NAMES = ("ana", "ben", "chloe", "dev", "ela", "finn", "greta", "hugo", "ines", "jon", "kai", "lena", "milo")
BOUGHT_WORDS = ("promo", "follow", "likes", "best", "top", "daily", "win", "crypto", "deal")


def follower(account_pk: int, n: int, bought_share: float, observed: datetime) -> dict:
    """The n-th follower of the account, in firsthand's network-neutral follower form."""
    rng = random.Random(account_pk * 1_000_003 + n)  # nosec B311 # made-up profiles, not a secret
    bought = rng.random() < bought_share
    if bought:
        handle = f"{rng.choice(BOUGHT_WORDS)}_{rng.randrange(10**6, 10**7)}"
        counts = (rng.randrange(0, 40), rng.randrange(1500, 7500), rng.randrange(0, 3), rng.random() < 0.9)
        age = rng.randrange(5, 120)
    else:
        handle = f"{rng.choice(FIRST_NAMES)}{rng.choice(FIRST_NAMES)}{n}"
        counts = (rng.randrange(40, 3000), rng.randrange(60, 900), rng.randrange(15, 2500), rng.random() < 0.05)
        age = rng.randrange(200, 4000)
    followers, following, posts, default_picture = counts
    return {
        "id": f"{account_pk}-{n}",
        "handle": handle,
        "display_name": handle.replace("_", " ").title(),
        "followers_count": followers,
        "following_count": following,
        "posts_count": posts,
        "has_default_avatar": default_picture,
        "created_at": (observed - timedelta(days=age)).isoformat(),
        "observed_at": observed.isoformat(),
        "url": f"/sandbox/followers/{account_pk}-{n}",
    }


def follower_page(remote, cursor: str) -> FollowerPage:
    try:
        start = int(cursor or 0)
    except ValueError:
        raise NetworkError(f"The sandbox does not know the cursor {cursor[:40]!r}.", transient=False) from None
    end = min(start + PAGE_SIZE, remote.followers_total)
    observed = datetime.now(UTC).replace(microsecond=0)
    profiles = [follower(remote.pk, n, remote.bought_share, observed) for n in range(start, end)]
    return FollowerPage(profiles=profiles, cursor=str(end) if end < remote.followers_total else "")
