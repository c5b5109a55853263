from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "firsthand.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
