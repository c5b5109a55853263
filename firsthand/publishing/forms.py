from datetime import date, time

from django import forms

from firsthand.publishing.clock import Ambiguous, TimeProblem, wall_clock_to_utc
from firsthand.publishing.models import AUDIENCES, LinkSettings
from firsthand.web.params import IdsField

FOLLOW_UP_FIELDS = 3


class ComposeForm(forms.Form):
    WHEN_CHOICES = [
        ("now", "Publish now"),
        ("queue", "Add to queue"),
        ("schedule", "Schedule"),
        ("draft", "Save as draft"),
    ]

    accounts = IdsField(queryset=None, widget=forms.CheckboxSelectMultiple, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "What do you want to say?"}), required=False, strip=False
    )
    campaign = forms.CharField(
        max_length=100, required=False, help_text="Tags this post's links (utm_campaign), e.g. spring-menu"
    )
    content_warning = forms.CharField(
        max_length=500,
        required=False,
        label="Content warning",
        help_text="Readers see this first and open the post to read the rest.",
    )
    audience = forms.ChoiceField(
        choices=AUDIENCES, initial="public", required=False, label="Who sees it", widget=forms.RadioSelect
    )
    when = forms.ChoiceField(choices=WHEN_CHOICES, initial="now", widget=forms.RadioSelect)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    fold = forms.TypedChoiceField(
        choices=[("", ""), ("0", "0"), ("1", "1")], required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, accounts, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["accounts"].queryset = accounts
        # Also what a member limited to some accounts (team/scope.py) sees when a form names another one.
        self.fields["accounts"].error_messages["invalid_choice"] = (
            "You can't post to one of the accounts chosen: it isn't connected here, or it is outside your access."
        )
        for n in range(FOLLOW_UP_FIELDS):
            self.fields[f"follow_up_{n}"] = forms.CharField(
                required=False, strip=False, label=f"Part {n + 2}", widget=forms.Textarea(attrs={"rows": 3})
            )
        for account in accounts:
            self.fields[f"variant_{account.pk}"] = forms.CharField(
                required=False,
                strip=False,
                label=f"Version for {account.handle}",
                widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Leave empty to use the main text"}),
            )
        self.ambiguous_choices = None
        self.due = None

    def follow_ups(self) -> list[str]:
        return [self.cleaned_data.get(f"follow_up_{n}", "") for n in range(FOLLOW_UP_FIELDS)]

    def variants(self) -> dict[int, str]:
        return {
            account.pk: self.cleaned_data.get(f"variant_{account.pk}", "")
            for account in self.fields["accounts"].queryset
        }

    def variant_fields(self):
        return [(account, self[f"variant_{account.pk}"]) for account in self.fields["accounts"].queryset]

    def follow_up_fields(self):
        return [self[f"follow_up_{n}"] for n in range(FOLLOW_UP_FIELDS)]

    def clean(self):
        data = super().clean()
        if data.get("when") != "schedule":
            return data
        day: date | None = data.get("day")
        at: time | None = data.get("at")
        if not day or not at:
            raise forms.ValidationError("Choose the day and the time to publish.")
        try:
            self.due = wall_clock_to_utc(day, at, self.workspace.timezone, fold=data.get("fold"))
        except Ambiguous as problem:
            self.ambiguous_choices = problem.choices
            raise forms.ValidationError(str(problem)) from None
        except TimeProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        return data


class LinkSettingsForm(forms.ModelForm):
    class Meta:
        model = LinkSettings
        fields = ["utm_enabled", "utm_source", "utm_medium", "utm_campaign"]
        labels = {"utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign"}
