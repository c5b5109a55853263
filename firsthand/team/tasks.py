from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from firsthand.team.models import Invite
from firsthand.web.links import absolute_url


@task(queue_name="default")
def send_invite_email(invite_id: int, base_url: str) -> str:
    """team.send_invite_email: email an invite link; the outcome is shown on the Team page."""
    invite = Invite.objects.select_related("workspace", "created_by").filter(pk=invite_id).first()
    if invite is None or not invite.email or invite.accepted_at or invite.revoked_at:
        return "nothing to send"
    link = absolute_url("team:invite", base_url, token=invite.token)
    context = {"invite": invite, "link": link, "workspace": invite.workspace, "inviter": invite.created_by}
    try:
        send_mail(
            subject=f"Join {invite.workspace} on firsthand",
            message=render_to_string("team/email/invite.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invite.email],
        )
    except Exception as error:  # SMTP and socket errors alike: the reason goes to the owner.
        Invite.objects.filter(pk=invite.pk).update(
            email_status=Invite.EmailStatus.FAILED, email_error=describe_mail_error(error)
        )
        return "failed"
    Invite.objects.filter(pk=invite.pk).update(email_status=Invite.EmailStatus.SENT, email_error="")
    return "sent"


def describe_mail_error(error: Exception) -> str:
    text = str(error) or error.__class__.__name__
    return f"{error.__class__.__name__}: {text}"[:500]
