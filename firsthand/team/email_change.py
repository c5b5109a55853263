"""Changing one's e-mail address: the new address confirms by a signed, single-use link before it replaces the
old one, and the old address is told. Split from team/operations.py; the same rules (one transaction, the
audit log) hold."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.team.models import EmailChange, User
from firsthand.team.operations import TeamError

logger = logging.getLogger(__name__)


ADDRESS_TAKEN = "You can't use that address. Choose another one."  # whose it is stays unsaid
RESEND_WAIT_SECONDS = 60


class EmailChangeRefused(TeamError):
    """A confirmation link that does not work; `status` is the HTTP status of the page saying why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _address_taken(user: User, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def request_email_change(user: User, new_email: str, *, base_url: str) -> EmailChange:
    """Send a confirmation link to `new_email` and a notice to the current address; nothing changes yet."""
    new_email = new_email.strip().lower()
    if new_email == user.email.lower():
        raise TeamError("That is already your email.")
    if _address_taken(user, new_email):
        raise TeamError(ADDRESS_TAKEN)
    with transaction.atomic():
        change = EmailChange.objects.filter(user=user).select_for_update().first() or EmailChange(user=user)
        change.new_email = new_email
        change.renew()
        change.save()
        record("team.email_change_asked", f"{user} asked to change their email", actor=user, new=new_email)
    _send_email_change_mails(change, base_url, notify_old=True)
    return change


def resend_email_change(user: User, *, base_url: str) -> EmailChange:
    """A new link (the earlier one stops working), valid for the full period again."""
    change = EmailChange.objects.filter(user=user).first()
    if change is None:
        raise TeamError("There is no email change waiting to be confirmed.")
    wait = RESEND_WAIT_SECONDS - (timezone.now() - change.sent_at).total_seconds()
    if wait > 0:
        raise TeamError(f"The link was sent a moment ago. You can send it again in {int(wait) + 1} seconds.")
    change.renew()
    change.save(update_fields=["nonce", "sent_at", "expires_at"])
    _send_email_change_mails(change, base_url, notify_old=False)
    return change


def cancel_email_change(user: User) -> None:
    deleted, _ = EmailChange.objects.filter(user=user).delete()
    if deleted:
        record("team.email_change_cancelled", f"{user} cancelled their email change", actor=user)


def _send_email_change_mails(change: EmailChange, base_url: str, *, notify_old: bool) -> None:
    from firsthand.team.tasks import describe_mail_error
    from firsthand.web.links import absolute_url

    user = change.user
    context = {
        "user": user,
        "change": change,
        "link": absolute_url("team:confirm_email", base_url, token=change.token),
        "account_url": absolute_url("team:account", base_url),
    }
    try:
        send_mail(
            subject="Confirm your new email for firsthand",
            message=render_to_string("team/email/email_change_confirm.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[change.new_email],
        )
    except Exception as error:  # SMTP and socket errors alike: nothing is waiting on a link nobody got
        EmailChange.objects.filter(pk=change.pk, nonce=change.nonce).delete()
        raise TeamError(f"The confirmation email couldn't be sent ({describe_mail_error(error)}).") from error
    if notify_old:
        try:
            send_mail(
                subject="Someone asked to change your firsthand email",
                message=render_to_string("team/email/email_change_notice.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        except Exception as error:  # the change still needs the new address's link; the notice is a courtesy
            logger.warning(
                "The notice of an email change to %s's old address could not be sent (%s)",
                user.pk,
                describe_mail_error(error),
            )


def confirm_email_change(user: User, token: str) -> str:
    """Make the address the link was sent to `user`'s email; the link works once, for that user only."""
    max_age = timedelta(hours=settings.EMAIL_CHANGE_VALID_HOURS)
    try:
        payload = signing.loads(token, salt=EmailChange.SIGNING_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise EmailChangeRefused(
            "This confirmation link has expired. Ask for a new one from your account page.", status=410
        ) from None
    except signing.BadSignature:
        raise EmailChangeRefused("This confirmation link isn't valid. Copy the whole link from the email.") from None
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise EmailChangeRefused(
            "This confirmation link was sent for another account. Sign in as the person who asked for it.",
            status=403,
        )
    with transaction.atomic():
        change = EmailChange.objects.select_for_update().filter(user=user, nonce=payload.get("n")).first()
        if change is None:
            raise EmailChangeRefused(
                "This confirmation link has already been used, cancelled or replaced by a newer one.", status=410
            )
        if change.is_expired:
            raise EmailChangeRefused(
                "This confirmation link has expired. Ask for a new one from your account page.", status=410
            )
        change.delete()  # the claim: a link opened twice at once changes the address once
        taken = _address_taken(user, change.new_email)  # someone took it since: the wait ends, refused
        if not taken:
            old = user.email
            user.email = change.new_email
            user.save(update_fields=["email"])
            record("team.email_changed", f"{user} changed their email", actor=user, old=old, new=user.email)
    if taken:
        raise EmailChangeRefused(ADDRESS_TAKEN, status=409)
    return user.email


# --- Invites ---------------------------------------------------------------------------
