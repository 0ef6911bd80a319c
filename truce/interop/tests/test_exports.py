"""Exports: the list pages' filters, CSV with BOM, Excel, and no formula injection."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for
from truce.customers.services import customer_create, feedback_create
from truce.interop.exports import safe
from truce.requirements.services import requirement_create, requirement_move

pytestmark = pytest.mark.django_db
EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_cells_are_quoted(value):
    assert safe(value) == "'" + value


@pytest.mark.parametrize("value", ["normal", "a=b", "", 12, -5, None])
def test_other_cells_are_kept(value):
    assert safe(value) == value


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _url(kind, **query):
    from urllib.parse import urlencode

    return reverse("interop:export", args=["spark", kind]) + "?" + urlencode(query, doseq=True)


def test_requirements_csv_uses_the_list_filters_and_quotes_formulas(ctx, victor):
    for title in EVIL:
        requirement_create(ctx=ctx, title=f"x{title}", description=title, tags=["618"])
    accepted = requirement_create(ctx=ctx, title="灰度发布")
    requirement_move(ctx=ctx, requirement=accepted, status="under_review")
    r = client_for(victor).get(_url("requirements", format="csv"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv") and r.streaming
    assert "attachment" in r["Content-Disposition"]
    rows = _csv(r)
    assert rows[0][:3] == ["Number", "Title", "Status"] and len(rows) == 1 + len(EVIL) + 1
    descriptions = {row[-1] for row in rows[1:]}
    assert {"'" + v for v in EVIL} <= descriptions and "灰度发布" in {row[1] for row in rows}
    filtered = _csv(
        client_for(victor).get(_url("requirements", format="csv", status="under_review"))
    )
    assert [row[1] for row in filtered[1:]] == ["灰度发布"]
    searched = _csv(client_for(victor).get(_url("requirements", format="csv", q="灰度")))
    assert [row[1] for row in searched[1:]] == ["灰度发布"]


def test_requirements_xlsx_is_a_workbook_with_safe_text(ctx, victor, django_assert_max_num_queries):
    for i, title in enumerate(EVIL[:4] * 3):
        requirement_create(ctx=ctx, title=f"{title}{i}", tags=["a", "b"])
    client = client_for(victor)
    with django_assert_max_num_queries(7):  # session, user, membership, rows, tags, audit
        r = client.get(_url("requirements", format="xlsx"))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 12
    for row in rows[1:]:
        assert row[1].startswith("'") and row[6] == "a, b"
    assert isinstance(rows[1][0], int)


def test_customers_and_feedback(ctx, victor):
    jd = customer_create(ctx=ctx, name="=京东", value=100)
    feedback_create(ctx=ctx, text="希望支持灰度", customer=jd)
    rows = _csv(client_for(victor).get(_url("customers", format="csv")))
    assert rows[1][:2] == ["'=京东", "100.00"]
    rows = _csv(client_for(victor).get(_url("feedback", format="csv", status="any")))
    assert rows[1][1:3] == ["'=京东", "Other"] and rows[1][5] == "希望支持灰度"


def test_export_of_an_unknown_kind_is_404(victor, workspace):
    assert (
        client_for(victor).get(reverse("interop:export", args=["spark", "secrets"])).status_code
        == 404
    )


def test_templates(victor, workspace):
    r = client_for(victor).get(
        reverse("interop:template", args=["spark", "requirements", "csv"]) + "?preset=jira"
    )
    assert _csv(r)[0][:3] == ["Summary", "Description", "Issue key"]
    r = client_for(victor).get(reverse("interop:template", args=["spark", "customers", "xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    assert next(book.active.iter_rows(values_only=True))[:2] == ("Name", "Value")


def test_list_pages_link_to_exports_with_their_filters(alice, workspace):
    client = client_for(alice)
    body = client.get(
        reverse("requirements:list", args=["spark"]) + "?status=accepted&q=x"
    ).content.decode()
    assert "/w/spark/export/requirements/?format=csv&amp;status=accepted&amp;q=x" in body
    body = client.get(reverse("customers:list", args=["spark"]) + "?segment=A").content.decode()
    assert "/w/spark/export/customers/?format=xlsx&amp;segment=A" in body
    body = client.get(
        reverse("customers:feedback", args=["spark"]) + "?status=any"
    ).content.decode()
    assert "/w/spark/export/feedback/?format=csv&amp;status=any" in body
