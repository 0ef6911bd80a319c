from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.interop import presets, tabular
from truce.interop.models import ImportKind

UNITS = [
    ("days", _("days")),
    ("hours", _("hours (8 per day)")),
    ("seconds", _("seconds (Jira)")),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    preset = forms.ChoiceField(
        label=_("Exported from"),
        required=False,
        choices=[("", pgettext_lazy("import source", "Another tool or by hand"))]
        + [(p.key, p.label) for p in presets.PRESETS.values()],
        help_text=_("Presets map the columns and statuses of Jira, ZenTao and PingCode exports."),
    )
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: which field it becomes, or nothing."""

    estimate_unit = forms.ChoiceField(label=_("Estimates are in"), choices=UNITS, required=False)

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— ignore —"))] + [(t.name, t.label) for t in presets.TARGETS[job.kind]]
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("(no name)"),
                choices=choices,
                required=False,
                initial=job.mapping.get(str(index), ""),
            )
            sample = job.options.get("sample") or []
            self.columns.append((header, sample[index] if index < len(sample) else "", self[name]))
        self.fields["estimate_unit"].initial = job.options.get("estimate_unit", "days")
        if job.kind != ImportKind.REQUIREMENTS:
            del self.fields["estimate_unit"]

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


class RestoreForm(forms.Form):
    file = forms.FileField(
        label=_("Backup file (.zip)"), widget=forms.ClearableFileInput(attrs={"accept": ".zip"})
    )
    slug = forms.SlugField(
        label=_("Short name of the restored workspace"),
        max_length=50,
        help_text=_("It must be free; the backup's workspace is restored next to this one."),
    )

    def clean_file(self):
        """A .zip (by name and by its first bytes) within TRUCE_RESTORE_MAX_BYTES; what is
        inside is checked by the restore itself."""
        upload = self.cleaned_data["file"]
        limit = settings.TRUCE_RESTORE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
            )
        head = upload.read(4)
        upload.seek(0)
        if not upload.name.lower().endswith(".zip") or head != tabular.XLSX_MAGIC:
            raise forms.ValidationError(_("This is not a Truce backup (a .zip file)."))
        return upload
