from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "firsthand.insights"
    label = "insights"
    verbose_name = "Insights"
