from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "firsthand.notices"
    label = "notices"
