from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.customers import services
from truce.customers.models import Customer, Feedback, SegmentPolicy
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


@pytest.fixture
def many(ctx, workspace):
    Customer.objects.bulk_create(
        Customer(
            workspace=workspace, name=f"客户{i:02}", value=Decimal(i + 1), churn_risk=i % 3 == 0
        )
        for i in range(60)
    )
    services.segments_recompute(workspace)
    customers = list(Customer.objects.filter(workspace=workspace))
    for i in range(60):
        services.feedback_create(
            ctx=ctx, text=f"优惠券 叠加 第{i}条", customer=customers[i % 7], channel="ticket"
        )
    return customers


def url(name, *args):
    return reverse(f"customers:{name}", args=["spark", *args])


def test_customer_list_is_bounded_and_summarised(olivia, many, django_assert_max_num_queries):
    client = client_for(olivia)
    with django_assert_max_num_queries(10):
        r = client.get(url("list"))
    body = r.content.decode()
    assert r.status_code == 200 and "60 customers" in body and "Page 1 of 2" in body
    assert "Segment A" in body and 'aria-current="page">Customers' in body


def test_customer_list_htmx_filters(olivia, many):
    r = client_for(olivia).get(
        url("list"), {"churn_risk": "yes", "q": "客户0", "sort": "name"}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert body.strip().startswith('<section id="results"') and "<html" not in body
    assert "4 customers" in body  # 客户00, 03, 06, 09


def test_customer_create_and_field_errors(olivia):
    client = client_for(olivia)
    r = client.post(url("new"), {"name": "", "value": "-5"})
    assert r.status_code == 422 and {"name", "value"} <= set(r.context["form"].errors)
    r = client.post(url("new"), {"name": "京东", "value": "1000", "churn_risk": "on"})
    customer = Customer.objects.get()
    assert r.status_code == 302 and r["Location"] == url("detail", customer.pk)
    assert customer.segment == "A" and customer.churn_risk


def test_customer_edit_conflict_shows_the_other_persons_values(ctx, alice, olivia):
    customer = services.customer_create(ctx=ctx, name="美团", value=Decimal(10))
    base = {"name": "美团", "value": "10", "version": 1}
    client_for(olivia).post(url("detail", customer.pk), {**base, "notes": "运营的备注"})
    r = client_for(alice).post(url("detail", customer.pk), {**base, "notes": "产品的备注"})
    body = r.content.decode()
    assert r.status_code == 409 and "was changed by someone else" in body
    assert "运营的备注" in body and "产品的备注" in body
    r = client_for(alice).post(
        url("detail", customer.pk), {**base, "notes": "产品的备注", "version": 2}
    )
    assert r.status_code == 302
    assert Customer.objects.get().notes == "产品的备注"


def test_customer_detail_lists_feedback_and_delete(ctx, olivia):
    customer = services.customer_create(ctx=ctx, name="拼多多", value=Decimal(5))
    services.feedback_create(ctx=ctx, text="想要拼团提醒", customer=customer)
    client = client_for(olivia)
    assert "想要拼团提醒" in client.get(url("detail", customer.pk)).content.decode()
    r = client.post(url("delete", customer.pk), {"version": customer.version})
    assert r.status_code == 302 and not Customer.objects.exists()
    assert Feedback.objects.get().customer is None


def test_viewer_sees_no_edit_form(ctx, victor):
    customer = services.customer_create(ctx=ctx, name="x", value=Decimal(1))
    r = client_for(victor).get(url("detail", customer.pk))
    assert (
        r.status_code == 200 and "csrfmiddlewaretoken" not in r.content.decode().split("<main")[1]
    )


def test_segment_thresholds_page(admin, ctx):
    for name, value in [("a", 50), ("b", 30), ("c", 20)]:
        services.customer_create(ctx=ctx, name=name, value=Decimal(value))
    client = client_for(admin)
    r = client.get(url("segments"))
    assert r.context["form"].initial["a_percent"] == Decimal("80.0")
    r = client.post(url("segments"), {"a_percent": "90", "b_percent": "20", "version": 1})
    assert r.status_code == 422
    assert "100%" in r.context["form"].errors["b_percent"][0]
    r = client.post(url("segments"), {"a_percent": "50", "b_percent": "30", "version": 1})
    assert r.status_code == 302
    assert SegmentPolicy.objects.get().a_share == 0.5
    assert dict(Customer.objects.values_list("name", "segment")) == {"a": "A", "b": "B", "c": "C"}


def test_stale_triage_message_in_chinese(olivia, ctx):
    fb = services.feedback_create(ctx=ctx, text="x")
    services.feedback_dismiss(ctx=ctx, feedback=fb)
    client = client_for(olivia)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    r = client.post(url("feedback_dismiss", fb.pk), {"version": 1}, HTTP_HX_REQUEST="true")
    assert "其他人在你打开之后修改了此内容" in r.content.decode()


def test_inbox_is_bounded_and_shows_new_only(olivia, ctx, many, django_assert_max_num_queries):
    services.feedback_dismiss(ctx=ctx, feedback=Feedback.objects.first())
    client = client_for(olivia)
    with django_assert_max_num_queries(10):
        r = client.get(url("feedback"))
    body = r.content.decode()
    assert r.status_code == 200 and "59 feedback items" in body and "Page 1 of 2" in body
    services.feedback_dismiss(
        ctx=ctx, feedback=services.feedback_create(ctx=ctx, text="夜间模式太亮")
    )
    r = client.get(url("feedback"), {"status": "any", "q": "夜间"}, HTTP_HX_REQUEST="true")
    assert "1 feedback item" in r.content.decode()
    r = client.get(url("feedback"), {"q": "夜间"}, HTTP_HX_REQUEST="true")
    assert "0 feedback items" in r.content.decode()


def test_record_feedback_by_customer_name(olivia, ctx):
    customer = services.customer_create(ctx=ctx, name="京东", value=Decimal(1))
    client = client_for(olivia)
    r = client.get(url("feedback_new") + f"?customer={customer.pk}")
    assert r.context["form"].initial["customer"] == "京东"
    r = client.post(url("feedback_new"), {"text": "x", "customer": "不存在", "channel": "sales"})
    assert "customer" in r.context["form"].errors
    r = client.post(url("feedback_new"), {"text": "发票", "customer": "京东", "channel": "sales"})
    assert r.status_code == 302
    assert Feedback.objects.get().customer == customer


def test_triage_by_htmx_removes_the_item(olivia, ctx):
    customer = services.customer_create(ctx=ctx, name="美团", value=Decimal(10))
    req = requirement_create(ctx=ctx, title="夜间模式")
    fb = services.feedback_create(ctx=ctx, text="请加夜间模式", customer=customer)
    client = client_for(olivia)
    r = client.get(url("feedback_detail", fb.pk), HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert body.strip().startswith('<div class="similar">') and req.title in body
    r = client.post(
        url("feedback_link", fb.pk), {"number": req.number, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and f"Linked to #{req.number}" in r.content.decode()
    assert "请加夜间模式" not in client.get(url("feedback")).content.decode()
    req.refresh_from_db()
    assert req.demand_value == Decimal(10)


def test_triage_refusal_rerenders_the_item(olivia, ctx):
    fb = services.feedback_create(ctx=ctx, text="x")
    client = client_for(olivia)
    r = client.post(
        url("feedback_link", fb.pk), {"number": 99, "version": 1}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert r.status_code == 422 and f'id="fb-{fb.pk}"' in body
    assert "No requirement with this number here." in body
    services.feedback_dismiss(ctx=ctx, feedback=fb)
    r = client.post(url("feedback_dismiss", fb.pk), {"version": 1}, HTTP_HX_REQUEST="true")
    assert "Someone else changed this" in r.content.decode()


def test_create_requirement_from_the_inbox(olivia, ctx):
    fb = services.feedback_create(ctx=ctx, text="发票抬头\n要能保存多个")
    client = client_for(olivia)
    body = client.get(url("feedback")).content.decode()
    assert 'value="发票抬头"' in body  # the suggested title
    r = client.post(url("feedback_create_requirement", fb.pk), {"title": "发票抬头", "version": 1})
    req = Requirement.objects.get()
    assert r["Location"] == reverse("requirements:detail", args=["spark", req.number])
    fb.refresh_from_db()
    assert fb.requirement == req and fb.status == "linked"


def test_dismiss_and_back_to_inbox_without_htmx(olivia, ctx):
    fb = services.feedback_create(ctx=ctx, text="x")
    client = client_for(olivia)
    assert client.post(url("feedback_dismiss", fb.pk), {"version": 1})["Location"] == url(
        "feedback"
    )
    r = client.post(url("feedback_unlink", fb.pk), {"version": 2})
    assert r["Location"] == url("feedback_detail", fb.pk)
    fb.refresh_from_db()
    assert fb.status == "new"


def test_requirement_page_shows_customers_asking_in_fixed_queries(olivia, ctx, many):
    """However many customers ask, the section costs the same two queries."""
    quiet = requirement_create(ctx=ctx, title="没人要的需求")
    req = requirement_create(ctx=ctx, title="优惠券叠加")
    for fb in Feedback.objects.all()[:30]:
        services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    services.feedback_link(
        ctx=ctx, feedback=services.feedback_create(ctx=ctx, text="匿名"), requirement=req
    )
    client = client_for(olivia)
    pages = [reverse("requirements:detail", args=["spark", r.number]) for r in (quiet, req)]
    client.get(pages[0])  # the scorecard is created on first use; measure the steady state
    counts = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            r = client.get(page)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    body = r.content.decode()
    assert "Customers asking for this" in body and "Support ticket" in body
    assert "Plus 1 feedback item from an unknown customer." in body
    assert body.count('class="badge segment-') == 7
