"""Who asks for a requirement: the top customers by segment and value, counted and summed in the
database, and the API's pages of them. Query counts stay fixed however many customers ask."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from truce.core.access import access_workspace
from truce.customers import selectors, services
from truce.customers.models import Customer, Feedback
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


def ask(ctx, requirement, n: int, *, start: int = 0) -> list[Customer]:
    """``n`` more customers (values start+1 … start+n) each with linked ticket feedback on
    ``requirement``; the first of them also asked through a survey and a second ticket."""
    customers = Customer.objects.bulk_create(
        Customer(workspace=ctx.workspace, name=f"客户{start + i:03}", value=Decimal(start + i + 1))
        for i in range(n)
    )
    linked = {"workspace": ctx.workspace, "requirement": requirement, "status": "linked"}
    items = [Feedback(text="要这个", customer=c, channel="ticket", **linked) for c in customers]
    items += [
        Feedback(text="问卷", customer=customers[0], channel="survey", **linked),
        Feedback(text="又一单", customer=customers[0], channel="ticket", **linked),
    ]
    Feedback.objects.bulk_create(items)
    services.segments_recompute(ctx.workspace)
    services.demand_recompute([requirement.pk])
    requirement.refresh_from_db()
    return customers


def test_breakdown_is_the_top_customers_with_totals_from_the_database(ctx):
    req = requirement_create(ctx=ctx, title="发票合并")
    ask(ctx, req, 30)
    services.feedback_link(
        ctx=ctx, feedback=services.feedback_create(ctx=ctx, text="匿名"), requirement=req
    )
    with CaptureQueriesContext(connection) as queries:
        out = selectors.demand_breakdown(req, limit=5)
    assert len(queries) == 2
    assert out["customer_count"] == 30 == req.demand_customers
    assert out["anonymous_feedback"] == 1
    names = [c.name for c in out["customers"]]
    assert names == ["客户029", "客户028", "客户027", "客户026", "客户025"]
    everyone = selectors.with_channels(selectors.asking_customers(req))
    assert [c.segment for c in everyone] == sorted(c.segment for c in everyone)
    assert sum(c.value for c in everyone) == req.demand_value
    first = next(c for c in everyone if c.name == "客户000")
    assert first.feedback_count == 3
    assert first.channels == ["ticket", "survey"]  # in the order of Channel, once each
    assert first.channel_labels == ["Support ticket", "Survey"]


def test_breakdown_of_a_requirement_nobody_asks_for(ctx):
    req = requirement_create(ctx=ctx, title="没人要")
    out = selectors.demand_breakdown(req)
    assert out == {"customer_count": 0, "anonymous_feedback": 0, "customers": []}


def test_api_pages_the_customers_and_reports_the_total(olivia, ctx):
    req = requirement_create(ctx=ctx, title="发票合并")
    ask(ctx, req, 60)
    client = client_for(olivia)
    base = f"/api/v1/workspaces/spark/requirements/{req.number}/customers"
    first = client.get(base).json()
    assert (first["count"], first["page"], first["page_size"]) == (60, 1, 50)
    assert len(first["customers"]) == 50 and first["customers"][0]["name"] == "客户059"
    assert first["demand_customers"] == 60 and first["anonymous_feedback"] == 0
    second = client.get(base, {"page": 2}).json()
    assert [c["name"] for c in second["customers"]] == [f"客户{i:03}" for i in range(9, -1, -1)]
    assert second["customers"][-1] == {
        "id": second["customers"][-1]["id"],
        "name": "客户000",
        "segment": "C",
        "value": "1.00",
        "churn_risk": False,
        "channels": ["ticket", "survey"],
        "feedback_count": 3,
    }
    small = client.get(base, {"page": 3, "page_size": 25}).json()
    assert small["count"] == 60 and len(small["customers"]) == 10
    assert client.get(base, {"page": 9}).json()["customers"] == []
    assert client.get(base, {"page_size": 201}).status_code == 422
    assert client.get(base, {"page": 0}).status_code == 422


def test_api_queries_do_not_grow_with_the_customers_asking(olivia, ctx):
    req = requirement_create(ctx=ctx, title="发票合并")
    client = client_for(olivia)
    base = f"/api/v1/workspaces/spark/requirements/{req.number}/customers"
    counts = []
    for start, n in ((0, 3), (3, 120)):
        ask(ctx, req, n, start=start)
        client.get(base)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(base, {"page_size": 200}).json()
        counts.append(len(queries))
        assert len(body["customers"]) == body["count"] == start + n
    assert counts[0] == counts[1]
