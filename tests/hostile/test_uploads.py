"""Uploaded files: imports (page and API) and backup restores, checked by extension, by content
and by size, with the reason in words; a refused file leaves no job, no stored file and no
workspace behind. (Truce has no avatars or attachments; imports and restores are the only
uploads.)"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from truce.accounts.models import Workspace
from truce.core.access import access_workspace
from truce.interop.archive import backup_write
from truce.interop.models import ImportJob
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db

CSV = "标题,状态\n灰度发布,进行中\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads land in a folder of this test, so "nothing stored" can be checked."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def _xlsx(rows=(("标题",), ("灰度发布",))) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _with_macro(data: bytes) -> bytes:
    """A real workbook with a VBA project added, as Excel saves .xlsm (then renamed .xlsx)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 100
    return _zip(members)


def _bomb(megabytes: int = 100) -> bytes:
    """A valid-looking workbook whose one sheet unpacks to ``megabytes`` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sheet.main+xml" PartName="/xl/workbook.xml"/></Types>',
        )
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(block)
    return out.getvalue()


PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
# (file name, content, words the refusal must contain)
REFUSED = [
    ("tool.exe", PE, "Upload a .csv"),
    ("page.html", b"<html><script>alert(1)</script></html>", "Upload a .csv"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a .csv"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Old .xls workbooks"),
    ("no-extension", CSV, "Upload a .csv"),
    ("data.csv", PE, "program or a script"),
    ("data.csv", ELF, "program or a script"),
    ("data.csv", b"#!/bin/sh\nrm -rf ~\n", "program or a script"),
    ("data.csv", b"\xef\xbb\xbf  <!DOCTYPE html><html><body>a,b</body></html>", "web page"),
    ("data.csv", b"<script>fetch('/api/v1/tokens')</script>,a\n1,2\n", "web page"),
    ("data.csv", b'<svg onload="alert(1)"><text>a,b</text></svg>', "web page"),
    (
        "data.csv",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        "web page",
    ),
    ("data.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not a text CSV"),
    ("data.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a text CSV"),
    ("data.csv", _xlsx(), "not a text CSV"),
    ("data.csv", b"title\n" + b"a\n" * 3000 + b"b\x00c\n", "not a text CSV"),
    ("data.csv", b"title\n\x80\xff\x80\xff\n", "text encoding"),
    ("data.xlsx", CSV, "not an Excel .xlsx"),
    ("data.xlsx", b"<html></html>", "not an Excel .xlsx"),
    (
        "data.xlsx",
        _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}),
        "not an Excel .xlsx",
    ),
    ("data.xlsx", b"PK\x03\x04 truncated", "not an Excel .xlsx"),
    ("data.xlsx", _with_macro(_xlsx()), "macros"),
]


@pytest.mark.parametrize(
    ("name", "content", "words"), REFUSED, ids=[f"{n}:{w}" for n, _c, w in REFUSED]
)
def test_page_import_refuses_disguised_and_unreadable_files(
    admin, workspace, _media, name, content, words
):
    r = client_for(admin).post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile(name, content)},
    )
    body = r.content.decode()
    assert r.status_code == 400 and words in body, body[:2000]
    assert 'class="field-error"' in body
    assert not ImportJob.objects.exists() and not _stored(_media)


@pytest.mark.parametrize(("name", "content", "words"), REFUSED[:12:3])
def test_api_import_refuses_with_the_error_envelope(admin, workspace, _media, name, content, words):
    r = client_for(admin).post(
        f"/api/v1/workspaces/{workspace.slug}/imports",
        {"kind": "requirements", "file": SimpleUploadedFile(name, content)},
    )
    error = r.json()["error"]
    assert r.status_code == 400 and words in error["fields"]["file"][0], error
    assert not ImportJob.objects.exists() and not _stored(_media)


def test_zip_bomb_disguised_as_a_workbook_is_refused_unread(admin, workspace, _media):
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024  # a small upload ...
    r = client_for(admin).post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile("big.xlsx", bomb)},
    )
    assert r.status_code == 400 and "would unpack to 100 MB" in r.content.decode()
    assert not ImportJob.objects.exists() and not _stored(_media)


def _with_entities(part: str) -> bytes:
    """A workbook whose ``part`` declares XML entities (the billion-laughs shape, kept small)
    and uses one in place of a cell's text."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            data = source.read(name)
            if name == part:
                doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "lol">'
                doctype += b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                data = doctype + data.replace("灰度发布".encode(), b"&b;")
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_a_workbook_declaring_xml_entities_is_refused(admin, workspace, _media, part):
    """V5.5.2: openpyxl parses through defusedxml, which refuses entity declarations (without
    it the entity above expands into the cell)."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    client = client_for(admin)
    r = client.post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile("lol.xlsx", _with_entities(part))},
    )
    assert r.status_code == 400 and "declares XML entities" in r.content.decode()
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    r = client.post(
        f"/api/v1/workspaces/{workspace.slug}/imports",
        {"kind": "requirements", "file": SimpleUploadedFile("lol.xlsx", _with_entities(part))},
    )
    assert r.status_code == 400 and "XML 实体" in r.json()["error"]["fields"]["file"][0]
    assert not ImportJob.objects.exists() and not _stored(_media)


def test_size_limit_comes_from_settings_and_is_translated(admin, workspace, settings, _media):
    settings.TRUCE_IMPORT_MAX_BYTES = 1024 * 1024
    big = b"title\n" + "灰度发布\n".encode() * 100_000  # 1.3 MB
    client = client_for(admin)
    r = client.post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile("big.csv", big)},
    )
    assert r.status_code == 400 and "The file is larger than 1 MB." in r.content.decode()
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    r = client.post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile("big.csv", big)},
    )
    assert r.status_code == 400 and "文件大小超过 1 MB。" in r.content.decode()
    assert not ImportJob.objects.exists() and not _stored(_media)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pool.csv", CSV),
        ("pool.txt", "标题\t状态\n灰度发布\t进行中\n".encode("utf-16")),
        ("pool.csv", "标题,状态\n灰度发布,进行中\n".encode("gb18030")),
        ("pool.csv", b"MZ-code,title\nMZ-1,a\n"),  # text that merely starts like a program
        ("pool.XLSX", _xlsx()),
    ],
)
def test_real_tables_still_upload(admin, workspace, name, content):
    r = client_for(admin).post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile(name, content)},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert ImportJob.objects.get().filename == name


def test_file_names_lose_control_and_direction_characters(admin, workspace):
    """ "\u202e" would show "evil\u202egpj.csv" as "evilvsc.jpg"; NUL cannot be stored."""
    client_for(admin).post(
        reverse("interop:import_upload", args=[workspace.slug]),
        {"kind": "requirements", "file": SimpleUploadedFile("ev\x07il\u202egpj.csv", CSV)},
    )
    assert ImportJob.objects.get().filename == "evilgpj.csv"


# Restore ---------------------------------------------------------------------------------------


def _backup(workspace) -> bytes:
    out = io.BytesIO()
    backup_write(workspace, out)
    return out.getvalue()


def _edited(archive: bytes, member: str, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    members = {name: source.read(name) for name in source.namelist()}
    members[member] = edit(members[member])
    return _zip(members)


def _restore(client, workspace, name, content, slug="restored"):
    return client.post(
        reverse("interop:restore", args=[workspace.slug]),
        {"slug": slug, "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def archive(admin, workspace) -> bytes:
    requirement_create(ctx=access_workspace(admin, workspace.slug), title="灰度发布")
    return _backup(workspace)


def _nul_title(data: bytes) -> bytes:
    rows = [json.loads(line) for line in data.decode().splitlines() if line]
    rows[0]["fields"]["title"] = "灰度\x00发布"
    return "\n".join(json.dumps(r) for r in rows).encode()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("backup.html", b"<html></html>", "This is not a Truce backup (a .zip file)."),
        ("backup.zip", b"<html></html>", "This is not a Truce backup (a .zip file)."),
        ("backup.zip", PE, "This is not a Truce backup (a .zip file)."),
        ("backup.zip", _xlsx(), "This is not a Truce backup."),
        ("backup.zip", _bomb(), "This backup cannot be read safely."),
        ("backup.zip", b"PK\x03\x04 truncated", "This is not a Truce backup."),
    ],
)
def test_restore_refuses_files_that_are_not_backups(admin, workspace, name, content, words):
    r = _restore(client_for(admin), workspace, name, content)
    assert r.status_code == 400 and words in r.content.decode()
    assert not Workspace.objects.filter(slug="restored").exists()


@pytest.mark.parametrize(
    ("member", "edit"),
    [
        ("manifest.json", lambda d: d.replace(b'"workspace"', b'"space"')),
        ("data/requirements.requirement.jsonl", lambda d: d[: len(d) // 2]),
        ("data/requirements.requirement.jsonl", lambda d: d.replace(b'"title"', b'"titel"')),
        (
            "data/requirements.requirement.jsonl",
            lambda d: d.replace(b'"number": 1', b'"number": "x"'),
        ),
        ("data/requirements.requirement.jsonl", _nul_title),
        ("users.jsonl", lambda d: b""),
    ],
    ids=["manifest", "truncated", "unknown-field", "wrong-type", "nul", "users-missing"],
)
def test_restore_refuses_damaged_backups_and_restores_nothing(
    admin, workspace, archive, member, edit
):
    damaged = _edited(archive, member, edit)
    r = _restore(client_for(admin), workspace, "backup.zip", damaged)
    assert r.status_code == 400, r.content.decode()[:2000]
    assert (
        'class="field-error"' in r.content.decode() or 'class="form-errors"' in r.content.decode()
    )
    assert not Workspace.objects.filter(slug="restored").exists()
    assert Requirement.objects.count() == 1


def test_restore_size_limit(admin, workspace, archive, settings):
    settings.TRUCE_RESTORE_MAX_BYTES = len(archive) - 1
    r = _restore(client_for(admin), workspace, "backup.zip", archive)
    assert r.status_code == 400 and "The file is larger than" in r.content.decode()
    settings.TRUCE_RESTORE_MAX_BYTES = len(archive)
    r = _restore(client_for(admin), workspace, "backup.zip", archive)
    assert r.status_code == 302 and Workspace.objects.filter(slug="restored").exists()
