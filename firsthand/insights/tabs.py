"""The Insights pages, in the order their tabs show. A page adds itself here and to urls.py."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str


TABS = [
    Tab("overview", "Overview", "insights:overview"),
    Tab("conversations", "Conversations", "insights:conversations"),
    Tab("posts", "Posts", "insights:posts"),
    Tab("followers", "Followers", "insights:followers"),
    Tab("settings", "Settings", "insights:settings"),
]
