from django import forms

from firsthand.team.permissions import ROLE_CHOICES, ROLE_SUMMARIES, Role
from firsthand.web.params import IdsField


class TokenForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="What will use it, so you recognise it later: “Website chat”.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.STAFF)
    accounts = IdsField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Staff and viewer tokens only: leave all unticked for every account, ones connected later too.",
    )

    def __init__(self, *args, workspace, giver, **kwargs):
        super().__init__(*args, **kwargs)
        from firsthand.api.operations import may_give
        from firsthand.networks.models import ConnectedAccount

        self.fields["role"].choices = [
            (value, f"{label} — {ROLE_SUMMARIES[Role(value)]}")
            for value, label in ROLE_CHOICES
            if may_give(giver, value)
        ]
        self.fields["accounts"].queryset = ConnectedAccount.objects.connected().filter(workspace=workspace)
        self.fields["accounts"].error_messages["invalid_choice"] = "One of those accounts isn't connected here."
        self.fields["accounts"].error_messages["invalid_pk_value"] = "One of those accounts isn't connected here."
