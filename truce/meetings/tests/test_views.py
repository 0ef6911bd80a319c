from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import client_for
from truce.meetings import records, services
from truce.meetings.models import ActionItem, AgendaItem, Decision, MeetingSeries
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"meetings:{name}", args=["spark", *args])


def test_list_page_bounded(alice, series, ctx, today, django_assert_max_num_queries):
    for i in range(3):
        services.series_create(
            ctx=ctx,
            title=f"S{i}",
            weekday=i,
            start_time=series.start_time,
            starts_on=today,
            attendees=[alice],
        )
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(_url("list"))
    body = r.content.decode()
    assert r.status_code == 200 and "产品运营周会" in body and "Every week" in body


def test_series_new_and_errors(alice, olivia):
    client = client_for(alice)
    assert client.get(_url("series_new")).status_code == 200
    data = {
        "title": "Weekly sync",
        "cadence": "biweekly",
        "weekday": 2,
        "start_time": "10:30",
        "duration_minutes": 45,
        "timezone": "Asia/Shanghai",
        "starts_on": "2030-01-01",
        "attendees": [alice.pk, olivia.pk],
    }
    r = client.post(_url("series_new"), data)
    assert r.status_code == 302 and MeetingSeries.objects.get().cadence == "biweekly"
    r = client.post(_url("series_new"), {**data, "timezone": "Nowhere/City"})
    assert r.status_code == 422 and "Choose a time zone" in r.content.decode()


def test_series_edit_shows_their_version(alice, olivia, series):
    url = _url("series_edit", series.pk)
    assert client_for(alice).get(url).status_code == 200
    base = {
        "cadence": "weekly",
        "weekday": series.weekday,
        "start_time": "10:00",
        "duration_minutes": 60,
        "timezone": "Asia/Shanghai",
        "starts_on": series.starts_on.isoformat(),
        "attendees": [alice.pk],
        "version": 1,
    }
    assert client_for(olivia).post(url, {**base, "title": "运营改的"}).status_code == 302
    r = client_for(alice).post(url, {**base, "title": "产品改的"})
    assert r.status_code == 409 and "运营改的" in r.content.decode()


def test_meeting_page_generates_agenda_and_is_bounded(
    alice, ctx, meeting, django_assert_max_num_queries
):
    for i in range(4):
        req = requirement_create(ctx=ctx, title=f"争议 {i}")
        Requirement.objects.filter(pk=req.pk).update(contested=True)
    client = client_for(alice)
    with django_assert_max_num_queries(28):
        r = client.get(_url("meeting", meeting.pk))
    body = r.content.decode()
    assert r.status_code == 200 and "争议 3" in body and 'id="start-meeting"' in body
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4
    with django_assert_max_num_queries(17):
        client.get(_url("meeting", meeting.pk))


def test_viewer_sees_no_controls(victor, meeting):
    body = client_for(victor).get(_url("meeting", meeting.pk)).content.decode()
    assert 'id="start-meeting"' not in body and "Add to agenda" not in body


