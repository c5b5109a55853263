from django.db import models
from django.utils import timezone

from firsthand.networks import crypto


class MastodonInstance(models.Model):
    """A Mastodon server firsthand has registered itself on as an app (once per server and callback address).

    Also keeps what the server says about itself that the composer needs, such as its character limit.
    """

    api_base_url = models.URLField(max_length=300)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=200)
    client_secret_encrypted = models.TextField()
    scopes = models.CharField(max_length=200)
    max_characters = models.PositiveIntegerField(default=500)
    max_media_attachments = models.PositiveIntegerField(default=4)
    characters_reserved_per_url = models.PositiveIntegerField(default=23)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_base_url", "redirect_uri"], name="one_app_per_instance_and_callback")
        ]

    def __str__(self):
        return self.api_base_url

    def __repr__(self):
        return f"<MastodonInstance {self.api_base_url}>"

    @property
    def client_secret(self) -> str:
        return crypto.decrypt_json(self.client_secret_encrypted)["secret"]

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = crypto.encrypt_json({"secret": value})
