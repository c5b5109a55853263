from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from firsthand.audit.log import record
from firsthand.inbox.models import ResponseTargets
from firsthand.publishing.forms import ClockField
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability

DAYS = [(str(n), name) for n, name in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])]


class TargetsForm(forms.ModelForm):
    days = forms.MultipleChoiceField(choices=DAYS, widget=forms.CheckboxSelectMultiple, label="Open on")

    class Meta:
        model = ResponseTargets
        fields = ["first_response_minutes", "next_response_minutes", "opens_at", "closes_at"]
        labels = {
            "first_response_minutes": "First answer within (minutes of opening hours)",
            "next_response_minutes": "Each later answer within (minutes of opening hours)",
        }
        field_classes = {"opens_at": ClockField, "closes_at": ClockField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = list(self.instance.open_days)

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", "Closing time must come after opening time.")
        for name in ("first_response_minutes", "next_response_minutes"):
            if data.get(name) == 0:
                self.add_error(name, "Give the team at least a minute.")
        return data

    def save(self, commit=True):
        self.instance.open_days = "".join(sorted(self.cleaned_data["days"]))
        return super().save(commit)


@workspace_view(Capability.SETTINGS)
def targets(request, membership):
    form = TargetsForm(request.POST or None, instance=ResponseTargets.for_workspace(membership.workspace))
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "inbox.targets_changed",
            f"{request.user} changed the response targets",
            actor=request.user,
            workspace=membership.workspace,
        )
        messages.success(request, "Response targets saved.")
        return redirect("inbox:targets", slug=membership.workspace.slug)
    return render(
        request, "inbox/targets.html", {"active": "settings", "form": form}, status=400 if form.errors else 200
    )
