from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.conflicts.models import Side, Source, Status


class ConflictForm(forms.Form):
    title = forms.CharField(label=_("What is the disagreement about?"), max_length=300)
    requirement = forms.IntegerField(
        label=_("Requirement (number)"), required=False, min_value=1, max_value=10**9
    )
    product_position = forms.CharField(
        label=_("Product position"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    operations_position = forms.CharField(
        label=_("Operations position"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    product_position = forms.CharField(
        label=_("Product position"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    operations_position = forms.CharField(
        label=_("Operations position"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    label = forms.CharField(label=_("Evidence"), max_length=300)
    url = forms.CharField(label=_("Link"), max_length=500, required=False)


class DecideForm(forms.Form):
    outcome = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rationale = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.IntegerField(
        label=_("Or link an existing decision (number)"), required=False, min_value=1,
        max_value=10**9,
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("decision") and not (data.get("outcome") or "").strip():
            self.add_error("outcome", _("Write down what was decided, or link a decision."))
        return data


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *Source.choices]
    )
