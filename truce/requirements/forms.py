from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Side
from truce.requirements.models import Kind, Requirement, Status
from truce.requirements.selectors import SORTS

SORT_LABELS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "priority": _("Priority"),
    "demand": _("Customer demand"),
    "updated": _("Recently changed"),
    "title": _("Title"),
}


class RequirementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices, initial=Kind.FEATURE)
    origin_side = forms.ChoiceField(label=_("Origin"), choices=Side.choices)
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("requirement", "Owner"), queryset=None, required=False
    )
    parent = forms.IntegerField(label=_("Parent requirement (number)"), required=False, min_value=1)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate with commas, e.g. 增长, 体验"),
    )
    estimate_days = forms.DecimalField(
        label=_("Estimate (person-days)"),
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=1,
    )
    estimate_budget = forms.DecimalField(
        label=_("Estimate (budget)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def suggest_duplicates(self, url: str) -> None:
        """As the title is typed, fetch likely duplicates into #similar (htmx, no script)."""
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "keyup changed delay:400ms",
                "hx-target": "#similar",
                "hx-sync": "this:replace",
                "aria-describedby": "similar",
            }
        )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        from truce.accounts.models import User

        self.workspace = workspace
        self.fields["owner"].queryset = User.objects.filter(memberships__workspace=workspace)
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"].replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    def clean_parent(self):
        number = self.cleaned_data["parent"]
        if not number:
            return None
        parent = Requirement.objects.filter(workspace=self.workspace, number=number).first()
        if parent is None:
            raise forms.ValidationError(_("No requirement with this number here."))
        return parent

    @classmethod
    def initial_for(cls, r: Requirement) -> dict:
        return {
            "title": r.title,
            "description": r.description,
            "kind": r.kind,
            "origin_side": r.origin_side,
            "owner": r.owner_id,
            "parent": r.parent.number if r.parent_id else None,
            "tags": ", ".join(sorted(t.name for t in r.tags.all())),
            "estimate_days": r.estimate_days,
            "estimate_budget": r.estimate_budget,
            "version": r.version,
        }


class FilterForm(forms.Form):
    """The list's query string; invalid values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False)
    owner = forms.IntegerField(label=pgettext_lazy("requirement", "Owner"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    side = forms.ChoiceField(
        label=_("Origin"), choices=[("", _("Any side")), *Side.choices], required=False
    )
    segment = forms.ChoiceField(
        label=_("Customer segment"),
        required=False,
        choices=[("", _("Any")), ("A", "A"), ("B", "B"), ("C", "C")],
    )
    contested = forms.ChoiceField(
        label=_("Contested"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Contested only")), ("no", _("Not contested"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS]
    )
    page = forms.IntegerField(required=False, min_value=1)


class BulkStatusForm(forms.Form):
    numbers = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), required=True, label=_("Selected requirements")
    )
    status = forms.ChoiceField(label=_("Move to"), choices=Status.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is a valid choice here; the service checks they exist in the workspace.
        self.fields["numbers"].valid_value = lambda value: str(value).isdigit()


class ScorecardForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=())
    product_weight = forms.FloatField(label=_("Product lens weight"), min_value=0, max_value=1)
    operations_weight = forms.FloatField(
        label=_("Operations lens weight"), min_value=0, max_value=1
    )
    contested_threshold = forms.FloatField(
        label=_("Contested when the lens scores differ by more than"),
        min_value=0.01,
        max_value=1,
        help_text=_("On a 0–1 scale; 0.3 means 30 points out of 100."),
    )
    disagreement_threshold = forms.FloatField(
        label=_("Contested when scorers of one criterion differ by more than"),
        min_value=0.01,
        max_value=1,
    )
    fit_from_goals = forms.BooleanField(
        label=_("Derive strategic fit from the linked key results"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        from truce.requirements.models import Scorecard

        self.fields["method"].choices = Scorecard.Method.choices
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"weight-{c.key}"] = forms.FloatField(
                label=c.label, min_value=0, max_value=100, initial=c.weight
            )

    def weights(self) -> dict[str, float]:
        return {
            c.key: self.cleaned_data[f"weight-{c.key}"]
            for c in self.criteria
            if f"weight-{c.key}" in self.cleaned_data
        }
