from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Role, Side


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
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


class SignupForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class ProfileForm(forms.ModelForm):
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
