from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "firsthand.networks.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox network"
