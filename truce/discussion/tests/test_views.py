from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from truce.core import events
from truce.core.history import record
from truce.discussion import services
from truce.discussion.models import Comment, Follow, Notification

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _detail(req):
    return reverse("requirements:detail", args=["spark", req.number])


def _create_url(req):
    return reverse("discussion:comment_create", args=["spark", "requirement", req.number])


def test_thread_on_requirement_page_costs_the_same_for_many_comments(
    ctx, octx, req, alice, django_assert_max_num_queries
):
    services.comment_create(ctx=ctx, subject=req, body="第一条")
    client = client_for(alice)
    client.get(_detail(req))  # the scorecard is created on first use; measure the steady state
    with CaptureQueriesContext(connection) as one:
        client.get(_detail(req))
    for i in range(10):
        services.comment_create(ctx=octx if i % 2 else ctx, subject=req, body=f"@alice 意见 {i}")
    with django_assert_max_num_queries(len(one)):
        r = client.get(_detail(req))
    body = r.content.decode()
    assert r.status_code == 200 and body.count('class="comment"') == 11
    assert '<span class="mention">@alice</span>' in body
    assert "/static/truce/discussion.js" in body and "data-mention-input" in body


def test_key_result_page_has_a_thread(ctx, kr, alice):
    services.comment_create(ctx=ctx, subject=kr, body="复购率本周 12%")
    r = client_for(alice).get(reverse("goals:key_result", args=["spark", kr.pk]))
    assert r.status_code == 200 and "复购率本周 12%" in r.content.decode()


