"""Checking images as they arrive: what they really are (not what their name says), how big, how large."""

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from firsthand.publishing.models import MediaFile

# What Pillow calls them → what networks call them.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_BYTES = 10 * 1024 * 1024  # the largest any network here takes; each network's own limit is checked per post
MAX_SIDE = 10_000
# Bytes say little about the memory an image takes once decoded (a 10 MB PNG can hold 100 Mpx, 400 MB as
# RGBA): past this budget an image is refused before anything decodes it. 40 Mpx is more than any network
# here keeps (Instagram and Facebook shrink to 1080-2048 px a side).
MAX_PIXELS = 40_000_000
MIN_SIDE = 16


class MediaProblem(ValueError):
    pass


@dataclass(frozen=True)
class Inspected:
    mime_type: str
    width: int
    height: int


def inspect(upload: UploadedFile) -> Inspected:
    if upload.size > MAX_BYTES:
        raise MediaProblem(f"“{upload.name}” is {upload.size / 1048576:.1f} MB; images may be at most 10 MB.")
    try:
        with Image.open(upload) as image:
            image.verify()  # reads the whole file: a truncated or disguised file fails here
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise MediaProblem(f"“{upload.name}” is not an image firsthand can read. Use JPEG, PNG, GIF or WebP.") from None
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise MediaProblem(f"“{upload.name}” is a {kind} image; networks take JPEG, PNG, GIF or WebP.")
    if max(width, height) > MAX_SIDE or min(width, height) < MIN_SIDE:
        raise MediaProblem(
            f"“{upload.name}” is {width}×{height} pixels; "
            f"images must be between {MIN_SIDE} and {MAX_SIDE} pixels a side."
        )
    if width * height > MAX_PIXELS:
        raise MediaProblem(
            f"“{upload.name}” is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"images may be at most {MAX_PIXELS // 1_000_000} megapixels. Make it smaller and try again."
        )
    return Inspected(FORMATS[kind], width, height)


def store(workspace, user, upload: UploadedFile) -> MediaFile:
    checked = inspect(upload)
    media = MediaFile(
        workspace=workspace,
        uploaded_by=user,
        original_name=upload.name[:255],
        mime_type=checked.mime_type,
        size=upload.size,
        width=checked.width,
        height=checked.height,
    )
    media.file.save("upload", upload, save=False)
    media.save()
    return media
