from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "firsthand.team"
    label = "team"
    verbose_name = "Team"
