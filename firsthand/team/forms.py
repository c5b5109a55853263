from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import ngettext

from firsthand.team import throttle
from firsthand.team.email_change import ADDRESS_TAKEN
from firsthand.team.models import TIMEZONE_CHOICES, TwoFactorPolicy, User, Workspace
from firsthand.team.permissions import ROLE_CHOICES, ROLE_SUMMARIES, Role
from firsthand.web.params import IdsField


class SignInForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email = self.cleaned_data.get("email", "").lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        address = throttle.client_address(self.request)
        wait = throttle.seconds_locked(email, address)
        if wait:
            minutes = max(1, round(wait / 60))
            raise forms.ValidationError(
                ngettext(
                    "Too many failed attempts. Try again in %(n)d minute, or reset your password.",
                    "Too many failed attempts. Try again in %(n)d minutes, or reset your password.",
                    minutes,
                )
                % {"n": minutes}
            )
        self.user = authenticate(self.request, email=email, password=password)
        if self.user is None:
            throttle.note_failure(email, address)
            raise forms.ValidationError("That email and password don't match an account.")
        # Failures are forgotten only once sign-in completes (views/auth.complete_sign_in): a right password
        # must not wipe out wrong second-factor codes, or each password entry would buy more guesses.
        return self.cleaned_data


class NewPasswordMixin:
    """A password field checked by the configured validators."""

    def clean_password(self):
        password = self.cleaned_data["password"]
        probe = User(email=self.cleaned_data.get("email", ""), name=self.cleaned_data.get("name", ""))
        password_validation.validate_password(password, probe)
        return password


def password_field():
    return forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        strip=False,
    )


class SetupForm(NewPasswordMixin, forms.Form):
    name = forms.CharField(
        max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True})
    )
    email = forms.EmailField(label="Your email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = password_field()
    workspace_name = forms.CharField(
        max_length=100, label="Business name", help_text="The brand this workspace posts for. You can add more later."
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=TIMEZONE_CHOICES,
        initial="UTC",
        help_text="Schedules and response times follow this clock.",
    )


class InviteSignUpForm(NewPasswordMixin, forms.Form):
    name = forms.CharField(
        max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True})
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = password_field()

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("There is already an account with this email. Sign in to accept the invite.")
        return email


def role_choices_with_summaries():
    return [(value, f"{label} — {ROLE_SUMMARIES[Role(value)]}") for value, label in ROLE_CHOICES]


class InviteForm(forms.Form):
    email = forms.EmailField(
        required=False,
        help_text="Only this address can accept the invite. Leave empty for a link anyone you give it to can use.",
    )
    role = forms.ChoiceField(choices=role_choices_with_summaries, initial=Role.STAFF)
    access = forms.ChoiceField(
        choices=[("all", "All accounts"), ("some", "Only these accounts")], required=False, initial="all"
    )
    accounts = IdsField(queryset=None, required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        from firsthand.networks.models import ConnectedAccount

        self.fields["accounts"].queryset = ConnectedAccount.objects.connected().filter(workspace=workspace)
        self.fields["accounts"].error_messages["invalid_choice"] = "One of those accounts isn't connected here."
        self.fields["accounts"].error_messages["invalid_pk_value"] = "One of those accounts isn't connected here."

    @property
    def chosen_ids(self) -> list[str]:
        """The ticked accounts as sent, to tick them again when the form comes back with an error."""
        return self.data.getlist("accounts") if self.is_bound and hasattr(self.data, "getlist") else []

    def clean(self):
        data = super().clean()
        if data.get("access") != "some":
            data["accounts"] = []
        elif "accounts" in data and not data["accounts"]:
            raise forms.ValidationError("Tick at least one account, or choose All accounts.")
        elif data.get("role") in (Role.OWNER, Role.MANAGER):
            raise forms.ValidationError(
                "Owners and managers always reach every account: invite them as staff or viewer to limit them."
            )
        data.pop("access", None)
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class AccountLimitForm(forms.Form):
    """Which accounts a staff member or viewer may use: every one, or the ticked ones."""

    access = forms.ChoiceField(choices=[("all", "All accounts"), ("some", "Only these accounts")])
    accounts = IdsField(queryset=None, required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        from firsthand.networks.models import ConnectedAccount

        self.fields["accounts"].queryset = ConnectedAccount.objects.connected().filter(workspace=workspace)
        self.fields["accounts"].error_messages["invalid_choice"] = "One of those accounts isn't connected here."
        self.fields["accounts"].error_messages["invalid_pk_value"] = "One of those accounts isn't connected here."

    def chosen(self) -> list:
        """The accounts to limit to; empty means every account."""
        if self.cleaned_data["access"] == "all":
            return []
        return list(self.cleaned_data["accounts"])

    def clean(self):
        data = super().clean()
        if data.get("access") == "some" and "accounts" in data and not data["accounts"]:
            raise forms.ValidationError("Tick at least one account, or choose All accounts.")
        return data


class WorkspaceForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=TIMEZONE_CHOICES,
        initial="UTC",
        help_text="Schedules and response times follow this clock.",
    )

    class Meta:
        model = Workspace
        fields = ["name", "timezone"]
        labels = {"name": "Business name"}


class TwoFactorPolicyForm(forms.Form):
    policy = forms.ChoiceField(
        label="Require two-factor sign-in",
        choices=TwoFactorPolicy.choices,
        widget=forms.RadioSelect,
        help_text="Whoever it covers must add an authenticator app or a passkey before they can use this workspace.",
    )


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "email", "personal_handles"]
        labels = {"personal_handles": "Your own accounts elsewhere"}
        help_texts = {
            "personal_handles": "One per line, e.g. @olive_bakes. Before a post goes out from a business account, "
            "firsthand asks when it mentions one of these."
        }
        widgets = {"personal_handles": forms.Textarea(attrs={"rows": 2})}

    current_password = forms.CharField(
        required=False,
        strip=False,
        label="Your password",
        help_text="Needed only to change your email: it is where a password reset goes. "
        "We send a link to the new address to confirm it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.email_before = self.instance.email

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(ADDRESS_TAKEN)
        return email

    def clean(self):
        # Whoever holds a signed-in browser must not be able to move the account's email (and so its
        # password resets) elsewhere without knowing the password.
        data = super().clean()
        email = data.get("email")
        if email and email != self.email_before.lower():
            address = throttle.client_address(self.request) if self.request else ""
            if throttle.seconds_locked(self.email_before, address):
                self.add_error("current_password", "Too many wrong passwords. Try again later.")
            elif not self.instance.check_password(data.get("current_password") or ""):
                throttle.note_failure(self.email_before, address)
                self.add_error("current_password", "To change your email, type your current password.")
        return data
