"""Each network's documented posting limits, in one place; each network's connector uses its entry.

References: X, developer.x.com "Counting characters" and twitter-text's config/v3.json; Bluesky, the
app.bsky.feed.post lexicon (text maxGraphemes 300, maxLength 3000 bytes) and app.bsky.embed.images
(4 images of at most 1,000,000 bytes); Mastodon, POST /api/v1/statuses (500 characters by default, 4
images); LinkedIn, the Posts API commentary (3,000 characters); Facebook, a Page post (63,206 characters);
Instagram, the Content Publishing API (caption 2,200 characters, media required); Threads, the Threads API
(500 characters); WordPress and Ghost, blog posts (no length limit that matters to a post: 100,000 characters
is firsthand's own cap; a Ghost title 255; images as the site's upload limit allows, commonly 8 MB in PHP's and
Ghost's defaults); Pinterest, API v5 pins (description 500 characters, title 100, an image required, up to 5
in a carousel); YouTube, comments (10,000 characters; nothing published).
"""

from firsthand.networks.base import NetworkLimits

MB = 1024 * 1024

LIMITS = {
    "x": NetworkLimits(label="X", max_length=280, counting="x_weighted", max_images=4, max_image_bytes=5 * MB),
    "bluesky": NetworkLimits(
        label="Bluesky", max_length=300, counting="bluesky", max_images=4, max_image_bytes=1_000_000
    ),
    "mastodon": NetworkLimits(
        label="Mastodon", max_length=500, counting="mastodon", max_images=4, max_image_bytes=16 * MB
    ),
    "linkedin": NetworkLimits(
        label="LinkedIn", max_length=3000, counting="graphemes", max_images=9, max_image_bytes=10 * MB
    ),
    "facebook": NetworkLimits(
        label="Facebook", max_length=63206, counting="graphemes", max_images=10, max_image_bytes=10 * MB
    ),
    "instagram": NetworkLimits(
        label="Instagram",
        max_length=2200,
        counting="graphemes",
        requires_media=True,
        max_images=10,
        image_types=("image/jpeg",),
        max_image_bytes=8 * MB,
    ),
    "pinterest": NetworkLimits(
        label="Pinterest",
        max_length=500,
        counting="graphemes",
        requires_media=True,
        max_images=5,
        supports_threads=False,
        max_image_bytes=20 * MB,
    ),
    "youtube": NetworkLimits(
        label="YouTube",
        max_length=10000,
        counting="graphemes",
        max_images=0,
        supports_threads=False,
        publishes=False,
        can_look_up_by_key=False,
    ),
    "threads": NetworkLimits(
        label="Threads", max_length=500, counting="graphemes", max_images=10, max_image_bytes=8 * MB
    ),
    # Blogs: one post, no threads; the first line is the title (networks/blog.py).
    "wordpress": NetworkLimits(
        label="WordPress",
        max_length=100_000,
        titled=True,
        counting="graphemes",
        max_images=10,
        supports_threads=False,
        max_image_bytes=8 * MB,
    ),
    "ghost": NetworkLimits(
        label="Ghost",
        max_length=100_000,
        titled=True,
        max_title=255,
        counting="graphemes",
        max_images=10,
        supports_threads=False,
        max_image_bytes=8 * MB,
    ),
}
