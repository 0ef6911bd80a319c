from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from truce.domain import capacity as cap
from truce.resources.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Granularity,
    PoolKind,
    PoolSide,
    ResourcePool,
)

AMOUNT = {"min_value": 0, "max_value": Decimal("999999999999.99"), "decimal_places": 2}
NUMBERS = re.compile(r"\d+")


class PoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PoolKind.choices)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("For example 元, CNY, slots.")
    )
    side = forms.ChoiceField(label=_("Owned by"), choices=PoolSide.choices)
    granularity = forms.ChoiceField(label=_("Period length"), choices=Granularity.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    archived = forms.BooleanField(label=_("Archived"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["archived"]

    @staticmethod
    def initial_for(pool: ResourcePool) -> dict:
        return {f: getattr(pool, f) for f in (*PoolForm.base_fields, "version")}


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    promotes = forms.CharField(
        label=_("Promotes requirements"),
        required=False,
        max_length=500,
        help_text=_("Numbers of the features it promotes, e.g. 3, 12"),
    )
    expected_reach = forms.IntegerField(
        label=_("Expected reach"), required=False, min_value=0, max_value=2**31 - 1
    )
    expected_new_users = forms.IntegerField(
        label=_("Expected new users"), required=False, min_value=0, max_value=2**31 - 1
    )
    expected_revenue = forms.DecimalField(label=_("Expected revenue"), required=False, **AMOUNT)
    operations_score = forms.FloatField(
        label=_("Operations lens (0–10)"), required=False, min_value=0, max_value=10
    )
    product_score = forms.FloatField(
        label=_("Product lens (0–10)"), required=False, min_value=0, max_value=10
    )
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, **kwargs):
        from truce.accounts.models import User

        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["owner"].queryset = User.objects.filter(memberships__workspace=workspace)

    def clean_promotes(self):
        from truce.requirements.models import Requirement

        numbers = sorted({int(n) for n in NUMBERS.findall(self.cleaned_data["promotes"] or "")})
        numbers = [n for n in numbers if n < 2**31]
        found = list(Requirement.objects.filter(workspace=self.workspace, number__in=numbers))
        missing = sorted(set(numbers) - {r.number for r in found})
        if missing:
            raise forms.ValidationError(
                _("No requirement with number %(numbers)s here.")
                % {"numbers": ", ".join(f"#{n}" for n in missing)}
            )
        return found

    @staticmethod
    def initial_for(c: Campaign) -> dict:
        fields = [f for f in CampaignForm.base_fields if f not in ("owner", "promotes")]
        return {f: getattr(c, f) for f in fields} | {
            "owner": c.owner_id,
            "promotes": ", ".join(str(r.number) for r in c.promotes.order_by("number")),
        }


def period_filter_choices(today=None) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    months = cap.periods(cap.shift(today, cap.MONTH, -3), cap.MONTH, 10)
    quarters = cap.periods(cap.shift(today, cap.QUARTER, -1), cap.QUARTER, 4)
    return [("", _("Any time"))] + [
        (cap.label(s, g), cap.label(s, g))
        for g, starts in ((cap.QUARTER, quarters), (cap.MONTH, months))
        for s in starts
    ]


class CampaignFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=CampaignStatus.choices, required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    owner = forms.IntegerField(label=_("Owner"), required=False, min_value=1, max_value=2**31 - 1)
    period = forms.CharField(label=_("Period"), required=False, max_length=10)

    def clean_period(self):
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            return cap.bounds(text)
        except ValueError:
            raise forms.ValidationError(
                _("Write a month like 2026-11 or a quarter like 2026-Q4.")
            ) from None


class DemandForm(forms.Form):
    """A new demand: a pool, one of its periods (a label such as 2026-11) and an amount."""

    pool = forms.ModelChoiceField(label=_("Pool"), queryset=None)
    period = forms.CharField(label=_("Period"), max_length=20)
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)

    def __init__(self, *args, pools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = pools

    def clean(self):
        data = super().clean()
        pool, text = data.get("pool"), data.get("period")
        if pool is not None and text:
            try:
                data["start"] = cap.parse(text, pool.granularity)
            except ValueError:
                self.add_error(
                    "period",
                    _("Choose a period of this pool (%(granularity)s).")
                    % {"granularity": pool.get_granularity_display()},
                )
        return data


class DemandRowForm(forms.Form):
    """One demand row edited in place: its period and amount, with the version read."""

    period = forms.CharField(label=_("Period"), max_length=20)
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)
    version = forms.IntegerField(min_value=0)

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = pool

    def clean_period(self):
        try:
            return cap.parse(self.cleaned_data["period"], self.pool.granularity)
        except ValueError:
            raise forms.ValidationError(
                _("Choose a period of this pool (%(granularity)s).")
                % {"granularity": self.pool.get_granularity_display()}
            ) from None
