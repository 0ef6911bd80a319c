from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.goals.models import Direction, GoalSide, Objective
from truce.goals.services import quarter_bounds

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


class PeriodForm(forms.Form):
    """A quarter ("2026-Q3") or a name with custom dates."""

    quarter = forms.CharField(
        label=_("Quarter"), required=False, max_length=10, help_text=_("e.g. 2026-Q3")
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=80)
    start = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        match = QUARTER.match(data.get("quarter") or "")
        if match:
            year, q = int(match[1]), int(match[2])
            data["start"], data["end"] = quarter_bounds(year, q)
            data["name"] = data.get("name") or f"{year}-Q{q}"
        elif data.get("quarter"):
            self.add_error("quarter", _("Write a quarter like 2026-Q3."))
        elif not (data.get("name") and data.get("start") and data.get("end")):
            raise forms.ValidationError(_("Give a quarter, or a name with the first and last day."))
        return {k: data.get(k) for k in ("name", "start", "end")}


class _OwnerMixin:
    def _owners(self, workspace) -> None:
        from truce.accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(memberships__workspace=workspace)


class ObjectiveForm(_OwnerMixin, forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=200)
    why = forms.CharField(
        label=_("Why it matters"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    side = forms.ChoiceField(label=_("Side"), choices=GoalSide.choices, initial=GoalSide.JOINT)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    parent = forms.ModelChoiceField(label=_("Parent objective"), queryset=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, exclude_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._owners(workspace)
        parents = Objective.objects.filter(workspace=workspace).select_related("period")
        self.fields["parent"].queryset = parents.exclude(pk=exclude_pk) if exclude_pk else parents

    @staticmethod
    def initial_for(o: Objective) -> dict:
        return {
            "title": o.title,
            "why": o.why,
            "side": o.side,
            "owner": o.owner_id,
            "parent": o.parent_id,
            "version": o.version,
        }


class KeyResultForm(_OwnerMixin, forms.Form):
    title = forms.CharField(label=_("Metric"), max_length=200)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=20)
    baseline = forms.FloatField(label=_("Baseline"), min_value=-1e12, max_value=1e12)
    target = forms.FloatField(
        label=pgettext_lazy("key result", "Target"), min_value=-1e12, max_value=1e12
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    weight = forms.FloatField(label=_("Weight"), min_value=0, max_value=100, initial=1)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self._owners(workspace)

    @staticmethod
    def initial_for(kr) -> dict:
        return {
            f: getattr(kr, f)
            for f in ("title", "unit", "baseline", "target", "direction", "weight", "version")
        } | {"owner": kr.owner_id}


class CheckInForm(forms.Form):
    value = forms.FloatField(label=_("Value now"), min_value=-1e12, max_value=1e12)
    confidence = forms.FloatField(
        label=_("Confidence (0–1)"),
        min_value=0,
        max_value=1,
        help_text=_("How likely the target is reached: 0.7 means 70%."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class LinkForm(forms.Form):
    number = forms.IntegerField(label=_("Requirement #"), min_value=1, max_value=2**31 - 1)
    contribution = forms.CharField(
        label=_("Expected contribution"),
        required=False,
        max_length=200,
        help_text=_("In words or numbers, e.g. +2% 转化率"),
    )
