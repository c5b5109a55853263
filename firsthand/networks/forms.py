from django import forms
from django.core.validators import RegexValidator

from firsthand.networks.models import ACCOUNT_COLOURS, ConnectedAccount

HANDLE = RegexValidator(r"^[a-z0-9][a-z0-9-]{1,39}$", "Use 2–40 lower-case letters, digits and dashes.")


class SandboxConnectForm(forms.Form):
    handle = forms.CharField(max_length=40, validators=[HANDLE], help_text="The account's name on the sandbox.")
    display_name = forms.CharField(max_length=100, required=False)
    is_brand = forms.BooleanField(required=False, initial=True, label="This is the business's own account")


class BlueskyConnectForm(forms.Form):
    prefix = "bluesky"  # the sandbox form on the same page has a handle field too
    handle = forms.CharField(
        max_length=253,
        validators=[
            RegexValidator(
                r"^@?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$",
                "Write the full handle, for example cornercafe.bsky.social.",
            )
        ],
        help_text="The full handle, for example cornercafe.bsky.social.",
    )
    app_password = forms.CharField(
        max_length=100,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Made in Bluesky under Settings → Privacy and security → App passwords. Never the main password.",
    )
    is_brand = forms.BooleanField(required=False, initial=True, label="This is the business's own account")


class MastodonConnectForm(forms.Form):
    prefix = "mastodon"
    instance = forms.CharField(
        label="Server",
        max_length=300,
        help_text="Where the account lives, for example mastodon.social (or the full handle, @shop@mastodon.social).",
    )
    is_brand = forms.BooleanField(required=False, initial=True, label="This is the business's own account")

    def clean_instance(self):
        from firsthand.networks.mastodon.client import normalise_instance

        try:
            return normalise_instance(self.cleaned_data["instance"])
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None


class WordPressConnectForm(forms.Form):
    prefix = "wordpress"
    site = forms.CharField(
        label="Site address", max_length=300, help_text="The blog's address, for example https://blog.cornercafe.com."
    )
    username = forms.CharField(max_length=60, help_text="The WordPress username (not the e-mail address).")
    app_password = forms.CharField(
        label="Application password",
        max_length=100,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Made in WordPress under Users → Profile → Application Passwords. Never the login password.",
    )
    is_brand = forms.BooleanField(required=False, initial=True, label="This is the business's own account")


class GhostConnectForm(forms.Form):
    prefix = "ghost"
    site = forms.CharField(
        label="Site address",
        max_length=300,
        help_text="The Ghost site's address, for example https://news.cornercafe.com.",
    )
    admin_key = forms.CharField(
        label="Admin API key",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Ghost Admin → Settings → Integrations → Add custom integration: the Admin API key (id:secret).",
    )
    is_brand = forms.BooleanField(required=False, initial=True, label="This is the business's own account")


class AccountForm(forms.ModelForm):
    colour = forms.ChoiceField(choices=[(c, c) for c in ACCOUNT_COLOURS], widget=forms.RadioSelect)

    class Meta:
        model = ConnectedAccount
        fields = ["colour", "is_brand"]
        labels = {"is_brand": "This is the business's own account"}


class NetworkAppForm(forms.Form):
    """The business's developer app on a network, as its developer site shows it."""

    client_id = forms.CharField(label="Client ID", max_length=300, strip=True)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=300,
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Kept encrypted. Leave empty to keep the one already saved.",
    )
