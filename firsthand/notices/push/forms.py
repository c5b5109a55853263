from django import forms

from firsthand.notices.push.deliver import endpoint_problem
from firsthand.notices.push.events import CHOICES


class DeviceForm(forms.Form):
    label = forms.CharField(max_length=80, required=False, label="Name of this device")
    kinds = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="What reaches this device"
    )
    quiet_from = forms.TimeField(required=False, label="Quiet from", widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_until = forms.TimeField(required=False, label="until", widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_from")) != bool(data.get("quiet_until")):
            raise forms.ValidationError("Give both ends of the quiet hours, or neither.")
        return data


class SubscribeForm(forms.Form):
    """What PushSubscription.toJSON() gives the page: the endpoint and the device's two keys (base64url)."""

    endpoint = forms.CharField(max_length=1000)
    p256dh = forms.RegexField(r"^[A-Za-z0-9_-]{80,100}={0,2}$", max_length=100)
    auth = forms.RegexField(r"^[A-Za-z0-9_-]{16,40}={0,2}$", max_length=40)
    label = forms.CharField(max_length=80, required=False)

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"].strip()
        problem = endpoint_problem(endpoint)
        if problem:
            raise forms.ValidationError(problem)
        return endpoint
