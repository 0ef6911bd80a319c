from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.launches.models import MilestoneKind, Side, Status

NUMBERS = re.compile(r"[#cCＣdD]?(\d+)")


def _numbers(text: str) -> list[int]:
    """ "#3, 5 7" → [3, 5, 7]; campaign numbers may be written C2."""
    return sorted({int(n) for n in NUMBERS.findall(text or "")})


class _Members:
    def _members(self, workspace, *names) -> None:
        from truce.accounts.models import User

        for name in names:
            self.fields[name].queryset = User.objects.filter(memberships__workspace=workspace)


class LaunchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    requirements = forms.CharField(
        label=_("Scope (requirement numbers)"),
        required=False,
        help_text=_("For example: 3, 5, 8"),
    )
    campaigns = forms.CharField(
        label=_("Campaigns (numbers)"), required=False, help_text=_("For example: C1, C2")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_requirements(self):
        return _numbers(self.cleaned_data["requirements"])

    def clean_campaigns(self):
        return _numbers(self.cleaned_data["campaigns"])


class NewLaunchForm(LaunchForm):
    checklist = forms.ChoiceField(label=_("Readiness checklist"), required=False)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [("", _("None")), *[(t.key, t.label) for t in templates]]
        if templates:
            self.fields["checklist"].initial = templates[0].key


class MilestoneForm(_Members, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MilestoneKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    due = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        help_text=_("Empty: the Accountable person in the RACI matrix."),
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self._members(workspace, "owner")


class ItemForm(_Members, forms.Form):
    text = forms.CharField(label=_("Item"), max_length=200)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    blocking = forms.BooleanField(label=_("Blocking"), required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self._members(workspace, "owner")


class VoteForm(forms.Form):
    go = forms.TypedChoiceField(
        label=_("Your vote"),
        choices=[("go", _("Go")), ("no_go", _("No-go"))],
        coerce=lambda v: v == "go",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a no-go."),
    )


class ReviewForm(forms.Form):
    went_well = forms.CharField(
        label=_("What went well"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    went_badly = forms.CharField(
        label=_("What went badly"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(
        label=_("Lessons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown."),
    )
    decisions = forms.CharField(
        label=_("Decisions these lessons led to (numbers)"),
        required=False,
        help_text=_("For example: D3, D7"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_decisions(self):
        return _numbers(self.cleaned_data["decisions"])


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
