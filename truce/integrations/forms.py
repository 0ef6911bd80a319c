from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.domain import signing, webhooks
from truce.integrations.models import DEFAULT_EVENTS, Endpoint, Kind, MessageLanguage


class EndpointForm(forms.Form):
    """Create (with a platform) or edit (platform fixed) an outgoing endpoint."""

    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Platform"), choices=Kind.choices)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=1000,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Copied from the robot's settings in the group chat, or your receiver."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Feishu: the secret of “signature verification”; DingTalk: the “SEC…” secret of "
            "“additional signature”. Leave empty for WeCom and Slack. Generic webhooks get a "
            "generated secret."
        ),
    )
    events = forms.CharField(
        label=_("Events"),
        max_length=1000,
        initial=" ".join(DEFAULT_EVENTS),
        help_text=_(
            "Separated by spaces: a prefix such as “requirement.” for all its events, a kind "
            "such as “launch.go”, or * for everything."
        ),
    )
    language = forms.ChoiceField(
        label=_("Message language"),
        choices=MessageLanguage.choices,
        initial=MessageLanguage.ZH_HANS,
    )
    rate_per_minute = forms.IntegerField(
        label=_("Messages per minute"),
        min_value=1,
        max_value=600,
        initial=webhooks.DEFAULT_GENERIC_PER_MINUTE,
        help_text=_("Generic webhooks only; chat platforms have their own fixed limits."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    rotate_secret = forms.BooleanField(
        label=_("Generate a new secret"), required=False, help_text=_("Generic webhooks only.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, endpoint: Endpoint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.endpoint = endpoint
        if endpoint is None:
            del self.fields["rotate_secret"]
            return
        del self.fields["kind"]  # a robot of another platform is another endpoint
        if endpoint.secret:
            self.fields["secret"].help_text = _(
                "Current: %(masked)s. Leave empty to keep it; type “-” to remove it."
            ) % {"masked": signing.mask_secret(endpoint.secret)}
        if endpoint.kind != Kind.GENERIC:
            del self.fields["rotate_secret"]

    @staticmethod
    def initial_for(endpoint: Endpoint) -> dict:
        return {
            "name": endpoint.name,
            "url": endpoint.url,
            "events": " ".join(endpoint.events),
            "language": endpoint.language,
            "rate_per_minute": endpoint.rate_per_minute,
            "enabled": endpoint.enabled,
            "version": endpoint.version,
        }

    def service_kwargs(self) -> dict:
        """The cleaned data as the service takes it (create or update)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if self.endpoint is None:
            data.pop("rotate_secret", None)
            return data
        secret = data.pop("secret")
        data["secret"] = None if not secret else ("" if secret.strip() == "-" else secret)
        data["rotate_secret"] = data.pop("rotate_secret", False)
        return data
