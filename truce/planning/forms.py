from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.goals.models import Period
from truce.planning.inputs import available_periods
from truce.planning.models import Scenario, SideFilter
from truce.planning.services import split_keys
from truce.requirements.models import Status

KEY_HELP = _("Requirement numbers like #12 and campaigns like C3, separated by spaces or commas.")


def _keys_field(label):
    return forms.CharField(label=label, required=False, max_length=2000, help_text=KEY_HELP)


def _weight(label):
    return forms.FloatField(label=label, min_value=0, max_value=100, initial=1)


def _floor(label):
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("This side keeps at least this share (%) of the value it could reach alone."),
    )


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period = forms.ModelChoiceField(
        label=_("Planning period"),
        queryset=Period.objects.none(),
        required=False,
        help_text=_("The plan is published for this period; its months are the default horizon."),
    )
    horizon = forms.MultipleChoiceField(
        label=_("Periods"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every period of the planning period."),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Requirement statuses"),
        required=False,
        choices=Status.choices,
        initial=[Status.UNDER_REVIEW, Status.ACCEPTED],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every open requirement."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=400, help_text=_("Comma-separated.")
    )
    side = forms.ChoiceField(label=_("Side"), required=False, choices=SideFilter.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    include_campaigns = forms.BooleanField(label=_("Include campaigns"), required=False)
    picked = _keys_field(_("Also consider"))
    mandatory = _keys_field(_("Mandatory"))
    excluded = _keys_field(_("Excluded"))
    product_weight = _weight(_("Weight of product value"))
    operations_weight = _weight(_("Weight of operations value"))
    customer_weight = _weight(_("Weight of customer demand"))
    product_floor = _floor(_("Fairness floor for product (%)"))
    operations_floor = _floor(_("Fairness floor for operations (%)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, **kwargs):
        from truce.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.for_workspace(workspace)
        self.fields["owner"].queryset = User.objects.filter(memberships__workspace=workspace)
        self.fields["horizon"].choices = [
            (d.isoformat(), d.strftime("%Y-%m")) for d in available_periods(workspace)
        ]
        if not self.is_bound and "include_campaigns" not in self.initial:
            self.initial["include_campaigns"] = True

    def clean_tags(self) -> list[str]:
        parts = re.split(r"[,，、;；]+", self.cleaned_data["tags"])
        return [t.strip() for t in parts if t.strip()]

    def clean(self):
        data = super().clean()
        for name in ("picked", "mandatory", "excluded"):
            if name in data:
                data[name] = split_keys(data[name])
        for name in ("product_floor", "operations_floor"):
            if data.get(name) is not None:
                data[name] = data[name] / 100
        return data

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_for(s: Scenario) -> dict:
        return {
            "name": s.name,
            "description": s.description,
            "period": s.period_id,
            "horizon": s.horizon,
            "statuses": s.statuses,
            "tags": ", ".join(s.tags),
            "side": s.side,
            "owner": s.owner_id,
            "include_campaigns": s.include_campaigns,
            "picked": " ".join(_ref(k) for k in s.picked),
            "mandatory": " ".join(_ref(k) for k in s.mandatory),
            "excluded": " ".join(_ref(k) for k in s.excluded),
            "product_weight": s.product_weight,
            "operations_weight": s.operations_weight,
            "customer_weight": s.customer_weight,
            "product_floor": round(s.product_floor * 100, 2),
            "operations_floor": round(s.operations_floor * 100, 2),
            "version": s.version,
        }


def _ref(key: str) -> str:
    return f"#{key[1:]}" if key.startswith("R") else key
