from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.conflicts import services
from truce.conflicts.models import Conflict

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"conflicts:{name}", args=["spark", *args])


def test_list_detail_and_health_with_bounded_queries(
    alice, ctx, contested, django_assert_max_num_queries
):
    for i in range(5):
        services.conflict_open(ctx=ctx, title=f"分歧 {i}", requirement=contested)
    c = client_for(alice)
    with django_assert_max_num_queries(10):
        page = c.get(url("list"))
    assert page.status_code == 200 and "分歧 4" in page.content.decode()
    with django_assert_max_num_queries(25):
        page = c.get(url("detail", 1))
    assert "Product position" in page.content.decode()
    with django_assert_max_num_queries(22):  # the first view: this week's snapshot created
        page = c.get(url("health"))
    html = page.content.decode()
    assert page.status_code == 200 and "health-data" in html and "Definition" in html
    export = c.get(url("health_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_open_escalate_evidence_decide_through_pages(alice, lena, contested):
    c = client_for(alice)
    r = c.post(url("new"), {"title": "", "requirement": 999})
    assert r.status_code == 422 and "field-error" in r.content.decode()
    r = c.post(url("new"), {"title": "频控", "requirement": contested.number,
                            "product_position": "3 条"})  # fmt: skip
    conflict = Conflict.objects.get()
    assert r.status_code == 302 and conflict.requirement == contested
    c.post(url("evidence_add", 1), {"e-side": "product", "e-label": "卸载率"})
    c.post(url("move", 1), {"status": "escalated", "version": conflict.version})
    conflict.refresh_from_db()
    assert conflict.status == "escalated" and conflict.evidence.count() == 1
    lead = client_for(lena)
    r = lead.post(url("decide", 1), {"d-outcome": "", "d-version": conflict.version})
    conflict.refresh_from_db()
    assert conflict.status == "escalated"  # nothing decided without a decision
    lead.post(url("decide", 1), {"d-outcome": "平日 3 条", "d-version": conflict.version})
    conflict.refresh_from_db()
    assert conflict.status == "decided"
    page = c.get(url("detail", 1)).content.decode()
    assert "平日 3 条" in page and f"D{conflict.decision.number}" in page


def test_detect_button_and_edit_conflict(alice, contested):
    c = client_for(alice)
    c.post(url("detect"))
    conflict = Conflict.objects.get()
    stale = conflict.version
    Conflict.objects.filter(pk=conflict.pk).update(version=stale + 1, title="别人改的")
    r = c.post(url("edit", 1), {"title": "我的", "version": stale})
    assert r.status_code == 409 and "别人改的" in r.content.decode()
