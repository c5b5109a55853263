from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "firsthand.inbox"
    label = "inbox"
