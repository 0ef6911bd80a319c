"""truce import / export / backup / restore through truce.cli.main."""

from __future__ import annotations

import csv

import pytest

from truce.accounts.models import Workspace
from truce.cli import main
from truce.requirements.models import Requirement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jira_file(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(
        "Summary,Status,Labels,Labels\n灰度发布,In Progress,a,b\n拉新,Done,,\n",
        encoding="utf-8-sig",
    )
    return path


def test_import_dry_run_then_import(admin, workspace, jira_file, capsys):
    assert (
        main(
            [
                "import",
                str(jira_file),
                "--workspace",
                "spark",
                "--kind",
                "requirements",
                "--preset",
                "jira",
                "--dry-run",
            ]
        )
        == 0
    )
    assert not Requirement.objects.exists()
    assert (
        main(
            [
                "import",
                str(jira_file),
                "--workspace",
                "spark",
                "--kind",
                "requirements",
                "--preset",
                "jira",
            ]
        )
        == 0
    )
    assert Requirement.objects.count() == 2 and "2 imported" in capsys.readouterr().out


def test_import_with_errors_exits_1(admin, workspace, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("title,status\nok,proposed\n,nope\n", encoding="utf-8")
    assert main(["import", str(path), "--workspace", "spark", "--kind", "requirements"]) == 1
    err = capsys.readouterr().err
    assert (
        "row 3, title" in err and "nothing was imported" in err and not Requirement.objects.exists()
    )
    assert main(["import", str(path), "--workspace", "nope", "--kind", "requirements"]) == 2


def test_export_backup_restore(admin, ctx, tmp_path):
    from truce.requirements.services import requirement_create

    requirement_create(ctx=ctx, title="灰度发布")
    out = tmp_path / "r.csv"
    assert (
        main(
            [
                "export",
                "--workspace",
                "spark",
                "--kind",
                "requirements",
                "--format",
                "csv",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[1][1] == "灰度发布"
    assert (
        main(
            ["export", "--workspace", "spark", "--kind", "feedback", "-o", str(tmp_path / "f.xlsx")]
        )
        == 0
    )
    archive = tmp_path / "spark.zip"
    assert main(["backup", "--workspace", "spark", "-o", str(archive)]) == 0
    assert main(["restore", str(archive), "--as", "spark-restored"]) == 0
    restored = Workspace.objects.get(slug="spark-restored")
    assert Requirement.objects.get(workspace=restored).title == "灰度发布"
    assert main(["restore", str(archive), "--as", "spark-restored"]) == 2
