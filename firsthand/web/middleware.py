from django.conf import settings
from django.http import Http404, QueryDict


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header: scripts and styles only from our own static files.

    Django 5.2 has no CSP support of its own (it arrives in 6.0).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def without_nul(data: QueryDict) -> QueryDict:
    """`data` with every U+0000 taken out of its names and values (the same QueryDict when there is none)."""
    if not any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()):
        return data
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        for value in values:
            clean.appendlist(key.replace("\x00", ""), value.replace("\x00", ""))
    clean._mutable = False
    return clean


class _NulFreeForm:
    """Mixed into the request's class: the form is cleaned when a view (or CSRF) first reads it, not before,
    so a view that reads the raw body (a network's webhook) still can."""

    def _load_post_and_files(self):
        super()._load_post_and_files()
        self._post = without_nul(self._post)


_nul_free_classes: dict[type, type] = {}


class NulCharacterMiddleware:
    """U+0000 out of every query parameter and form field, at the one door all requests pass.

    No person types a NUL and no network takes one, and PostgreSQL refuses it in any text, stored or only
    compared with: each view that read a field itself (a note, a pause's reason, a tag, a question to the
    owner) turned a pasted NUL into an HTTP 500 there (found by the page fuzz test on PostgreSQL). Forms'
    CharFields would refuse it; taking it out keeps everything else that was typed. An address holding
    one names nothing: 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No such page.")
        request.GET = without_nul(request.GET)
        kind = type(request)
        if kind not in _nul_free_classes:
            _nul_free_classes[kind] = type(f"NulFree{kind.__name__}", (_NulFreeForm, kind), {})
        request.__class__ = _nul_free_classes[kind]
        return self.get_response(request)
