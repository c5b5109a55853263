from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "firsthand.publishing"
    label = "publishing"