def test_comment_with_htmx_returns_the_thread_and_without_redirects(alice, req):
    client = client_for(alice)
    r = client.post(_create_url(req), {"body": "**加急** @olivia"}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "<strong>加急</strong>" in body
    assert body.lstrip().startswith('<section class="card thread"') and "<html" not in body
    assert "Unfollow" in body  # the author follows now
    r = client.post(_create_url(req), {"body": "普通提交"})
    assert r.status_code == 302 and r["Location"].endswith(f"/requirements/{req.number}/#comments")
    assert Comment.objects.count() == 2


def test_empty_comment_shows_the_error(alice, req):
    r = client_for(alice).post(_create_url(req), {"body": "  "}, **HTMX)
    assert r.status_code == 422 and 'class="field-error"' in r.content.decode()
    r = client_for(alice).post(_create_url(req), {"body": ""})
    assert r.status_code == 302 and not Comment.objects.exists()


def test_edit_own_comment_and_stale_edit_keeps_the_draft(ctx, alice, olivia, req):
    c = services.comment_create(ctx=ctx, subject=req, body="原文")
    url = reverse("discussion:comment_edit", args=["spark", c.pk])
    client = client_for(alice)
    r = client.post(url, {"body": "改过", "version": 1}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "改过" in body and "(edited)" in body
    r = client.post(url, {"body": "我的草稿", "version": 1}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 412 and "Someone else changed this" in body
    assert "我的草稿" in body and 'name="version" value="2"' in body
    assert client_for(olivia).post(url, {"body": "x", "version": 2}).status_code == 403


def test_delete_leaves_a_marker(ctx, alice, req):
    c = services.comment_create(ctx=ctx, subject=req, body="要删掉的话")
    url = reverse("discussion:comment_delete", args=["spark", c.pk])
    r = client_for(alice).post(url, {"version": 1}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "This comment was deleted." in body and "要删掉的话" not in body
    r = client_for(alice).post(url, {"version": 1}, **HTMX)
    assert r.status_code == 200  # deleting again changes nothing


def test_follow_button_toggles(olivia, req):
    url = reverse("discussion:follow", args=["spark", "requirement", req.number])
    client = client_for(olivia)
    r = client.post(url, {"follow": "1"}, **HTMX)
    assert "Unfollow" in r.content.decode() and Follow.objects.filter(user=olivia).exists()
    client.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=olivia).exists()


def test_viewer_sees_the_thread_without_a_comment_box(ctx, victor, req):
    services.comment_create(ctx=ctx, subject=req, body="只读可见")
    body = client_for(victor).get(_detail(req)).content.decode()
    assert "只读可见" in body and "Add a comment" not in body


def test_mention_suggestions_by_username_or_display_name(alice, olivia, lena, charlie):
    url = reverse("discussion:mention_suggestions", args=["spark"])
    client = client_for(alice)
    assert [p["username"] for p in client.get(url, {"q": "ol"}).json()["results"]] == ["olivia"]
    assert [p["username"] for p in client.get(url, {"q": "@Le"}).json()["results"]] == ["lena"]
    assert client.get(url, {"q": "charlie"}).json()["results"] == []  # not a member here
    olivia.display_name = "欧阳丽娜"
    olivia.save(update_fields=["display_name"])
    found = client.get(url, {"q": "欧阳"}).json()["results"]
    assert found == [{"username": "olivia", "name": "欧阳丽娜"}]


def test_activity_stream_is_bounded_filterable_and_readable(
    ctx, octx, req, alice, olivia, django_assert_max_num_queries
):
    for i in range(40):
        services.comment_create(ctx=octx if i % 2 else ctx, subject=req, body=f"讨论 {i}")
    record(workspace=ctx.workspace, actor=alice, subject=req, verb="status", changes={})
    client = client_for(alice)
    url = reverse("discussion:activity", args=["spark"])
    with django_assert_max_num_queries(12):
        r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and body.count('class="activity-item') == 30
    assert f"Olivia commented on #{req.number} 会员积分抵扣运费" in body and 'rel="next"' in body
    r = client.get(url, {"kind": "change"})
    assert f"Alice moved #{req.number} 会员积分抵扣运费" in r.content.decode()
    r = client.get(url, {"person": olivia.pk, "page": 2})
    assert r.content.decode().count('class="activity-item') == 0
    r = client.get(url, {"person": olivia.pk, "kind": "comment"})
    body = r.content.decode()
    listed = body.split("activity-list")[1]
    assert body.count('class="activity-item') == 20 and "Alice" not in listed
    assert client.get(url, {"page": "x", "person": "y"}).status_code == 200


def _notify_olivia(ctx, req, capture, n=1):
    with capture(execute=True):
        for i in range(n):
            services.comment_create(ctx=ctx, subject=req, body=f"@olivia 第 {i} 条")


def test_inbox_badge_list_open_and_mark_all_read(
    ctx, req, olivia, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _notify_olivia(ctx, req, django_capture_on_commit_callbacks, n=3)
    client = client_for(olivia)
    home = client.get(reverse("discussion:inbox"))
    assert 'id="inbox-unread"' in home.content.decode()
    with django_assert_max_num_queries(8):
        r = client.get(reverse("discussion:inbox"))
    body = r.content.decode()
    assert body.count('class="notification is-unread"') == 3
    assert f"Alice mentioned you on #{req.number}" in body and "第 2 条" in body
    first = Notification.objects.filter(recipient=olivia).first()
    r = client.post(reverse("discussion:read", args=[first.pk]), {"open": "1"})
    assert r.status_code == 302 and f"/requirements/{req.number}/?comment=" in r["Location"]
    assert Notification.objects.filter(recipient=olivia, read_at__isnull=True).count() == 2
    r = client.get(reverse("discussion:inbox"), {"unread": "1"})
    assert r.content.decode().count('class="notification is-unread"') == 2
    client.post(reverse("discussion:read_all"))
    r = client.get(reverse("discussion:inbox"))
    assert 'id="inbox-unread"' not in r.content.decode()


def test_someone_elses_notification_is_not_found(ctx, req, alice, olivia):
    n = Notification.objects.create(
        workspace=ctx.workspace,
        recipient=olivia,
        event=events.emit(workspace=ctx.workspace, kind="x.y"),
        category="decision",
    )
    r = client_for(alice).post(reverse("discussion:read", args=[n.pk]))
    assert r.status_code == 404


def test_preferences_page_saves_and_refuses_a_stale_form(alice):
    client = client_for(alice)
    url = reverse("discussion:preferences")
    r = client.get(url)
    assert r.status_code == 200 and "Plan sign-off requests" in r.content.decode()
    form = {"version": 1, "mention_in_app": "on", "comment_email": "on"}
    assert client.post(url, form).status_code == 302
    prefs = services.preferences_for(alice)
    assert prefs.wants("mention") == (True, False) and prefs.wants("comment") == (False, True)
    r = client.post(url, form)
    assert r.status_code == 412 and 'name="version" value="2"' in r.content.decode()


def test_header_shows_the_unread_count_on_any_page(
    ctx, req, olivia, django_capture_on_commit_callbacks
):
    _notify_olivia(ctx, req, django_capture_on_commit_callbacks, n=2)
    r = client_for(olivia).get(reverse("accounts:overview", args=["spark"]))
    body = r.content.decode()
    assert 'id="inbox-link"' in body and ">2</span>" in body.split('id="inbox-unread"')[1]
