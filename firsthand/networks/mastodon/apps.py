from django.apps import AppConfig


class MastodonConfig(AppConfig):
    name = "firsthand.networks.mastodon"
    label = "mastodon"
    verbose_name = "Mastodon"
