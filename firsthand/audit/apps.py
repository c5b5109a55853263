from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "firsthand.audit"
    label = "audit"
