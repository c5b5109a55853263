from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task(queue_name="default")
def email_notice(emails: list[str], workspace_name: str, message: str, url: str) -> None:
    """notices.email_notice: the email copy of an in-app notice."""
    link = f"\n\n{settings.BASE_URL}{url}" if settings.BASE_URL and url else ""
    send_mail(
        subject=f"[{workspace_name}] {message[:120]}",
        message=f"{message}{link}\n\n— firsthand",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=emails,
    )


@task(queue_name="default")
def push_notice(subscription_id: int, body: dict, urgency: str) -> bool:
    """notices.push_notice: one notice to one device (see notices/push/deliver.py)."""
    from firsthand.notices.models import PushSubscription
    from firsthand.notices.push.deliver import send

    subscription = PushSubscription.objects.filter(pk=subscription_id).select_related("workspace").first()
    if subscription is None:
        return False  # removed between the notice and now: nobody to tell
    return send(subscription, body, urgency)
