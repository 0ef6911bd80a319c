"""Exports of filtered lists (the same filters as the pages) to CSV and Excel, and the blank
templates for imports.

CSV is UTF-8 with a BOM, so Excel opens Chinese text correctly, and is streamed row by row.
Excel files are written by openpyxl in write-only mode. Either way a cell that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with a
single quote: exported customer words must never execute on someone's machine.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.customers import forms as customer_forms
from truce.customers import selectors as customer_selectors
from truce.customers.models import Feedback
from truce.requirements import forms as requirement_forms
from truce.requirements import selectors as requirement_selectors
from truce.requirements.models import Tag

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def safe(value):
    """A cell value that no spreadsheet runs as a formula; numbers and dates stay typed."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


# Filters: the pages' own forms and selectors --------------------------------------------------


def requirement_filter(query) -> requirement_selectors.RequirementFilter:
    form = requirement_forms.FilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    return requirement_selectors.RequirementFilter(
        status=tuple(data.get("status") or ()),
        owner=data.get("owner"),
        tag=data.get("tag", ""),
        side=data.get("side", ""),
        segment=data.get("segment", ""),
        contested={"yes": True, "no": False}.get(data.get("contested") or ""),
        q=data.get("q", ""),
        sort=data.get("sort") or "newest",
    )


def customer_filter(query) -> customer_selectors.CustomerFilter:
    form = customer_forms.CustomerFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    return customer_selectors.CustomerFilter(
        segment=data.get("segment", ""),
        churn_risk={"yes": True, "no": False}.get(data.get("churn_risk") or ""),
        q=data.get("q", ""),
        sort=data.get("sort") or "value",
    )


def feedback_filter(query) -> customer_selectors.FeedbackFilter:
    form = customer_forms.FeedbackFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or Feedback.State.NEW
    return customer_selectors.FeedbackFilter(
        status="" if status == "any" else status,
        channel=data.get("channel", ""),
        customer=data.get("customer"),
        q=data.get("q", ""),
    )


# Rows -----------------------------------------------------------------------------------------


def requirement_rows(workspace, query) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Number"), _("Title"), _("Status"), _("Type"), _("Origin"), _("Owner"), _("Tags"),
        _("Estimate (person-days)"), _("Budget"), _("Product lens"), _("Operations lens"),
        _("Priority"), _("Contested"), _("Customer demand"), _("Asking customers"),
        _("Top segment"), _("Created"), _("Updated"), _("Description"),
    ]  # fmt: skip
    qs = requirement_selectors.filter_requirements(workspace, requirement_filter(query))
    qs = qs.select_related("owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )

    def rows():
        for r in qs.iterator(chunk_size=CHUNK):
            yield [
                r.number, r.title, r.get_status_display(), r.get_kind_display(),
                r.get_origin_side_display(), r.owner.username if r.owner else "",
                ", ".join(sorted(t.name for t in r.tags.all())), r.estimate_days,
                r.estimate_budget, r.product_score, r.operations_score, r.priority,
                _yes(r.contested), r.demand_value, r.demand_customers, r.top_segment,
                r.created_at, r.updated_at, r.description,
            ]  # fmt: skip

    return header, rows()


def customer_rows(workspace, query) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Name"), _("Value"), _("Segment"), _("Churn risk"), _("External ID"), _("Notes"),
        _("Created"),
    ]  # fmt: skip
    qs = customer_selectors.filter_customers(workspace, customer_filter(query))

    def rows():
        for c in qs.iterator(chunk_size=CHUNK):
            yield [
                c.name, c.value, c.segment, _yes(c.churn_risk), c.external_id, c.notes,
                c.created_at,
            ]  # fmt: skip

    return header, rows()


def feedback_rows(workspace, query) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Received on"), _("Customer"), _("Channel"), _("Status"), _("Requirement #"),
        _("Feedback"),
    ]  # fmt: skip
    qs = customer_selectors.filter_feedback(workspace, feedback_filter(query))

    def rows():
        for fb in qs.order_by("-received_on", "-id").iterator(chunk_size=CHUNK):
            yield [
                fb.received_on, fb.customer.name if fb.customer else "",
                fb.get_channel_display(), fb.get_status_display(),
                fb.requirement.number if fb.requirement else "", fb.text,
            ]  # fmt: skip

    return header, rows()


ROWS = {"requirements": requirement_rows, "customers": customer_rows, "feedback": feedback_rows}


def count(workspace, kind: str, query) -> int:
    """How many rows an export of ``kind`` with these filters has (for progress bars)."""
    if kind == "requirements":
        return requirement_selectors.filter_requirements(
            workspace, requirement_filter(query)
        ).count()
    if kind == "customers":
        return customer_selectors.filter_customers(workspace, customer_filter(query)).count()
    return customer_selectors.filter_feedback(workspace, feedback_filter(query)).count()


# Writers --------------------------------------------------------------------------------------


def _plain(value):
    """A value as CSV text: local time for timestamps, ISO for dates, no "None"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return safe(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with BOM, one encoded line at a time (for StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8 + writer.writerow([safe(h) for h in header]).encode()
    for row in rows:
        yield writer.writerow([_plain(v) for v in row]).encode()


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return safe(value)


def xlsx_file(header: list[str], rows: Iterable[list], *, title: str = "Truce"):
    """A temporary file holding the workbook, positioned at its start."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    bold = Font(bold=True)
    cells = []
    for h in header:
        cell = WriteOnlyCell(sheet, value=safe(h))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    book.save(out)
    out.seek(0)
    return out


def filename(workspace, kind: str, fmt: str) -> str:
    return f"{workspace.slug}-{kind}-{timezone.localdate():%Y%m%d}.{fmt}"
