"""The interop API: upload, mapping, dry run, commit, status; exports and backups."""

from __future__ import annotations

import pytest

from conftest import client_for
from truce.interop.tests.conftest import csv_upload
from truce.requirements.models import Requirement

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workspaces/spark"


def test_import_flow(admin, workspace):
    client = client_for(admin)
    r = client.post(
        f"{BASE}/imports",
        {
            "kind": "requirements",
            "preset": "zentao",
            "file": csv_upload("需求名称,状态,备注\n一键支付,激活,x\n"),
        },
    )
    assert r.status_code == 201, r.content
    job = r.json()
    assert job["mapping"] == {"0": "title", "1": "status"} and job["estimate_unit"] == "hours"
    r = client.put(
        f"{BASE}/imports/{job['id']}/mapping",
        {"mapping": {"0": "title", "1": "status", "2": "description"}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["mapping"]["2"] == "description"
    r = client.post(f"{BASE}/imports/{job['id']}/dry-run")
    assert (
        r.status_code == 200
        and r.json()["status"] == "checked"
        and not Requirement.objects.exists()
    )
    r = client.post(f"{BASE}/imports/{job['id']}/commit")
    assert r.status_code == 200 and r.json()["created_count"] == 1
    assert Requirement.objects.get().description == "x"
    assert client.get(f"{BASE}/imports/{job['id']}").json()["status"] == "done"
    assert client.post(f"{BASE}/imports/{job['id']}/commit").status_code == 409


def test_row_errors_in_the_api(admin, workspace):
    client = client_for(admin)
    job = client.post(
        f"{BASE}/imports", {"kind": "requirements", "file": csv_upload("title,status\n,nope\n")}
    ).json()
    body = client.post(f"{BASE}/imports/{job['id']}/commit").json()
    assert body["status"] == "failed" and body["error_count"] == 2
    assert {e["column"] for e in body["errors"]} == {"title", "status"} and body["errors"][0][
        "row"
    ] == 2


def test_bad_uploads_are_400(admin, workspace):
    client = client_for(admin)
    r = client.post(f"{BASE}/imports", {"kind": "requirements"})
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    r = client.post(f"{BASE}/imports", {"kind": "nope", "file": csv_upload("a\nb\n")})
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = client.put(f"{BASE}/imports/999/mapping", {"mapping": {}}, content_type="application/json")
    assert r.status_code == 404


def test_export_and_backup(admin, victor, ctx):
    from truce.requirements.services import requirement_create

    requirement_create(ctx=ctx, title="=1+1")
    r = client_for(victor).get(f"{BASE}/exports/requirements?format=csv")
    assert r.status_code == 200 and "'=1+1" in b"".join(r.streaming_content).decode("utf-8-sig")
    assert client_for(victor).get(f"{BASE}/exports/nope").status_code == 422
    r = client_for(admin).get(f"{BASE}/backup")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
