from django.conf import settings
from django.db import transaction

from firsthand.notices.models import Notice


def notify(workspace, users, message: str, url: str = "") -> None:
    """Tell these people, in the app and (when SMTP is configured) by email."""
    users = {user for user in users if user is not None and user.is_active}
    Notice.objects.bulk_create([Notice(workspace=workspace, user=user, message=message, url=url) for user in users])
    if settings.EMAIL_CONFIGURED and users:
        from firsthand.notices.tasks import email_notice

        emails = sorted(user.email for user in users)
        transaction.on_commit(lambda: email_notice.enqueue(emails, str(workspace), message, url))
