from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.responsibilities.models import Activity


class ActivityForm(forms.Form):
    """One template activity; the usual letters are strings such as "AR" or "C"."""

    name = forms.CharField(label=_("Name (English)"), max_length=80)
    name_zh = forms.CharField(label=_("Name (中文)"), max_length=80)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000)
    default_product = forms.CharField(label=_("Product side usually"), max_length=4, required=False)
    default_operations = forms.CharField(
        label=_("Operations side usually"), max_length=4, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        return {
            f: getattr(activity, f)
            for f in (
                "name",
                "name_zh",
                "position",
                "default_product",
                "default_operations",
                "version",
            )
        }


class OverloadForm(forms.Form):
    overload = forms.IntegerField(
        label=_("Too many when more than"), min_value=1, max_value=1000, required=False
    )