def test_run_a_meeting_through_the_pages(alice, olivia, meeting, ctx, today):
    client = client_for(alice)
    r = client.post(_url("agenda_add", meeting.pk), {"text": "大促排期"}, HTTP_HX_REQUEST="true")
    assert (
        r.status_code == 200
        and "大促排期" in r.content.decode()
        and "<html" not in r.content.decode()
    )
    item = AgendaItem.objects.get(text="大促排期")
    assert (
        client.post(
            _url("agenda_move", meeting.pk), {"item": item.pk, "direction": "up"}
        ).status_code
        == 302
    )
    assert client.post(_url("agenda_refresh", meeting.pk)).status_code == 302
    assert client.post(_url("start", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
    r = client.post(_url("minutes", meeting.pk), {"minutes": "# 结论", "version": meeting.version})
    assert r.status_code == 302
    r = client.post(_url("minutes", meeting.pk), {"minutes": "旧版本", "version": 1})
    assert r.status_code == 422 and "Someone else saved" in r.content.decode()
    r = client.post(_url("attendance", meeting.pk), {f"presence_{olivia.pk}": "late"})
    assert r.status_code == 302 and meeting.attendance.get(user=olivia).presence == "late"
    r = client.post(
        reverse("meetings:action_new", args=["spark"]),
        {"meeting": meeting.pk, "title": "出方案", "owner": olivia.pk, "due": today.isoformat()},
    )
    assert r.status_code == 302 and ActionItem.objects.get().meeting == meeting
    r = client.post(
        reverse("meetings:action_new", args=["spark"]), {"meeting": meeting.pk, "title": ""}
    )
    assert r.status_code == 422
    assert client.post(_url("finish", meeting.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "done"
    r = client.post(_url("agenda_remove", meeting.pk), {"item": item.pk}, follow=True)
    assert "The meeting is over" in r.content.decode()
    assert client.post(_url("agenda_remove", meeting.pk), {"item": "x"}).status_code == 404


def test_record_decision_from_the_meeting_and_supersede(alice, running, ctx):
    req = requirement_create(ctx=ctx, title="首页改版")
    new = reverse("meetings:decision_new", args=["spark"])
    assert client_for(alice).get(new + f"?meeting={running.pk}").status_code == 200
    data = {
        "meeting": running.pk,
        "question": "是否灰度？",
        "options": "灰度\n全量",
        "product_position": "灰度",
        "operations_position": "全量",
        "outcome": "先灰度",
        "decided_by": alice.pk,
        "requirements": f"#{req.number}",
    }
    r = client_for(alice).post(new, data)
    assert r.status_code == 302 and r["Location"].endswith(f"/meetings/{running.pk}/")
    decision = Decision.objects.get()
    assert decision.meeting == running and decision.options == ["灰度", "全量"]
    r = client_for(alice).post(new, {**data, "requirements": "#999"})
    assert r.status_code == 422 and "#999" in r.content.decode()
    page = client_for(alice).get(new + f"?supersedes={decision.number}").content.decode()
    assert "是否灰度？" in page
    r = client_for(alice).post(
        new, {**data, "meeting": "", "supersedes": decision.number, "outcome": "全量"}
    )
    assert r.status_code == 302
    body = client_for(alice).get(_url("decision", decision.number)).content.decode()
    assert "Superseded by D2" in body and "灰度" in body


def test_decision_log_search_bounded(alice, ctx, django_assert_max_num_queries):
    for i in range(5):
        records.decision_record(
            ctx=ctx,
            question=f"活动预算 {i}",
            product_position="少",
            operations_position="多",
            outcome="折中",
            decided_by=alice,
        )
    records.decision_record(
        ctx=ctx,
        question="Coupon cap",
        product_position="a",
        operations_position="b",
        outcome="c",
        decided_by=alice,
    )
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        r = client.get(_url("decisions") + "?q=预算")
    body = r.content.decode()
    assert "活动预算 4" in body and "Coupon cap" not in body
    r = client.get(_url("decisions") + "?q=coupon", HTTP_HX_REQUEST="true")
    assert "Coupon cap" in r.content.decode() and "<html" not in r.content.decode()


def test_actions_list_detail_edit_and_status(
    alice, olivia, ctx, today, django_assert_max_num_queries
):
    for i in range(4):
        records.action_create(
            ctx=ctx, title=f"事项 {i}", owner=olivia, due=today - timedelta(days=i)
        )
    action = ActionItem.objects.get(title="事项 3")
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("meetings:actions", args=["spark"]) + "?status=overdue")
    body = r.content.decode()
    assert "事项 3" in body and "事项 0" not in body and "overdue" in body
    assert client.get(_url("action", action.pk)).status_code == 200
    r = client.post(
        _url("action_edit", action.pk),
        {"title": "改", "owner": alice.pk, "due": today.isoformat(), "version": action.version},
    )
    assert r.status_code == 302
    r = client.post(
        _url("action_edit", action.pk),
        {"title": "旧", "owner": alice.pk, "due": today.isoformat(), "version": 1},
    )
    assert r.status_code == 422 and "changed by someone else" in r.content.decode()
    action.refresh_from_db()
    r = client.post(_url("action_status", action.pk), {"status": "done", "version": action.version})
    action.refresh_from_db()
    assert r.status_code == 302 and action.status == "done"


def test_zh_hans_page_shows_seeded_chinese(alice, meeting):
    client = client_for(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    r = client.get(_url("meeting", meeting.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and '<html lang="zh-hans">' in r.content.decode()
    assert "产品运营周会" in r.content.decode()


def test_decision_and_meeting_pages_carry_a_comment_thread(alice, ctx, running):
    decision = records.decision_record(
        ctx=ctx,
        question="是否灰度？",
        product_position="灰度",
        operations_position="全量",
        outcome="先灰度",
        decided_by=alice,
    )
    client = client_for(alice)
    r = client.post(
        "/api/v1/workspaces/spark/comments",
        data={"subject": f"decision:{decision.number}", "body": "同意先灰度"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert "同意先灰度" in client.get(_url("decision", decision.number)).content.decode()
    assert client.get(_url("meeting", running.pk)).status_code == 200
