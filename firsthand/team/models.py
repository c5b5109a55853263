import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.timezone import now

from firsthand.team.permissions import ROLE_CHOICES, Capability, Role, allows

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class TwoFactorPolicy(models.TextChoices):
    NOBODY = "nobody", "Nobody"
    MANAGERS = "managers", "Owners and managers"
    EVERYONE = "everyone", "Everyone"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    # The person's own accounts elsewhere, one per line: a brand post that mentions one is flagged.
    personal_handles = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # Django's flag for the admin site, unused by firsthand
    date_joined = models.DateTimeField(default=now)
    # Bumped to end every session of this user at once (removal from a
    # workspace, "sign out everywhere"); sessions carry a hash that includes it.
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def initials(self) -> str:
        parts = (self.name or self.email).split()
        return "".join(part[0] for part in parts[:2]).upper()

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request; a session made before the
        # last bump of session_generation no longer matches and is flushed.
        key_salt = "firsthand.team.User.session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def end_all_sessions(self):
        User.objects.filter(pk=self.pk).update(session_generation=models.F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])
        self.devices.all().delete()


class Workspace(models.Model):
    """One business (one brand): its accounts, posts, inbox and team."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60, unique=True)
    # Validated against the zone database by the forms, not as model choices:
    # a tzdata update must not need a migration.
    timezone = models.CharField(max_length=64, default="UTC")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    # Who must sign in with a second factor to use this workspace (enforced in team/access.py).
    two_factor_policy = models.CharField(max_length=16, choices=TwoFactorPolicy.choices, default=TwoFactorPolicy.NOBODY)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def owners(self):
        return self.memberships.filter(role=Role.OWNER)


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ROLE_CHOICES)
    joined_at = models.DateTimeField(default=now)
    # Which accounts a staff member or viewer may touch (team/scope.py). all_accounts includes those
    # connected later: an owner limits on purpose, never by forgetting to tick a new account. The flag
    # spares every unlimited member's request a query for the list.
    all_accounts = models.BooleanField(default=True)
    limited_to_accounts = models.ManyToManyField("networks.ConnectedAccount", blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_workspace")]
        ordering = ["joined_at"]

    def __str__(self):
        return f"{self.user} as {self.role} in {self.workspace}"

    def can(self, capability: Capability) -> bool:
        return allows(self.role, capability)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class InviteQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invite(models.Model):
    """A single-use, expiring link that makes whoever opens it a member with a role.

    The link carries a signature of the invite's nonce, made with SECRET_KEY:
    someone who can read the database alone cannot build a working link, yet
    the owner can copy the link again at any time while it is pending.
    """

    class EmailStatus(models.TextChoices):
        NOT_SENT = "not_sent", "Not emailed"
        QUEUED = "queued", "Email queued"
        SENT = "sent", "Emailed"
        FAILED = "failed", "Email failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=16, choices=ROLE_CHOICES)
    nonce = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=16, choices=EmailStatus.choices, default=EmailStatus.NOT_SENT)
    email_error = models.TextField(blank=True)
    # The accounts the new member will work on, as Membership's: given at once on joining, so a staff
    # member meant for the bakery's account never has a first moment with every account.
    all_accounts = models.BooleanField(default=True)
    limited_to_accounts = models.ManyToManyField("networks.ConnectedAccount", blank=True, related_name="+")

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    SIGNING_SALT = "firsthand.team.invite"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = timezone.now() + timedelta(days=settings.INVITE_VALID_DAYS)
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        return signing.dumps(self.nonce, salt=self.SIGNING_SALT, compress=False)

    @classmethod
    def nonce_from_token(cls, token: str) -> str | None:
        try:
            return signing.loads(token, salt=cls.SIGNING_SALT)
        except signing.BadSignature:
            return None

    def renew(self):
        """A new link (the old one stops working) valid for the full period again."""
        self.nonce = secrets.token_urlsafe()
        self.expires_at = timezone.now() + timedelta(days=settings.INVITE_VALID_DAYS)
        self.save(update_fields=["nonce", "expires_at"])

    def is_for(self, email: str) -> bool:
        """An invite sent to an address is that person's alone (a leaked link lets nobody else in); one made
        without an address is a link the owner chose to share, and anyone holding it may accept it."""
        return not self.email or self.email.casefold() == (email or "").casefold()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class EmailChange(models.Model):
    """A new email address someone asked for, waiting for the link sent to it to be opened.

    One per person: asking again replaces it. The link carries a signature (SECRET_KEY, timestamped) of
    the user's id and this row's nonce; opening it deletes the row, so a link works once, and a resend
    gives a new nonce, so only the latest link works.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_change")
    new_email = models.EmailField()
    nonce = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    sent_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()

    SIGNING_SALT = "firsthand.team.email_change"

    def renew(self):
        self.nonce = secrets.token_urlsafe()
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + timedelta(hours=settings.EMAIL_CHANGE_VALID_HOURS)

    @property
    def token(self) -> str:
        return signing.dumps({"u": self.user_id, "n": self.nonce}, salt=self.SIGNING_SALT, compress=False)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SetupToken(models.Model):
    """The one-time link that creates the first owner. Only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class LoginFailure(models.Model):
    """A failed sign-in, kept for a while to slow down password guessing."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=now, db_index=True)


class Device(models.Model):
    """A browser a person is signed in on (see team/devices.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    agent = models.CharField(max_length=100)  # a summary such as "Firefox on Linux", not the whole header
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=now)
    last_seen = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return self.agent


class TotpDevice(models.Model):
    """A person's authenticator app: its secret, encrypted at rest, on only once a code confirmed it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.TextField()  # networks/crypto.py, like the networks' tokens
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last code accepted: a code is refused at or before it (no replay).
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=now)


class RecoveryCode(models.Model):
    """One single-use recovery code; only its keyed hash is kept (the person saw it once)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="one_recovery_code_hash_per_user")]


class Passkey(models.Model):
    """A WebAuthn credential (a passkey or a security key) registered by a person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url, as browsers send it
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.name
