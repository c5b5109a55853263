from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PauseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(resumed_at=None)


class Pause(models.Model):
    """The crisis switch: publishing stopped for a whole workspace, or for one account, until resumed."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="pauses")
    account = models.ForeignKey(
        "networks.ConnectedAccount", on_delete=models.CASCADE, null=True, blank=True, related_name="pauses"
    )
    reason = models.CharField(max_length=500)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    paused_at = models.DateTimeField(default=timezone.now)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    objects = PauseQuerySet.as_manager()

    class Meta:
        ordering = ["-paused_at"]
        constraints = [
            # At most one open pause per workspace-wide switch and per account.
            models.UniqueConstraint(
                fields=["workspace"], condition=Q(resumed_at=None, account=None), name="one_open_workspace_pause"
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(resumed_at=None, account__isnull=False), name="one_open_account_pause"
            ),
        ]

    def __str__(self):
        return f"{self.account or self.workspace} paused: {self.reason}"


class BrandRules(models.Model):
    """What the owner says the brand never does, always does, or only does with an approver's eye."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="brand_rules")
    banned_phrases = models.TextField(blank=True, help_text="One per line. Posts containing them are blocked.")
    approval_phrases = models.TextField(blank=True, help_text="One per line. Posts containing them need an approver.")
    competitors = models.TextField(
        blank=True, help_text="Names or @handles, one per line. Naming them needs an approver."
    )
    disclosure = models.CharField(
        max_length=50, blank=True, help_text="e.g. #ad, required when a product link is present"
    )
    product_domains = models.TextField(blank=True, help_text="Domains whose links are product links, one per line")
    allowed_domains = models.TextField(blank=True, help_text="If set, links to other domains need an approver")
    max_hashtags = models.PositiveSmallIntegerField(null=True, blank=True)
    max_mentions = models.PositiveSmallIntegerField(null=True, blank=True)
    sign_replies = models.CharField(
        max_length=10,
        choices=[("", "Don't sign"), ("initials", "With initials, like ^OB"), ("name", "With first name, like –Olive")],
        blank=True,
        default="",
        help_text="Inbox answers end with who wrote them, as many brands do.",
    )

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @classmethod
    def for_workspace(cls, workspace):
        return cls.objects.filter(workspace=workspace).first() or cls(workspace=workspace)

    def signature(self, user) -> str:
        if self.sign_replies == "initials":
            return f" ^{user.initials}"
        if self.sign_replies == "name":
            return f" –{user.get_short_name()}"
        return ""


class Finding(models.Model):
    """What the pre-publish check said about one delivery when it was scheduled; kept with the post."""

    class Severity(models.TextChoices):
        BLOCK = "block", "Blocked"
        APPROVAL = "approval", "Needs approval"
        WARN = "warn", "Warning"

    delivery = models.ForeignKey("publishing.Delivery", on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=32)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    reason = models.CharField(max_length=500)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)


class ApprovalPolicy(models.Model):
    """Which posts need an owner's or manager's yes before they go out."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="approval_policy")
    staff_posts = models.BooleanField("Every post written by staff", default=False)
    flagged_posts = models.BooleanField("Posts and answers the check flags as needing approval", default=True)
    staff_answers = models.BooleanField("Every answer to a customer written by staff", default=False)

    @classmethod
    def for_workspace(cls, workspace):
        return cls.objects.filter(workspace=workspace).first() or cls(workspace=workspace)


class SpikeAlert(models.Model):
    """An hour in which complaints or offensive messages to an account rose far above its usual level."""

    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="spike_alerts")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    usual = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "hour"], name="one_alert_per_account_hour")]
