from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from truce.discussion.models import Category, Preferences
from truce.discussion.services import MAX_BODY


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "data-mention-input": ""}),
        help_text=_("Markdown works. Type @ to mention a member."),
    )


class CommentEditForm(CommentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PreferencesForm(forms.Form):
    """Two checkboxes per category: in the inbox, by e-mail."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, prefs: Preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category:
            in_app, email = prefs.wants(category)
            self.fields[f"{category}_in_app"] = forms.BooleanField(
                required=False, initial=in_app, label=_("In the inbox")
            )
            self.fields[f"{category}_email"] = forms.BooleanField(
                required=False, initial=email, label=_("By e-mail")
            )
        self.fields["version"].initial = prefs.version

    def rows(self):
        return [
            (label, self[f"{value}_in_app"], self[f"{value}_email"])
            for value, label in Category.choices
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            c: {
                "in_app": self.cleaned_data[f"{c}_in_app"],
                "email": self.cleaned_data[f"{c}_email"],
            }
            for c in Category.values
        }
