"""Access-matrix entries of meetings: see tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date, time, timedelta

PUBLIC, USER, READ, WRITE, ADMIN = "public", "user", "read", "write", "admin"

PAGES: dict = {
    "meetings:list": (READ, "get"),
    "meetings:series_new": (WRITE, "get"),
    "meetings:series_edit": (WRITE, "get"),
    "meetings:meeting": (READ, "get"),
    "meetings:start": (WRITE, "post"),
    "meetings:finish": (WRITE, "post"),
    "meetings:agenda_refresh": (WRITE, "post"),
    "meetings:agenda_add": (WRITE, "post"),
    "meetings:agenda_move": (WRITE, "post"),
    "meetings:agenda_remove": (WRITE, "post"),
    "meetings:minutes": (WRITE, "post"),
    "meetings:attendance": (WRITE, "post"),
    "meetings:decisions": (READ, "get"),
    "meetings:decision_new": (WRITE, "get"),
    "meetings:decision": (READ, "get"),
    "meetings:actions": (READ, "get"),
    "meetings:action_new": (WRITE, "post"),
    "meetings:action": (READ, "get"),
    "meetings:action_edit": (WRITE, "post"),
    "meetings:action_status": (WRITE, "post"),
    "meetings:calendar": (USER, "get"),
    "meetings:calendar_regenerate": (USER, "post"),
    "meetings:feed": (PUBLIC, "get"),
}

_S = "/api/v1/workspaces/{slug}"
_M = _S + "/meetings/{meeting_id}"
OPERATIONS: dict = {
    f"GET {_S}/meeting-series": READ,
    f"POST {_S}/meeting-series": WRITE,
    f"GET {_S}/meeting-series/{{series_id}}": READ,
    f"PATCH {_S}/meeting-series/{{series_id}}": WRITE,
    f"GET {_S}/meetings": READ,
    f"GET {_M}": READ,
    f"POST {_M}/start": WRITE,
    f"POST {_M}/finish": WRITE,
    f"PUT {_M}/minutes": WRITE,
    f"PUT {_M}/attendance": WRITE,
    f"GET {_M}/agenda": READ,
    f"POST {_M}/agenda/refresh": WRITE,
    f"POST {_M}/agenda/items": WRITE,
    f"DELETE {_M}/agenda/items/{{agenda_item_id}}": WRITE,
    f"PUT {_M}/agenda/order": WRITE,
    f"GET {_S}/decisions": READ,
    f"POST {_S}/decisions": WRITE,
    f"GET {_S}/decisions/{{decision_number}}": READ,
    f"POST {_S}/decisions/{{decision_number}}/supersede": WRITE,
    f"GET {_S}/action-items": READ,
    f"POST {_S}/action-items": WRITE,
    f"GET {_S}/action-items/{{action_id}}": READ,
    f"PATCH {_S}/action-items/{{action_id}}": WRITE,
    "POST /api/v1/calendar-feed": USER,
}


def world(ctx, base: dict) -> dict:
    """A weekly series with this week's meeting (started, with a manual agenda item), a
    decision, an action item and a calendar token."""
    from truce.accounts.models import User
    from truce.meetings import calendar, records, services
    from truce.meetings.models import Meeting

    members = list(User.objects.filter(memberships__workspace=ctx.workspace))
    today = date.today()
    series = services.series_create(
        ctx=ctx,
        title="产品运营周会",
        weekday=today.weekday(),
        start_time=time(10, 0),
        starts_on=today,
        attendees=members,
    )
    meeting = Meeting.objects.get(series=series, date=today)
    meeting.workspace = ctx.workspace
    item = services.agenda_item_add(ctx=ctx, meeting=meeting, text="复盘")
    services.meeting_start(ctx=ctx, meeting=meeting)
    decision = records.decision_record(
        ctx=ctx,
        question="首页改版是否灰度？",
        product_position="灰度 10%",
        operations_position="全量配合大促",
        outcome="先灰度 10%",
        decided_by=ctx.membership.user,
        meeting=meeting,
    )
    action = records.action_create(
        ctx=ctx,
        title="准备灰度方案",
        owner=ctx.membership.user,
        due=today + timedelta(days=3),
        meeting=meeting,
    )
    return {
        "series_id": series.pk,
        "meeting_id": meeting.pk,
        "agenda_item_id": item.pk,
        "decision_number": decision.number,
        "action_id": action.pk,
        "feed_token": calendar.feed_regenerate(user=ctx.membership.user),
    }


def valid_body(op: str) -> dict | None:
    if op not in OPERATIONS:
        return None
    today = date.today().isoformat()
    if "meeting-series" in op:
        return {
            "title": "x",
            "weekday": 0,
            "start_time": "10:00",
            "starts_on": today,
            "attendee_ids": [1],
        }
    if op.endswith("/minutes"):
        return {"minutes": "x"}
    if op.endswith("/attendance"):
        return {"attendance": []}
    if op.endswith("/agenda/items"):
        return {"text": "x"}
    if op.endswith("/agenda/order"):
        return {"order": []}
    if "/decisions" in op:
        return {
            "question": "x",
            "product_position": "x",
            "operations_position": "x",
            "outcome": "x",
        }
    if "/action-items" in op:
        return {"title": "x", "owner_id": 1, "due": today}
    return {}
