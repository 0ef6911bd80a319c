"""The interop page and the import wizard over HTTP."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from conftest import client_for
from truce.accounts.models import Workspace
from truce.interop.models import ImportJob
from truce.interop.tests.conftest import csv_upload
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_home_lists_recent_imports_in_bounded_queries(admin, ctx, django_assert_max_num_queries):
    from truce.interop.services import import_upload

    for i in range(5):
        import_upload(ctx=ctx, kind="requirements", upload=csv_upload(f"title\n{i}\n", f"f{i}.csv"))
    client = client_for(admin)
    with django_assert_max_num_queries(8):
        r = client.get(reverse("interop:home", args=["spark"]))
    body = r.content.decode()
    assert r.status_code == 200 and "f4.csv" in body and "Download a backup" in body


def test_home_in_chinese(admin, workspace):
    client = client_for(admin)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    r = client.get(reverse("interop:home", args=["spark"]))
    assert r.status_code == 200 and '<html lang="zh-hans">' in r.content.decode()


def test_wizard_upload_check_import(admin, workspace):
    client = client_for(admin)
    up = csv_upload("Summary,Status,Whatever\n灰度发布,In Progress,x\n,Done,y\n")
    r = client.post(
        reverse("interop:import_upload", args=["spark"]),
        {"kind": "requirements", "preset": "jira", "file": up},
    )
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/imports/{job.pk}/")
    page = client.get(r["Location"]).content.decode()
    assert "Whatever" in page and 'value="title" selected' in page and "灰度发布" in page
    run = reverse("interop:import_run", args=["spark", job.pk])
    data = {"col_0": "title", "col_1": "status", "col_2": "", "estimate_unit": "days"}
    client.post(run, {**data, "action": "check"})
    job.refresh_from_db()
    assert job.status == "checked" and job.error_count == 1 and not Requirement.objects.exists()
    status = client.get(reverse("interop:import_status", args=["spark", job.pk])).content.decode()
    assert (
        "1 error" in status
        and "This field cannot be blank." in status
        and "hx-trigger" not in status
    )
    client.post(run, {**data, "action": "import"})
    job.refresh_from_db()
    assert job.status == "failed" and not Requirement.objects.exists()
    page = client.get(reverse("interop:import_job", args=["spark", job.pk])).content.decode()
    assert "Nothing was imported" in page and "First rows" in page and 'id="import-button"' in page


def test_wizard_imports_a_clean_file(admin, workspace):
    client = client_for(admin)
    client.post(
        reverse("interop:import_upload", args=["spark"]),
        {"kind": "requirements", "file": csv_upload("标题\n甲\n")},
    )
    job = ImportJob.objects.get()
    r = client.post(
        reverse("interop:import_run", args=["spark", job.pk]),
        {"col_0": "title", "action": "import"},
        follow=True,
    )
    assert "1 row imported." in r.content.decode() and Requirement.objects.get().title == "甲"


def test_wizard_shows_upload_and_mapping_errors(admin, workspace):
    client = client_for(admin)
    r = client.post(
        reverse("interop:import_upload", args=["spark"]),
        {"kind": "requirements", "file": csv_upload("x", "a.pdf")},
    )
    assert r.status_code == 400 and "Upload a .csv" in r.content.decode()
    client.post(
        reverse("interop:import_upload", args=["spark"]),
        {"kind": "requirements", "file": csv_upload("a\nb\n")},
    )
    job = ImportJob.objects.get()
    r = client.post(
        reverse("interop:import_run", args=["spark", job.pk]), {"col_0": "", "action": "check"}
    )
    assert r.status_code == 400 and "Choose a column for: Title" in r.content.decode()


def test_running_job_polls(admin, ctx):
    from truce.interop.services import import_upload

    job = import_upload(ctx=ctx, kind="requirements", upload=csv_upload("title\na\n"))
    ImportJob.objects.filter(pk=job.pk).update(status="checking", progress_done=0)
    body = (
        client_for(admin)
        .get(reverse("interop:import_status", args=["spark", job.pk]))
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in body and "<progress" in body


def test_backup_download_and_restore_upload(admin, ctx):
    requirement_create(ctx=ctx, title="灰度发布")
    client = client_for(admin)
    r = client.post(reverse("interop:backup", args=["spark"]))
    archive = b"".join(r.streaming_content)
    assert (
        r["Content-Type"] == "application/zip"
        and "manifest.json" in zipfile.ZipFile(io.BytesIO(archive)).namelist()
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.zip", archive)
    r = client.post(reverse("interop:restore", args=["spark"]), {"slug": "spark-2", "file": upload})
    assert r.status_code == 302 and r["Location"] == reverse("accounts:overview", args=["spark-2"])
    assert (
        Requirement.objects.get(workspace=Workspace.objects.get(slug="spark-2")).title == "灰度发布"
    )
    r = client.post(
        reverse("interop:restore", args=["spark"]),
        {"slug": "spark-2", "file": SimpleUploadedFile("b.zip", archive)},
    )
    assert r.status_code == 400 and "This short name is taken." in r.content.decode()
