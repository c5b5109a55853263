"""Network name → connector class, imported only when first used.

Adding a network is one folder under networks/ and one line here.
"""

from django.utils.module_loading import import_string

CONNECTORS = {
    "sandbox": "firsthand.networks.sandbox.connector.SandboxConnector",
    "bluesky": "firsthand.networks.bluesky.connector.BlueskyConnector",
    "mastodon": "firsthand.networks.mastodon.connector.MastodonConnector",
    "x": "firsthand.networks.x.connector.XConnector",
    "facebook": "firsthand.networks.facebook.connector.FacebookConnector",
    "instagram": "firsthand.networks.instagram.connector.InstagramConnector",
    "linkedin": "firsthand.networks.linkedin.connector.LinkedInConnector",
    "youtube": "firsthand.networks.youtube.connector.YouTubeConnector",
    "threads": "firsthand.networks.threads.connector.ThreadsConnector",
    "pinterest": "firsthand.networks.pinterest.connector.PinterestConnector",
    "wordpress": "firsthand.networks.wordpress.connector.WordPressConnector",
    "ghost": "firsthand.networks.ghost.connector.GhostConnector",
}

# Networks whose connector has stream(): the inbox hears of new interactions as they happen.
STREAMS = {"mastodon"}

# Networks whose connector's list_followers() reads the account's followers (the follower audit).
# X lists followers only on its paid API tiers: on the free one it refuses, and the audit shows X's words.
FOLLOWER_LISTS = {"sandbox", "mastodon", "bluesky", "x"}
# Why the others cannot, in words for the team (the Followers page says it instead of an Audit button).
NO_FOLLOWER_LIST = {
    "instagram": "Instagram's API does not give a business account's list of followers.",
    "facebook": "Facebook's API does not give a Page's list of followers.",
    "threads": "Threads' API does not give an account's list of followers.",
    "linkedin": "LinkedIn's API gives an organisation's follower count, not who the followers are.",
    "youtube": "YouTube's API does not give a channel's list of subscribers.",
    "pinterest": "Pinterest's API does not give an account's list of followers.",
    "wordpress": "A WordPress site has readers, not followers firsthand can list.",
    "ghost": "Ghost's members are the site's subscribers, not followers firsthand audits.",
}

# Networks whose connector has post_metrics(): replies, likes, reposts (and clicks where given) per post, for
# Insights → Posts. What each gives: sandbox all five (simulated); Bluesky replies, likes, reposts, quotes
# (getPosts); Mastodon replies, favourites, boosts (Status entity); X replies, likes, retweets, quotes
# (public_metrics). Link clicks are given by none of these without a paid or analytics-scoped access.
POST_METRICS = {"sandbox", "bluesky", "mastodon", "x"}
NO_POST_METRICS = {
    "facebook": "Facebook gives a Page post's figures only through Page Insights, which firsthand does not ask "
    "access to yet; replies are counted from the inbox.",
    "instagram": "Instagram gives a post's figures only through Instagram Insights, which firsthand does not ask "
    "access to yet; comments are counted from the inbox.",
    "threads": "Threads gives a post's figures only through the threads_manage_insights permission, which "
    "firsthand does not ask for yet; replies are counted from the inbox.",
    "linkedin": "LinkedIn gives an organisation post's figures only to approved Community Management apps; "
    "comments are counted from the inbox.",
    "youtube": "YouTube does not publish posts through its API, so there are no posts to measure.",
    "pinterest": "Pinterest gives a Pin's figures only through its analytics scope, which firsthand does not ask "
    "for yet.",
    "wordpress": "WordPress counts no views or likes through its REST API; comments are counted from the inbox.",
    "ghost": "Ghost gives a post's figures only in Ghost Admin's own analytics, not through the Admin API.",
}

NETWORK_LABELS = {
    "sandbox": "Sandbox",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "threads": "Threads",
    "pinterest": "Pinterest",
    "wordpress": "WordPress",
    "ghost": "Ghost",
}

_instances = {}


def connector(network: str):
    if network not in CONNECTORS:
        raise KeyError(f"No connector for network {network!r}.")
    if network not in _instances:
        _instances[network] = import_string(CONNECTORS[network])()
    return _instances[network]


def limits(network: str):
    return connector(network).limits


def limits_for(account):
    """The limits for this account: some networks differ per server (a Mastodon server sets its own)."""
    found = connector(account.network)
    return found.limits_for(account) if hasattr(found, "limits_for") else found.limits


def network_choices():
    return [(name, NETWORK_LABELS[name]) for name in CONNECTORS]
