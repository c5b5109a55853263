from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "firsthand.networks"
    label = "networks"
    verbose_name = "Networks"
