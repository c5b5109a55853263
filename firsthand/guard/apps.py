from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "firsthand.guard"
    label = "guard"
