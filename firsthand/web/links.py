from django.conf import settings
from django.urls import reverse


def base_url_for(request) -> str:
    """The address people reach this app at: FIRSTHAND_BASE_URL, else what the browser used."""
    return settings.BASE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(view_name: str, base_url: str, **kwargs) -> str:
    return base_url.rstrip("/") + reverse(view_name, kwargs=kwargs)
