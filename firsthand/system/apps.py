from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "firsthand.system"
    label = "system"
