from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from firsthand.publishing import media
from firsthand.publishing.models import MediaFile, Post
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@require_POST
@workspace_view(Capability.DRAFT)
def upload(request, membership):
    """htmx: store the chosen images and answer with a row for each, or the reason it was refused."""
    results = []
    for upload in request.FILES.getlist("image")[:4]:
        try:
            results.append((media.store(membership.workspace, request.user, upload), ""))
        except media.MediaProblem as problem:
            results.append((None, str(problem)))
    if not results:
        results.append((None, "Choose an image file."))
    return render(request, "publishing/_media_items.html", {"results": results})


@workspace_view(Capability.VIEW)
def serve(request, membership, media_id):
    item = get_object_or_404(MediaFile, pk=media_id, workspace=membership.workspace)
    if scope.is_limited(membership) and item.uploaded_by_id != request.user.pk:
        # Someone else's image: shown only when a post within this member's accounts uses it.
        used_in = Post.objects.filter(attachments__media=item)
        if not scope.posts_within(membership, used_in).exists():
            raise Http404("No such image.")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The image file is missing from storage.") from None
    response = FileResponse(handle, content_type=item.mime_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
