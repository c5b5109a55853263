"""The report of a period as a PDF: the filters of the page it was asked from, the figures of every tab."""

from django.http import HttpResponse

from firsthand.insights import filters
from firsthand.insights.report import pdf
from firsthand.insights.report.figures import gather
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.VIEW)
def report_pdf(request, membership):
    period = filters.parse(membership, request.GET)
    document = pdf.render(gather(membership, period))
    response = HttpResponse(document, content_type="application/pdf")
    name = f"{membership.workspace.slug}-report-{period.since}-{period.until}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
