from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "firsthand.practice"
    label = "practice"
    verbose_name = "Practice"
