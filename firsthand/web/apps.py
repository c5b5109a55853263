from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "firsthand.web"
    label = "web"
