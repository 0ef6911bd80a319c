from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.glossary.models import Term, TermSide

_ALIAS_SPLIT = re.compile(r"[,，、;；\n]+")


def split_aliases(text: str) -> list[str]:
    return [a.strip() for a in _ALIAS_SPLIT.split(text or "") if a.strip()]


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TermForm(forms.Form):
    term_zh = forms.CharField(label=_("Term in Chinese"), required=False, max_length=80)
    term_en = forms.CharField(label=_("Term in English"), required=False, max_length=80)
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        max_length=2000,
        help_text=_("Other spellings that mean the same, separated by commas or 、."),
    )
    side = forms.ChoiceField(label=_("Used by"), choices=TermSide.choices)
    definition_zh = forms.CharField(
        label=_("Plain definition (Chinese)"), required=False, max_length=2000, widget=_area()
    )
    definition_en = forms.CharField(
        label=_("Plain definition (English)"), required=False, max_length=2000, widget=_area()
    )
    equivalent_zh = forms.CharField(
        label=_("What the other side calls it (Chinese)"), required=False, max_length=300
    )
    equivalent_en = forms.CharField(
        label=_("What the other side calls it (English)"), required=False, max_length=300
    )
    example_zh = forms.CharField(
        label=_("Example (Chinese)"), required=False, max_length=1000, widget=_area(2)
    )
    example_en = forms.CharField(
        label=_("Example (English)"), required=False, max_length=1000, widget=_area(2)
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_aliases(self) -> list[str]:
        return split_aliases(self.cleaned_data.get("aliases", ""))

    @staticmethod
    def initial_for(term: Term) -> dict:
        fields = [
            "term_zh",
            "term_en",
            "side",
            "definition_zh",
            "definition_en",
            "equivalent_zh",
            "equivalent_en",
            "example_zh",
            "example_en",
            "version",
        ]
        return {f: getattr(term, f) for f in fields} | {"aliases": ", ".join(term.aliases)}

    def service_data(self) -> tuple[dict, int | None]:
        """(fields for the service, the version the user edited)."""
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)
