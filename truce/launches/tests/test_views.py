from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from conftest import client_for
from truce.launches.models import Launch, Status

pytestmark = pytest.mark.django_db


def url(name, launch=None, **kw):
    args = ["spark"] + ([launch.number] if launch else [])
    return reverse(f"launches:{name}", args=args + list(kw.values()))


def test_list_timeline_and_detail_render_with_bounded_queries(
    alice, launch, django_assert_max_num_queries
):
    c = client_for(alice)
    for _ in range(3):  # more launches must not mean more queries
        c.post(
            url("new"),
            {"name": "活动", "target_date": "2026-12-24", "checklist": "campaign_launch"},
        )
    with django_assert_max_num_queries(12):
        page = c.get(url("list"))
    assert page.status_code == 200 and "直播购物车上线" in page.content.decode()
    with django_assert_max_num_queries(12):
        page = c.get(url("timeline"))
    assert page.status_code == 200 and "launch-timeline-data" in page.content.decode()
    with django_assert_max_num_queries(30):
        page = c.get(url("detail", launch))
    html = page.content.decode()
    assert "双十二大促" in html and "Date clashes" in html and "Readiness" in html


def test_new_launch_form_errors_and_success(alice, feature):
    c = client_for(alice)
    r = c.post(url("new"), {"name": "", "target_date": "2026-13-01"})
    assert r.status_code == 422 and "field-error" in r.content.decode()
    body = {"name": "上线", "target_date": "2026-12-01", "requirements": f"#{feature.number}",
            "checklist": "feature_launch"}  # fmt: skip
    r = c.post(url("new"), body)
    launch = Launch.objects.get(name="上线")
    assert r.status_code == 302 and list(launch.requirements.all()) == [feature]


def test_checklist_toggle_with_htmx_and_vote_flow(alice, olivia, lena, launch):
    c = client_for(alice)
    for item in launch.checklist.all():
        body = {"version": item.version, "done": "on"}
        r = c.post(url("item_toggle", launch, check=item.pk), body, HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and 'id="readiness"' in r.content.decode()
    assert "100%" in r.content.decode()
    c.post(url("move", launch), {"status": "ready_for_review", "version": launch.version})
    launch.refresh_from_db()
    assert launch.status == Status.READY
    r = c.post(url("vote", launch), {"go": "no_go", "reason": ""})
    assert r.status_code == 302
    launch.refresh_from_db()
    assert launch.status == Status.READY  # the reason was missing: nothing recorded
    for user in (alice, olivia, lena):
        client_for(user).post(url("vote", launch), {"go": "go", "reason": "ok"})
    launch.refresh_from_db()
    assert launch.status == Status.GO


def test_edit_shows_theirs_on_conflict(alice, launch):
    c = client_for(alice)
    stale = launch.version
    Launch.objects.filter(pk=launch.pk).update(version=stale + 1, name="别人改的")
    r = c.post(url("edit", launch), {"name": "我的", "target_date": "2026-12-01", "version": stale})
    assert r.status_code == 409 and "别人改的" in r.content.decode()


def test_review_page(alice, victor, launch, ctx):
    from truce.meetings.records import decision_record

    decision = decision_record(ctx=ctx, question="压测放到哪一周？", product_position="上线前两周",
                               operations_position="大促前一周", outcome="上线前两周",
                               decided_by=alice)  # fmt: skip
    Launch.objects.filter(pk=launch.pk).update(status=Status.LAUNCHED, launched_on=date.today())
    c = client_for(alice)
    r = c.post(url("review", launch), {"went_well": "x", "decisions": "D99"})
    assert r.status_code == 422 and "D99" in r.content.decode()  # refused by name
    body = {"went_well": "顺利", "lessons": "提前压测", "decisions": f"D{decision.number}",
            "finish": "1"}  # fmt: skip
    r = c.post(url("review", launch), body)
    assert r.status_code == 302
    page = c.get(url("review", launch)).content.decode()
    assert "压测放到哪一周？" in page
    launch.refresh_from_db()
    assert launch.status == Status.REVIEWED
    assert client_for(victor).get(url("review", launch)).status_code == 200
    assert client_for(victor).post(url("review", launch), {"went_well": "x"}).status_code == 403


def test_late_milestone_warning_in_chinese(alice, launch):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    c = client_for(alice)
    c.post(
        url("milestone_add", launch),
        {"m-kind": "qa", "m-due": str(launch.target_date + timedelta(days=3))},
    )
    html = c.get(url("detail", launch)).content.decode()
    assert "晚于目标上线日" in html


def test_the_launch_page_has_a_comment_thread(alice, olivia, launch):
    url = reverse("discussion:comment_create", args=["spark", "launch", launch.number])
    r = client_for(olivia).post(url, {"body": "灰度比例先 5%"})
    assert r.status_code == 302 and r["Location"].endswith(f"/launches/{launch.number}/#comments")
    page = client_for(alice).get(reverse("launches:detail", args=["spark", launch.number]))
    body = page.content.decode()
    assert "灰度比例先 5%" in body and 'class="card thread"' in body
