from django.apps import AppConfig
from django.db.models.signals import post_delete


class NoticesConfig(AppConfig):
    name = "firsthand.notices"
    label = "notices"

    def ready(self):
        from firsthand.team.models import Membership

        post_delete.connect(forget_devices, sender=Membership, dispatch_uid="notices.forget_devices")


def forget_devices(sender, instance, **kwargs):
    """Someone who leaves a workspace stops hearing about it on their phone, whoever removed them and how."""
    from firsthand.notices.models import PushSubscription

    PushSubscription.objects.filter(workspace_id=instance.workspace_id, user_id=instance.user_id).delete()
