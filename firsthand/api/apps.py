from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "firsthand.api"
    label = "api"
    verbose_name = "API"
