"""Insights → Settings: the weekly email of the report, and to whom. Everyone may read it; owners and
managers (Capability.SETTINGS) change it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.insights.report import weekly
from firsthand.insights.report.models import WeeklyReport
from firsthand.insights.views.common import render_tab
from firsthand.team.access import workspace_view
from firsthand.team.models import User
from firsthand.team.permissions import REFUSALS, Capability
from firsthand.web.params import IdsField


class WeeklyForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Email last week's report every Monday")
    recipients = IdsField(queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__workspace=workspace).order_by("name", "email")
        self.fields["recipients"].queryset = members
        self.fields["recipients"].label_from_instance = lambda user: f"{user.name or user.email} ({user.email})"

    def clean(self):
        data = super().clean()
        if data.get("enabled") and not data.get("recipients"):
            raise forms.ValidationError("Choose at least one person to send the weekly report to.")
        return data


@workspace_view(Capability.VIEW)
def insight_settings(request, membership):
    workspace = membership.workspace
    choice, _ = WeeklyReport.objects.get_or_create(workspace=workspace)
    can_change = membership.can(Capability.SETTINGS)
    initial = {"enabled": choice.enabled, "recipients": list(choice.recipients.values_list("pk", flat=True))}
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(REFUSALS[Capability.SETTINGS])
        form = WeeklyForm(request.POST, workspace=workspace)
        if form.is_valid():
            if form.cleaned_data["enabled"] and not choice.enabled:
                # Turned on mid-week: the first report is next Monday's, not one at once for last week.
                choice.week = weekly.this_monday(workspace, timezone.now())
            choice.enabled = form.cleaned_data["enabled"]
            choice.error = "" if choice.enabled else choice.error
            choice.save(update_fields=["enabled", "error", "week"])
            choice.recipients.set(form.cleaned_data["recipients"])
            names = ", ".join(u.email for u in form.cleaned_data["recipients"]) or "nobody"
            record(
                "insights.weekly_report_changed",
                f"{request.user} {'turned on' if choice.enabled else 'turned off'} the weekly report email ({names})",
                actor=request.user,
                workspace=workspace,
            )
            messages.success(request, "Saved." + (" The next report goes out on Monday." if choice.enabled else ""))
            return redirect("insights:settings", slug=workspace.slug)
    else:
        form = WeeklyForm(initial=initial, workspace=workspace)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    context = {"form": form, "choice": choice, "can_change": can_change}
    return render_tab(request, "settings", "insights/settings.html", context, status=400 if form.errors else 200)
