from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def base_url_for(request) -> str:
    """The address people reach this app at: FIRSTHAND_BASE_URL, else what the browser used."""
    return settings.BASE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(view_name: str, base_url: str, **kwargs) -> str:
    return base_url.rstrip("/") + reverse(view_name, kwargs=kwargs)


def local_path(request, target: str) -> str:
    """`target` when it is a path on this site ("/account/"), else "": a place to send someone back to.

    Only paths, not whatever url_has_allowed_host_and_scheme() allows: it lets a bare word through as a
    relative address, and redirect() reads a bare word as a view's name ("?next=abc" was an HTTP 500).
    """
    if not isinstance(target, str) or not target.startswith("/"):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
