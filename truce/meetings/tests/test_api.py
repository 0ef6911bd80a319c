from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import client_for
from truce.meetings import records
from truce.meetings.models import AgendaItem, Decision, Meeting
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db
API = "/api/v1/workspaces/spark"


def _json(client, method, url, data=None, **headers):
    return getattr(client, method)(url, data=data or {}, content_type="application/json", **headers)


def test_series_create_list_and_patch_with_if_match(alice, olivia, today):
    client = client_for(alice)
    body = {
        "title": "Weekly sync",
        "weekday": today.weekday(),
        "start_time": "10:00",
        "starts_on": today.isoformat(),
        "attendee_ids": [alice.pk, olivia.pk],
    }
    r = _json(client, "post", f"{API}/meeting-series", body)
    assert r.status_code == 201 and r.json()["timezone"] == "Asia/Shanghai"
    sid, etag = r.json()["id"], r["ETag"]
    assert Meeting.objects.filter(series_id=sid, date=today).exists()
    assert [s["id"] for s in client.get(f"{API}/meeting-series").json()] == [sid]
    assert client.get(f"{API}/meeting-series/{sid}").status_code == 200
    r = _json(
        client, "patch", f"{API}/meeting-series/{sid}", {"title": "新名字"}, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["title"] == "新名字"
    r = _json(client, "patch", f"{API}/meeting-series/{sid}", {"title": "x"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 412
    assert _json(client, "patch", f"{API}/meeting-series/{sid}", {"title": "x"}).status_code == 428
    r = _json(client, "post", f"{API}/meeting-series", {**body, "timezone": "Bad/Zone"})
    assert r.status_code == 400 and "timezone" in r.json()["error"]["fields"]
    r = _json(client, "post", f"{API}/meeting-series", {**body, "attendee_ids": [9999]})
    assert r.status_code == 400 and "attendee_ids" in r.json()["error"]["fields"]


def test_meeting_agenda_minutes_attendance_lifecycle(alice, olivia, meeting):
    client = client_for(alice)
    base = f"{API}/meetings/{meeting.pk}"
    listed = client.get(f"{API}/meetings?upcoming=true").json()
    assert listed[0]["id"] == meeting.pk
    r = _json(client, "post", f"{base}/agenda/items", {"text": "复盘上周"})
    assert r.status_code == 201 and r.json()["items"][-1]["manual"] is True
    item = AgendaItem.objects.get(text="复盘上周")
    assert _json(client, "put", f"{base}/agenda/order", {"order": [item.pk]}).status_code == 200
    assert _json(client, "put", f"{base}/agenda/order", {"order": [999999]}).status_code == 400
    assert client.post(f"{base}/agenda/refresh").status_code == 200
    assert client.get(f"{base}/agenda").json()["frozen"] is False
    r = client.post(f"{base}/start")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert client.post(f"{base}/agenda/refresh").status_code == 409
    r = _json(client, "put", f"{base}/minutes", {"minutes": "**决定**"}, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200 and "<strong>" in r.json()["minutes_html"]
    entries = [{"user_id": olivia.pk, "presence": "absent"}]
    r = _json(client, "put", f"{base}/attendance", {"attendance": entries})
    assert {a["user"]["username"]: a["presence"] for a in r.json()["attendance"]}[
        "olivia"
    ] == "absent"
    assert client.delete(f"{base}/agenda/items/{item.pk}").status_code == 204
    assert client.delete(f"{base}/agenda/items/999999").status_code == 404
    assert client.post(f"{base}/finish").json()["status"] == "done"
    assert client.post(f"{base}/finish").status_code == 409


def test_decisions_create_search_supersede_and_no_update(alice, ctx, running):
    req = requirement_create(ctx=ctx, title="首页改版")
    client = client_for(alice)
    body = {
        "question": "首页改版是否灰度？",
        "options": ["灰度", "全量"],
        "product_position": "灰度 10%",
        "operations_position": "全量配合大促",
        "outcome": "先灰度",
        "meeting_id": running.pk,
        "requirement_numbers": [req.number],
    }
    r = _json(client, "post", f"{API}/decisions", body)
    assert r.status_code == 201 and r.json()["decided_by"]["username"] == "alice"
    assert r.json()["requirement_numbers"] == [req.number]
    assert [d["number"] for d in client.get(f"{API}/decisions?q=灰度").json()] == [1]
    assert client.get(f"{API}/decisions?q=预算").json() == []
    r = _json(client, "post", f"{API}/decisions/1/supersede", {**body, "outcome": "全量"})
    assert r.status_code == 201 and r.json()["supersedes"] == 1
    assert client.get(f"{API}/decisions/1").json()["superseded_by"] == 2
    assert _json(client, "post", f"{API}/decisions/1/supersede", body).status_code == 409
    assert [d["number"] for d in client.get(f"{API}/decisions?current=true").json()] == [2]
    assert _json(client, "patch", f"{API}/decisions/1", {"outcome": "x"}).status_code == 405
    r = _json(client, "post", f"{API}/decisions", {**body, "requirement_numbers": [404]})
    assert r.status_code == 400 and "requirements" in r.json()["error"]["fields"]
    r = _json(client, "post", f"{API}/decisions", {**body, "product_position": ""})
    assert r.status_code == 422
    assert Decision.objects.count() == 2


def test_action_items_create_patch_list(alice, olivia, ctx, running, today):
    client = client_for(alice)
    body = {
        "title": "出方案",
        "owner_id": olivia.pk,
        "due": today.isoformat(),
        "meeting_id": running.pk,
    }
    r = _json(client, "post", f"{API}/action-items", body)
    assert r.status_code == 201 and r.json()["owner"]["username"] == "olivia"
    aid, etag = r.json()["id"], r["ETag"]
    r = _json(client, "patch", f"{API}/action-items/{aid}", {"status": "done"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["completed_at"]
    assert client.get(f"{API}/action-items?status=done").json()[0]["id"] == aid
    records.action_create(ctx=ctx, title="晚了", owner=olivia, due=today - timedelta(days=1))
    overdue = client.get(f"{API}/action-items?status=overdue").json()
    assert [a["title"] for a in overdue] == ["晚了"] and overdue[0]["overdue"] is True
    assert client.get(f"{API}/action-items/{aid}").status_code == 200
    r = _json(client, "post", f"{API}/action-items", {**body, "owner_id": 12345})
    assert r.status_code == 400
    r = _json(
        client, "patch", f"{API}/action-items/{aid}", {"title": None}, HTTP_IF_MATCH=f'W/"{aid}-2"'
    )
    assert r.status_code == 400


def test_calendar_feed_address_via_api(alice):
    r = client_for(alice).post("/api/v1/calendar-feed")
    assert r.status_code == 201 and r.json()["url"].endswith(".ics")
    path = r.json()["url"].split("8000", 1)[1]
    assert client_for(None).get(path).status_code == 200


def test_out_of_range_input_is_a_400_not_a_500(alice, meeting):
    client = client_for(alice)
    huge = 10**22
    for url in [f"{API}/meetings/{huge}", f"{API}/decisions/{huge}", f"{API}/action-items/{huge}"]:
        assert client.get(url).status_code == 404
    series = {"title": "x", "weekday": 1, "start_time": "10:00", "attendee_ids": [alice.pk]}
    aware = {**series, "start_time": "02:19:20Z", "starts_on": "2030-01-01"}
    assert _json(client, "post", f"{API}/meeting-series", aware).status_code == 400
    far = {**series, "starts_on": "9999-12-31"}
    assert _json(client, "post", f"{API}/meeting-series", far).status_code == 400
    ids = {**series, "starts_on": "2030-01-01", "attendee_ids": [huge]}
    assert _json(client, "post", f"{API}/meeting-series", ids).status_code == 422
    action = {"title": "x", "owner_id": alice.pk, "due": "0001-01-01"}
    assert _json(client, "post", f"{API}/action-items", action).status_code == 400
    decision = {
        "question": "x",
        "product_position": "x",
        "operations_position": "x",
        "outcome": "x",
        "decided_at": "0001-01-01T00:00:00Z",
    }
    assert _json(client, "post", f"{API}/decisions", decision).status_code == 400
    # a bare number is not read as Unix seconds: dates and times are ISO 8601 text
    for body, url in [
        ({**decision, "decided_at": 1700000000}, "decisions"),
        ({**action, "due": 1700000000}, "action-items"),
        ({**series, "starts_on": "2030-01-01", "start_time": 36000}, "meeting-series"),
    ]:
        r = _json(client, "post", f"{API}/{url}", body)
        assert r.status_code == 422, (url, r.content)
        [message] = [m for ms in r.json()["error"]["fields"].values() for m in ms]
        assert message.startswith("Enter a valid"), message
