from __future__ import annotations

import pytest
from django.test import Client

from truce.accounts.services import token_create
from truce.core.history import record
from truce.discussion import services
from truce.discussion.models import Comment, Notification

pytestmark = pytest.mark.django_db
W = "/api/v1/workspaces/spark"


def bearer(user) -> Client:
    _, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def send(client, method, url, body=None, **extra):
    return getattr(client, method)(url, body or {}, content_type="application/json", **extra)


def test_comment_lifecycle_over_the_api(alice, olivia, req, django_capture_on_commit_callbacks):
    api = bearer(alice)
    ref = f"requirement:{req.number}"
    with django_capture_on_commit_callbacks(execute=True):
        r = send(api, "post", f"{W}/comments", {"subject": ref, "body": "@olivia 看 *这里*"})
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["subject"] == ref and made["mentioned"][0]["username"] == "olivia"
    assert "<em>这里</em>" in made["body_html"] and r["ETag"] == f'W/"{made["id"]}-1"'
    assert Notification.objects.filter(recipient=olivia, category="mention").exists()
    listed = api.get(f"{W}/comments", {"subject": ref}).json()
    assert [c["id"] for c in listed] == [made["id"]]
    url = f"{W}/comments/{made['id']}"
    assert send(api, "patch", url, {"body": "改"}).status_code == 428
    etag = api.get(url)["ETag"]
    r = send(api, "patch", url, {"body": "改了"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["edited_at"]
    assert send(api, "patch", url, {"body": "再改"}, HTTP_IF_MATCH=etag).status_code == 412
    r = send(bearer(olivia), "delete", url, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 403
    r = send(api, "delete", url, HTTP_IF_MATCH=f'W/"{made["id"]}-2"')
    assert r.status_code == 204
    assert api.get(url).json()["deleted"] is True and api.get(url).json()["body"] == ""


def test_a_long_thread_is_read_in_pages_with_a_fixed_number_of_queries(
    alice, olivia, ctx, req, django_assert_num_queries
):
    api = bearer(alice)
    ref = f"requirement:{req.number}"
    services.comment_create(ctx=ctx, subject=req, body="@olivia 第一条")
    api.get(f"{W}/comments", {"subject": ref})  # the token's last use is saved once
    with django_assert_num_queries(6) as short:
        one = api.get(f"{W}/comments", {"subject": ref})
    for n in range(2, 7):
        services.comment_create(ctx=ctx, subject=req, body=f"@olivia @alice 第{n}条")
    with django_assert_num_queries(len(short)):
        whole = api.get(f"{W}/comments", {"subject": ref})
    assert one["X-Total-Count"] == "1" and whole["X-Total-Count"] == "6"
    thread = whole.json()
    assert [c["body"] for c in thread] == ["@olivia 第一条"] + [
        f"@olivia @alice 第{n}条" for n in range(2, 7)
    ]
    assert [u["username"] for u in thread[0]["mentioned"]] == ["olivia"]
    assert sorted(u["username"] for u in thread[1]["mentioned"]) == ["alice", "olivia"]
    assert thread[0]["author"]["username"] == "alice" and thread[0]["subject"] == ref
    page = api.get(f"{W}/comments", {"subject": ref, "limit": 2, "offset": 2})
    assert [c["id"] for c in page.json()] == [c["id"] for c in thread[2:4]]
    assert page["X-Total-Count"] == "6"
    beyond = api.get(f"{W}/comments", {"subject": ref, "offset": 10})
    assert beyond.json() == [] and beyond["X-Total-Count"] == "6"
    assert api.get(f"{W}/comments", {"subject": ref, "limit": 501}).status_code == 422


def test_comment_errors_are_4xx(alice, victor, req, kr):
    api = bearer(alice)
    assert api.get(f"{W}/comments").status_code == 400
    assert api.get(f"{W}/comments", {"subject": "requirement:999"}).status_code == 404
    assert api.get(f"{W}/comments", {"subject": "nope:1"}).status_code == 404
    r = send(api, "post", f"{W}/comments", {"subject": f"keyresult:{kr.pk}", "body": "   "})
    assert r.status_code == 400 and "body" in r.json()["error"]["fields"]
    r = send(api, "post", f"{W}/comments", {"subject": f"keyresult:{kr.pk}"})
    assert r.status_code == 422
    body = {"subject": f"requirement:{req.number}", "body": "x"}
    assert send(bearer(victor), "post", f"{W}/comments", body).status_code == 403


def test_follow_over_the_api(victor, req):
    api = bearer(victor)
    ref = f"requirement:{req.number}"
    r = send(api, "put", f"{W}/following", {"subject": ref, "follow": True})
    assert r.status_code == 200 and r.json() == {"subject": ref, "following": True}


def test_mention_suggestions_and_activity(ctx, alice, olivia, req):
    api = bearer(alice)
    found = api.get(f"{W}/mention-suggestions", {"q": "oli"}).json()
    assert [p["username"] for p in found] == ["olivia"]
    services.comment_create(ctx=ctx, subject=req, body="活动流")
    record(workspace=ctx.workspace, actor=alice, subject=req, verb="updated", changes={})
    page = api.get(f"{W}/activity").json()
    assert [i["kind"] for i in page["items"]] == ["change", "comment", "change"]  # + created
    assert page["items"][1]["sentence"] == f"Alice commented on #{req.number} 会员积分抵扣运费"
    assert api.get(f"{W}/activity", {"kind": "comment"}).json()["items"][0]["excerpt"] == "活动流"
    assert api.get(f"{W}/activity", {"person": olivia.pk}).json()["items"] == []
    assert api.get(f"{W}/activity", {"page": 0}).status_code == 422


def test_inbox_read_and_read_all(ctx, req, olivia, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(2):
            services.comment_create(ctx=ctx, subject=req, body=f"@olivia {i}")
    api = bearer(olivia)
    inbox = api.get("/api/v1/inbox").json()
    assert inbox["unread"] == 2 and inbox["items"][0]["category"] == "mention"
    assert inbox["items"][0]["workspace"] == "spark" and inbox["items"][0]["excerpt"] == "@olivia 1"
    first = inbox["items"][0]["id"]
    assert send(bearer(alice), "post", f"/api/v1/inbox/{first}/read").status_code == 404
    r = send(api, "post", f"/api/v1/inbox/{first}/read")
    assert r.status_code == 200 and r.json()["read"] is True
    assert api.get("/api/v1/inbox", {"unread": "true"}).json()["unread"] == 1
    assert send(api, "post", "/api/v1/inbox/read-all").json() == {"marked": 1}
    assert api.get("/api/v1/inbox", {"unread": "true"}).json()["items"] == []


def test_preferences_get_and_put(alice):
    api = bearer(alice)
    r = api.get("/api/v1/notification-preferences")
    cats = {c["category"]: (c["in_app"], c["email"]) for c in r.json()["categories"]}
    assert cats["mention"] == (True, True) and cats["decision"] == (True, False)
    body = {"choices": {"decision": {"in_app": True, "email": True}}}
    url = "/api/v1/notification-preferences"
    assert send(api, "put", url, body).status_code == 428
    r = send(api, "put", url, body, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200 and r.json()["version"] == 2
    bad = {"choices": {"spam": {"in_app": True, "email": True}}}
    r = send(api, "put", url, bad, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 400 and "choices" in r.json()["error"]["fields"]
    assert Comment.objects.count() == 0
