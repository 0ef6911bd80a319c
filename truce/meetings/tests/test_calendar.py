from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import client_for
from truce.domain.ical import unfold
from truce.meetings import calendar, records
from truce.meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_feed_lists_attended_meetings_and_due_actions(ctx, alice, olivia, meeting, today):
    records.action_create(ctx=ctx, title="准备灰度方案, 第一版", owner=alice, due=today)
    records.action_create(ctx=ctx, title="别人的", owner=olivia, due=today)
    raw = calendar.feed_regenerate(user=alice)
    r = client_for(None).get(reverse("meetings:feed", args=[raw]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    lines = unfold(r.content.decode())
    assert f"UID:meeting-{meeting.pk}@127.0.0.1" in lines
    assert "SUMMARY:产品运营周会" in lines
    assert "SUMMARY:Due: 准备灰度方案\\, 第一版" in lines
    assert f"DTSTART;VALUE=DATE:{today:%Y%m%d}" in lines
    assert not any("别人的" in line for line in lines)
    assert CalendarFeed.objects.get(user=alice).last_used_at is not None


def test_wrong_or_regenerated_token_is_a_404(alice):
    old = calendar.feed_regenerate(user=alice)
    new = calendar.feed_regenerate(user=alice)
    anon = client_for(None)
    assert anon.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert anon.get(reverse("meetings:feed", args=["nope"])).status_code == 404
    assert anon.get(reverse("meetings:feed", args=[new])).status_code == 200
    assert CalendarFeed.objects.get(user=alice).token_hash != new  # only the hash is kept


def test_feed_hides_workspaces_the_user_left(ctx, alice, meeting):
    from truce.accounts.models import Membership

    raw = calendar.feed_regenerate(user=alice)
    Membership.objects.filter(user=alice).delete()
    body = client_for(None).get(reverse("meetings:feed", args=[raw])).content.decode()
    assert "产品运营周会" not in body


def test_registered_sources_add_entries(monkeypatch, alice, today):
    from truce.domain import ical

    monkeypatch.setattr(calendar, "_SOURCES", dict(calendar._SOURCES))
    calendar.register(
        "milestones",
        lambda user, start, end: [ical.Event(uid="m-1@x", summary="灰度上线", start=today)],
    )
    assert "SUMMARY:灰度上线" in unfold(calendar.feed_document(alice))


def test_settings_page_shows_the_address_once(alice):
    client = client_for(alice)
    assert "Create address" in client.get(reverse("meetings:calendar")).content.decode()
    r = client.post(reverse("meetings:calendar_regenerate"))
    body = r.content.decode()
    assert r.status_code == 200 and 'id="feed-url"' in body and ".ics" in body
    body = client.get(reverse("meetings:calendar")).content.decode()
    assert 'id="feed-url"' not in body and "Regenerate address" in body


def test_feed_generates_meetings_up_to_the_horizon(ctx, alice, series, today):
    from truce.meetings.models import Meeting

    Meeting.objects.filter(series=series, date__gt=today + timedelta(days=7)).delete()
    calendar.feed_document(alice)
    assert Meeting.objects.filter(series=series, date__gt=today + timedelta(days=7)).exists()
