from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from firsthand.publishing.shortlinks import clicks, codes
from firsthand.publishing.shortlinks.models import ShortLink


def zone(name: str):
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):  # a time zone the system no longer knows: count on UTC's day
        return ZoneInfo("UTC")


@require_safe
def follow(request, code):
    """/l/<code>: on to the link the post named, counting the click. Anyone may follow one, signed in or not;
    a code that does not exist or was removed gets the same 404 page as any other address, saying nothing."""
    if not codes.valid_code(code):
        raise Http404("No such page.")
    found = (
        ShortLink.objects.filter(code=code, removed_at=None)
        .values_list("pk", "target", "delivery__post__workspace__timezone")
        .first()
    )
    if found is None:
        raise Http404("No such page.")
    link_id, target, zone_name = found
    if not codes.shortenable(target):  # never made so; checked again, as a redirect is only ever to the web
        raise Http404("No such page.")
    if clicks.counts(request.method, request.headers.get("User-Agent", "")):
        clicks.count_click(link_id, timezone.now().astimezone(zone(zone_name)).date())
    response = HttpResponseRedirect(target)
    # Every click comes here rather than to a cache; and the address is not for search engines to list.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
