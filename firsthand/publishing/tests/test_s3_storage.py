"""Images in S3-compatible storage, against moto's local S3 server (a real HTTP endpoint on loopback)."""

import io

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from firsthand.publishing.models import MediaFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket="firsthand-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "firsthand-media",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def test_uploaded_images_go_to_the_bucket_and_are_served_to_members_only(team, client_for, s3):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 90)).save(buffer, "PNG")
    client = client_for(team.staff)
    client.post(
        reverse("publishing:upload", kwargs={"slug": team.workspace.slug}),
        {"image": SimpleUploadedFile("pic.png", buffer.getvalue(), content_type="image/png")},
    )
    media = MediaFile.objects.get()
    stored = s3.get_object(Bucket="firsthand-media", Key=media.file.name)["Body"].read()
    assert stored == buffer.getvalue()
    url = reverse("publishing:media", kwargs={"slug": team.workspace.slug, "media_id": media.pk})
    response = client.get(url)
    assert b"".join(response.streaming_content) == buffer.getvalue()
    assert client_for(team.outsider).get(url).status_code == 404
