"""Practice keeps to its own tables: a run's messages never become inbox interactions or Insights figures."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.practice.states import RunState, check_move


class CustomScenario(models.Model):
    """A scenario the business wrote itself, kept as the same YAML a scenario file holds."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="practice_scenarios")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=120)
    source = models.TextField()  # YAML of one scenario, validated by practice.schema before it is saved
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="practice_one_scenario_per_key")]


class HouseRules(models.Model):
    """How the business wants its people to answer, written by the owner; coaching holds answers to it."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="house_rules")
    use_words = models.TextField("Words to use", blank=True, help_text="One per line, e.g. the customer's name.")
    avoid_words = models.TextField("Words to avoid", blank=True, help_text="One per line, e.g. “unfortunately”.")
    sign_off = models.CharField(max_length=60, blank=True, help_text="How every answer ends, e.g. “– The Corner Café”")
    promises = models.TextField(
        "Promises staff may not make", blank=True, help_text="One per line, e.g. “free”, “refund”, “compensation”."
    )
    language = models.CharField("House language", max_length=20, blank=True, default="English")
    # The approval-until-passed setting: a staff member's answers to real customers wait for an approver
    # until they have passed every scenario listed here (keys, one per line). Empty: off.
    required_scenarios = models.TextField(blank=True)

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @classmethod
    def for_workspace(cls, workspace):
        return cls.objects.filter(workspace=workspace).first() or cls(workspace=workspace)


class PracticeRun(models.Model):
    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_runs")
    scenario_key = models.CharField(max_length=60)
    scenario_title = models.CharField(max_length=120)
    scenario = models.JSONField()  # the scenario as played, so a later edit of it does not change this run
    seed = models.PositiveIntegerField()
    customer = models.CharField(max_length=60)
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.PLAYING, db_index=True)
    rounds_played = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    last_line_at = models.DateTimeField(default=timezone.now)  # when the customer last wrote: the clock's start
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 0–100, when finished
    next_time = models.JSONField(default=list, blank=True)  # what to try next time, in plain words

    class Meta:
        indexes = [models.Index(fields=["workspace", "user", "state"], name="practice_run_person")]

    def move(self, target: str) -> None:
        check_move(self.state, target)
        self.state = target

    @property
    def playing(self) -> bool:
        return self.state == RunState.PLAYING

    @property
    def passed(self) -> bool:
        from firsthand.practice.scoring import PASS_SCORE

        return self.state == RunState.FINISHED and (self.score or 0) >= PASS_SCORE


class PracticeMessage(models.Model):
    class Who(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        OTHER = "other", "Another customer"
        TRAINEE = "trainee", "You"
        SITUATION = "situation", "Situation"

    run = models.ForeignKey(PracticeRun, on_delete=models.CASCADE, related_name="messages")
    who = models.CharField(max_length=10, choices=Who.choices)
    name = models.CharField(max_length=60, blank=True)
    text = models.TextField()
    moves = models.JSONField(default=list, blank=True)  # the trainee's moves with this answer: ask_owner, ...
    coaching = models.JSONField(default=dict, blank=True)  # points with their reasons, and this answer's score
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
