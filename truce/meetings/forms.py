from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.domain.recurrence import valid_timezone
from truce.meetings.models import ActionStatus, Cadence, Presence, Weekday

NUMBERS = re.compile(r"\d+")


def _members(workspace):
    from truce.meetings.selectors import members_of

    return members_of(workspace)


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cadence = forms.ChoiceField(label=_("How often"), choices=Cadence.choices)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=60
    )
    timezone = forms.CharField(label=_("Time zone"), max_length=64, initial="Asia/Shanghai")
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    location = forms.CharField(label=_("Place or link"), max_length=300, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _members(workspace)

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if not valid_timezone(value):
            raise forms.ValidationError(_("Choose a time zone like Asia/Shanghai."))
        return value

    @staticmethod
    def initial_for(series) -> dict:
        fields = [
            "title",
            "description",
            "cadence",
            "weekday",
            "start_time",
            "duration_minutes",
            "timezone",
            "starts_on",
            "until",
            "location",
            "version",
        ]
        return {f: getattr(series, f) for f in fields} | {
            "attendees": list(series.attendees.values_list("pk", flat=True))
        }


class AgendaItemForm(forms.Form):
    text = forms.CharField(label=_("Item"), max_length=500)
    link = forms.CharField(label=_("Link"), max_length=500, required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=100_000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    """One choice per attendee: built from the meeting's attendance rows."""

    def __init__(self, *args, attendance, **kwargs):
        super().__init__(*args, **kwargs)
        for row in attendance:
            self.fields[f"presence_{row.user_id}"] = forms.ChoiceField(
                label=row.user.name,
                choices=Presence.choices,
                required=False,
                initial=row.presence,
            )

    def presence(self) -> dict[int, str]:
        return {
            int(name.removeprefix("presence_")): value or ""
            for name, value in self.cleaned_data.items()
        }


def _numbers(value: str) -> list[int]:
    found = [int(n) for n in NUMBERS.findall(value or "")]
    if any(n > 2**31 - 1 for n in found):
        raise forms.ValidationError(_("Give numbers like #12, #15."))
    return list(dict.fromkeys(found))


class DecisionForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    options = forms.CharField(
        label=_("Options considered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    product_position = forms.CharField(
        label=_("Product position"), widget=forms.Textarea(attrs={"rows": 2})
    )
    product_rationale = forms.CharField(
        label=_("Product rationale"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    operations_position = forms.CharField(
        label=_("Operations position"), widget=forms.Textarea(attrs={"rows": 2})
    )
    operations_rationale = forms.CharField(
        label=_("Operations rationale"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    rationale = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=None)
    requirements = forms.CharField(
        label=_("Requirements"), required=False, help_text=_("Numbers, e.g. #12, #15")
    )
    key_results = forms.ModelMultipleChoiceField(
        label=_("Key results"), queryset=None, required=False
    )
    campaigns = forms.CharField(
        label=_("Campaigns"), required=False, help_text=_("Numbers, e.g. 3, 7")
    )

    def __init__(self, *args, workspace, **kwargs):
        from truce.goals.models import KeyResult

        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = _members(workspace)
        self.fields["key_results"].queryset = KeyResult.objects.filter(
            workspace=workspace
        ).order_by("pk")

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def clean_requirements(self):
        return _numbers(self.cleaned_data["requirements"])

    def clean_campaigns(self):
        return _numbers(self.cleaned_data["campaigns"])


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due = forms.DateField(
        label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(workspace)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
