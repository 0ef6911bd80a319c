from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import ACCOUNT_ACTIONS, AuditAction, Role, Side
from truce.accounts.selectors import AuditFilter


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WorkspaceSettingsForm(WorkspaceForm):
    admins_need_two_factor = forms.BooleanField(
        label=_("Admins must use two-step sign-in"),
        required=False,
        help_text=_(
            "An admin without two-step sign-in keeps working as a member, but cannot manage "
            "the workspace until they turn it on."
        ),
    )


class WorkspaceCreateForm(WorkspaceForm):
    slug = forms.SlugField(
        label=_("Short name (in URLs)"),
        max_length=50,
        required=False,
        help_text=_("Letters, digits and hyphens. Leave empty to derive it from the name."),
    )
    side = forms.ChoiceField(label=_("Your side"), choices=Side.choices, initial=Side.PRODUCT)


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("If given, the link is also sent by email."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PRODUCT)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    ttl_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=7)


def with_strength_meter(field: forms.Field, *params: str) -> None:
    """Show the new password's strength under ``field`` as it is typed (htmx posts only the
    named ``params``, never the rest of the form, e.g. the current password)."""
    field.widget.attrs.update(
        {
            "hx-post": reverse_lazy("accounts:password_strength"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#password-strength",
            "hx-swap": "outerHTML",
            "hx-sync": "this:replace",
            "hx-params": ",".join(params),
            "autocomplete": "new-password",
        }
    )


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_strength_meter(self.fields["password"], "password", "username", "email")


class ProfileForm(forms.ModelForm):
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed to change your email address (password reset links go there)."),
    )

    class Meta:
        model = get_user_model()
        fields = ["display_name", "email", "language"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “Jira sync”.")
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a token that never expires."),
    )
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("A token can do everything you can do, so confirm it is you."),
    )

    def __init__(self, *args, ask_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_password:  # signed in or confirmed the password a moment ago
            del self.fields["current_password"]


def _code_field(help_text=None) -> forms.CharField:
    return forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignInCodeForm(forms.Form):
    code = _code_field(
        _("The 6 digits your authenticator app shows, or one of your recovery codes.")
    )


class TwoFactorEnableForm(forms.Form):
    code = _code_field(_("The 6 digits the app shows after adding the key."))
    password = _password_field()


class TwoFactorDisableForm(forms.Form):
    code = _code_field(_("A code from your app, or a recovery code."))
    password = _password_field()


class AccountCloseForm(forms.Form):
    password = _password_field()


class RecoveryCodesForm(forms.Form):
    code = _code_field(_("A code from your app, or a recovery code."))


class AuditFilterForm(forms.Form):
    """Filters of an audit log page; an invalid one is shown with its error and not applied."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ChoiceField(label=_("Who"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors=None, account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        actions = [c for c in AuditAction.choices if not account or c[0] in ACCOUNT_ACTIONS]
        self.fields["action"].choices = [("", _("Any action")), *actions]
        if actors is None:
            del self.fields["actor"]
        else:
            self.fields["actor"].choices = [("", _("Anyone"))] + [
                (u.username, f"{u.name} ({u.username})") for u in actors
            ]

    def to_filter(self) -> AuditFilter:
        if not self.is_valid():
            return AuditFilter()
        data = self.cleaned_data
        return AuditFilter(
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
