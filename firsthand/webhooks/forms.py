from django import forms

from firsthand.webhooks.events import EVENT_CHOICES


class EndpointForm(forms.Form):
    # A CharField, not a URLField: operations.check_url says what is wrong in firsthand's own words.
    url = forms.CharField(
        label="Address (URL)",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/firsthand", "inputmode": "url"}),
        help_text="firsthand POSTs each event here as JSON, signed. Public internet addresses only.",
    )
    description = forms.CharField(
        label="Name (optional)", max_length=200, required=False, help_text="So you know which system this is."
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )


class EditEndpointForm(EndpointForm):
    enabled = forms.BooleanField(label="On: send events to this address", required=False)
