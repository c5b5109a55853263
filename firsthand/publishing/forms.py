from datetime import date, time

from django import forms

from firsthand.publishing.clock import (
    CLOCK_HELP,
    OUT_OF_RANGE,
    Ambiguous,
    TimeProblem,
    read_clock,
    wall_clock_to_utc,
)
from firsthand.publishing.models import AUDIENCES, LinkSettings
from firsthand.web.params import IdsField

FOLLOW_UP_FIELDS = 3


class ClockField(forms.Field):
    """A wall-clock time typed as people type it ("0900", "9:30 pm"), read by clock.read_clock."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "")
        attrs = {"placeholder": "09:00", "autocomplete": "off", "spellcheck": "false", "class": "clock-input"}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, time):
            return value
        try:
            return read_clock(str(value))
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, time) else value


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
    at = ClockField(required=False, label="Time")
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
        # Each problem is said beside the field it is about, where the eye already is.
        if not day and "day" not in self.errors:
            self.add_error("day", "Choose the day to publish.")
        if not at and "at" not in self.errors:
            self.add_error("at", f"Choose the time to publish. {CLOCK_HELP}")
        if not day or not at:
            return data
        try:
            self.due = wall_clock_to_utc(day, at, self.workspace.timezone, fold=data.get("fold"))
        except Ambiguous as problem:
            self.ambiguous_choices = problem.choices
            self.add_error("at", str(problem))
        except TimeProblem as problem:
            self.add_error("day" if str(problem) == OUT_OF_RANGE else "at", str(problem))
        return data


class LinkSettingsForm(forms.ModelForm):
    class Meta:
        model = LinkSettings
        fields = ["utm_enabled", "utm_source", "utm_medium", "utm_campaign", "short_links"]
        labels = {"utm_source": "utm_source", "utm_medium": "utm_medium", "utm_campaign": "utm_campaign"}

    def clean_short_links(self):
        from firsthand.publishing.shortlinks import codes

        value = self.cleaned_data.get("short_links")
        if value and not codes.available():
            # The worker publishes with no browser to ask for the address, and a link must work for anyone.
            raise forms.ValidationError(
                "Short links need firsthand's public address: set FIRSTHAND_BASE_URL (e.g. https://social.example.com) "
                "and restart firsthand, then turn them on."
            )
        return value
