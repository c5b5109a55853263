from django.conf import settings
from django.db import transaction

from firsthand.notices.models import Notice
from firsthand.notices.push.events import check


def notify(workspace, users, message: str, url: str = "", *, kind: str = "") -> None:
    """Tell these people, in the app, (when SMTP is configured) by email, and with `kind` (an event name
    from notices/push/events.py) by Web Push on the devices where they chose that kind."""
    if kind:
        check(kind)  # a misspelt kind would silently reach nobody's phone
    # A notice holds 1,000 characters; a message quoting a person's text (a pause's reason) may be longer,
    # and PostgreSQL refuses the row (breaking the caller's transaction) where SQLite would keep it whole.
    message = message if len(message) <= 1000 else message[:999] + "…"
    users = {user for user in users if user is not None and user.is_active}
    Notice.objects.bulk_create([Notice(workspace=workspace, user=user, message=message, url=url) for user in users])
    if settings.EMAIL_CONFIGURED and users:
        from firsthand.notices.tasks import email_notice

        emails = sorted(user.email for user in users)
        transaction.on_commit(lambda: email_notice.enqueue(emails, str(workspace), message, url))
    if kind and users:
        from firsthand.notices.push.deliver import push_later

        push_later(workspace, users, kind, message, url)
