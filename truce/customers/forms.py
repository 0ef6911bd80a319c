from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.customers.models import Channel, Customer, Feedback, Segment

SEGMENT_CHOICES = [("", _("Any segment")), *Segment.choices]
CUSTOMER_SORTS = [("value", _("Highest value first")), ("name", _("Name"))]
TITLE_LENGTH = 60


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    value = forms.DecimalField(
        label=_("Value"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        initial=0,
        help_text=_("Annual revenue, GMV or another measure of what this customer is worth."),
    )
    churn_risk = forms.BooleanField(label=_("At risk of churning"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    external_id = forms.CharField(label=_("External ID"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, c: Customer) -> dict:
        fields = ("name", "value", "churn_risk", "notes", "external_id", "version")
        return {f: getattr(c, f) for f in fields}


class CustomerFilterForm(forms.Form):
    """The list's query string; invalid values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=200)
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=SEGMENT_CHOICES)
    churn_risk = forms.ChoiceField(
        label=_("Churn risk"),
        required=False,
        choices=[("", _("Any")), ("yes", _("At risk only")), ("no", _("Not at risk"))],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=CUSTOMER_SORTS)
    page = forms.IntegerField(required=False, min_value=1)


class SegmentPolicyForm(forms.Form):
    """Shares as whole percentages, which is how people talk about them (80/15/5)."""

    a_percent = forms.DecimalField(
        label=_("A: top share of value (%)"), min_value=1, max_value=99, decimal_places=1
    )
    b_percent = forms.DecimalField(
        label=_("B: the next share of value (%)"), min_value=1, max_value=99, decimal_places=1
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELD_FOR = {"a_share": "a_percent", "b_share": "b_percent"}

    @classmethod
    def initial_for(cls, policy) -> dict:
        return {
            "a_percent": round(Decimal(str(policy.a_share)) * 100, 1),
            "b_percent": round(Decimal(str(policy.b_share)) * 100, 1),
            "version": policy.version,
        }

    def shares(self) -> dict:
        data = self.cleaned_data
        return {
            "a_share": float(data["a_percent"]) / 100,
            "b_share": float(data["b_percent"]) / 100,
        }


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("What did they say?"),
        max_length=20000,  # as the API (FeedbackIn)
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=200,
        help_text=_("Type the customer's name; leave empty if you do not know who said it."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.OTHER)
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["customer"].widget.attrs.update({"list": "customer-names"})

    def clean_customer(self) -> Customer | None:
        name = self.cleaned_data["customer"].strip()
        if not name:
            return None
        found = list(Customer.objects.for_workspace(self.workspace).filter(name__iexact=name)[:2])
        if not found:
            raise forms.ValidationError(_("No customer with this name. Add the customer first."))
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several customers have this name; record the feedback from the customer's page.")
            )
        return found[0]


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*Feedback.State.choices, ("any", _("Any status"))],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1)


class LinkForm(forms.Form):
    number = forms.IntegerField(label=_("Requirement #"), min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CreateRequirementForm(forms.Form):
    title = forms.CharField(label=_("Title of the new requirement"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def title_from(text: str) -> str:
    """A starting title for a requirement made from feedback: its first line, shortened."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"
