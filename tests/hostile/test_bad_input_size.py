"""Request size: bodies beyond DATA_UPLOAD_MAX_MEMORY_SIZE get 413, too many fields or files
400, each with a message in the reader's language, for pages and the API alike; nothing is
written. Uploaded files do not count towards the body limit (they have their own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from truce.customers.models import Customer
from truce.interop.models import ImportJob
from truce.requirements.models import Requirement

pytestmark = pytest.mark.django_db
API = "/api/v1/workspaces/spark"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def _over_the_limit(settings) -> str:
    return "灰" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)  # 3 bytes each in UTF-8


def test_limits_are_set_deliberately():
    import truce.settings as shipped

    if "TRUCE_MAX_BODY_KB" not in os.environ:
        assert shipped.DATA_UPLOAD_MAX_MEMORY_SIZE == 2560 * 1024
    assert shipped.FILE_UPLOAD_MAX_MEMORY_SIZE == 2560 * 1024
    assert shipped.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert shipped.DATA_UPLOAD_MAX_NUMBER_FILES == 10


def test_limits_follow_the_environment():
    env = {
        **os.environ,
        "TRUCE_MAX_BODY_KB": "64",
        "TRUCE_MAX_FORM_FIELDS": "50",
        "TRUCE_IMPORT_MAX_MB": "5",
        "TRUCE_RESTORE_MAX_MB": "7",
    }
    code = (
        "import truce.settings as s; print(s.DATA_UPLOAD_MAX_MEMORY_SIZE, "
        "s.DATA_UPLOAD_MAX_NUMBER_FIELDS, s.TRUCE_IMPORT_MAX_BYTES, s.TRUCE_RESTORE_MAX_BYTES)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["65536", "50", str(5 * 1024**2), str(7 * 1024**2)]


def test_api_body_too_large_is_413_in_the_error_envelope(admin, workspace, settings):
    body = json.dumps({"title": "x", "description": _over_the_limit(settings)})
    r = client_for(admin).post(f"{API}/requirements", body, content_type="application/json")
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["code"] == "too_large"
    assert error["message"] == "The request is too large: at most 2.5\xa0MB."
    assert not Requirement.objects.exists()


def test_page_body_too_large_is_413_with_a_page(admin, workspace, settings):
    r = client_for(admin).post(
        reverse("requirements:new", args=[workspace.slug]),
        {"title": "x", "description": _over_the_limit(settings)},
    )
    assert r.status_code == 413
    body = r.content.decode()
    assert "The request is too large: at most 2.5\xa0MB." in body and 'role="alert"' in body
    assert '<html lang="en"' in body  # the site's own page, in the reader's language
    assert not Requirement.objects.exists()


def test_page_body_too_large_in_chinese(admin, workspace, settings):
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    r = client_for(admin).post(
        reverse("customers:new", args=[workspace.slug]), {"name": _over_the_limit(settings)}
    )
    assert r.status_code == 413 and '<html lang="zh-hans"' in r.content.decode()
    assert not Customer.objects.exists()


def test_too_many_fields(admin, workspace, settings):
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    r = client_for(admin).post(
        reverse("customers:new", args=[workspace.slug]), {**fields, "name": "京东"}
    )
    assert r.status_code == 400 and "The request has too many fields." in r.content.decode()
    r = client_for(admin).post(f"{API}/imports", {**fields, "kind": "requirements"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_many_fields"
    assert not Customer.objects.exists() and not ImportJob.objects.exists()


def test_too_many_files(admin, workspace, settings):
    files = {
        f"file{i}": SimpleUploadedFile(f"{i}.csv", b"title\nx\n")
        for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    r = client_for(admin).post(f"{API}/imports", {**files, "kind": "requirements"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_many_files"
    assert not ImportJob.objects.exists()


def test_uploaded_files_do_not_count_towards_the_body_limit(admin, workspace, settings):
    """A 3 MB spreadsheet is fine (imports have their own, larger limit)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = ("title,description\n" + ("灰度发布," + "描" * 100 + "\n") * 10_000).encode()
    r = client_for(admin).post(
        f"{API}/imports", {"kind": "requirements", "file": SimpleUploadedFile("big.csv", big)}
    )
    assert r.status_code == 201, r.content[:500]
    assert len(big) > 3_000_000 and ImportJob.objects.get().rows_total == 10_000


def test_oversize_field_beside_a_file_is_413(admin, workspace, settings):
    r = client_for(admin).post(
        f"{API}/imports",
        {
            "kind": "requirements",
            "preset": _over_the_limit(settings),
            "file": SimpleUploadedFile("a.csv", b"title\nx\n"),
        },
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = client_for(admin).post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {
            "kind": "requirements",
            "preset": _over_the_limit(settings),
            "file": SimpleUploadedFile("a.csv", b"title\nx\n"),
        },
    )
    assert r.status_code == 413 and "The request is too large" in r.content.decode()
    assert not ImportJob.objects.exists()
