from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, client_for
from truce.accounts.models import Membership, Workspace
from truce.accounts.services import token_create

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _, raw = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_me_with_bearer_token(alice):
    r = bearer(alice).get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["username"] == "alice"


def test_revoked_or_garbage_token_is_401(alice):
    r = Client(HTTP_AUTHORIZATION="Bearer truce_nope").get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_session_write_requires_csrf(alice):
    client = client_for(alice, enforce_csrf=True)
    r = client.patch("/api/v1/me", {"display_name": "X"}, content_type="application/json")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    client.get("/accounts/profile/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    r = client.patch(
        "/api/v1/me",
        {"display_name": "爱丽"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 200 and r.json()["display_name"] == "爱丽"


def test_bearer_write_needs_no_csrf(alice):
    r = bearer(alice).patch("/api/v1/me", {"language": "zh-hans"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["language"] == "zh-hans"


def test_workspace_list_and_create(alice, charlie):
    client = bearer(alice)
    assert [w["slug"] for w in client.get("/api/v1/workspaces").json()] == ["spark"]
    r = client.post("/api/v1/workspaces", {"name": "Campaign Lab"}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    assert body["role"] == "admin" and body["slug"] == "campaign-lab"
    assert not Membership.objects.filter(user=charlie, workspace__slug="campaign-lab").exists()


def test_validation_errors_use_the_envelope_with_fields(alice):
    r = bearer(alice).post("/api/v1/workspaces", {"name": ""}, content_type="application/json")
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid" and "name" in err["fields"]


def test_malformed_json_is_a_4xx_not_500(alice):
    r = bearer(alice).post("/api/v1/workspaces", "{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    assert "error" in r.json()


def test_errors_are_translated(alice, olivia):
    alice.language = ""  # no profile choice: the Accept-Language header decides
    alice.save()
    client = bearer(alice)
    r = client.post(
        "/api/v1/workspaces", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["name"] == ["这个字段是必填项。"]
    olivia.language = "zh-hans"  # a profile choice beats the header, also with a token
    olivia.save()
    r = bearer(olivia).post("/api/v1/workspaces", {}, content_type="application/json")
    assert r.json()["error"]["fields"]["name"] == ["这个字段是必填项。"]


def test_workspace_patch_needs_if_match(admin, workspace):
    client = bearer(admin)
    r = client.get("/api/v1/workspaces/spark")
    etag = r["ETag"]
    body = {"name": "星火 2", "description": ""}
    r = client.patch("/api/v1/workspaces/spark", body, content_type="application/json")
    assert r.status_code == 428 and r.json()["error"]["code"] == "precondition_required"
    r = client.patch(
        "/api/v1/workspaces/spark", body, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r["ETag"] != etag
    r = client.patch(
        "/api/v1/workspaces/spark",
        {"name": "lost", "description": ""},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 412 and r.json()["error"]["code"] == "stale"
    assert Workspace.objects.get(slug="spark").name == "星火 2"


def test_member_update_and_last_admin_conflict(admin, alice):
    client = bearer(admin)
    members = client.get("/api/v1/workspaces/spark/members").json()
    alice_row = next(m for m in members if m["user"]["username"] == "alice")
    url = f"/api/v1/workspaces/spark/members/{alice_row['id']}"
    etag = client.get(url)["ETag"]
    r = client.patch(
        url,
        {"role": "lead", "side": "product"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 200 and r.json()["role"] == "lead"
    me = next(m for m in members if m["user"]["username"] == "admin")
    url = f"/api/v1/workspaces/spark/members/{me['id']}"
    r = client.patch(
        url,
        {"role": "viewer", "side": "product"},
        content_type="application/json",
        HTTP_IF_MATCH=client.get(url)["ETag"],
    )
    assert r.status_code == 409


def test_member_patch_rejects_unknown_role(admin, alice):
    client = bearer(admin)
    mid = Membership.objects.get(user=alice).pk
    r = client.patch(
        f"/api/v1/workspaces/spark/members/{mid}",
        {"role": "boss", "side": "x"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{mid}-1"',
    )
    assert r.status_code == 422
    assert {"role", "side"} <= set(r.json()["error"]["fields"])


def test_invitations_create_list_revoke(admin):
    client = bearer(admin)
    r = client.post(
        "/api/v1/workspaces/spark/invitations",
        {"role": "viewer", "side": "product"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert "/invitations/" in r.json()["url"]
    listed = client.get("/api/v1/workspaces/spark/invitations").json()
    assert [i["id"] for i in listed] == [r.json()["id"]]
    assert (
        client.delete(f"/api/v1/workspaces/spark/invitations/{listed[0]['id']}").status_code == 204
    )
    assert client.get("/api/v1/workspaces/spark/invitations").json() == []


def test_tokens_create_list_revoke(alice, olivia):
    client = bearer(alice)
    body = {"name": "脚本", "password": PASSWORD}  # a bearer token always confirms the password
    r = client.post("/api/v1/tokens", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["token"].startswith("truce_")
    rows = client.get("/api/v1/tokens").json()
    assert "token" not in rows[0]
    assert bearer(olivia).delete(f"/api/v1/tokens/{r.json()['id']}").status_code == 404
    assert client.delete(f"/api/v1/tokens/{r.json()['id']}").status_code == 204


def test_openapi_document_is_public(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/workspaces/{slug}/members" in r.json()["paths"]


def test_nul_characters_are_a_422_not_a_500(alice):
    api = bearer(alice)
    r = api.post(
        "/api/v1/workspaces", {"name": "a", "slug": "\x00x"}, content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["slug"] == ["Null characters are not allowed."]
    assert api.get("/api/v1/workspaces/sp%00ark").status_code == 404
    r = api.get("/api/v1/workspaces/spark/requirements", {"q": "a\x00"})
    assert r.status_code == 422
