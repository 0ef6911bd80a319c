"""Imports through the service: presets, per-row errors, all or nothing, upload checks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, ValidationFailed
from truce.core.models import ChangeRecord, DomainEvent
from truce.core.search import fts_filter
from truce.customers.models import Customer, Feedback
from truce.interop import services
from truce.interop.models import ExternalKey, ImportJob
from truce.interop.tests.conftest import csv_upload, xlsx_upload
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db
State = ImportJob.State

JIRA = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Labels,Labels,Labels,"
    "Original Estimate,Description\n"
    "Checkout in one step,SHOP-1,10001,Story,In Progress,High,alice,growth,ux,,57600,Fewer taps\n"
    "Crash on login,SHOP-2,10002,Bug,Done,Highest,Nobody Known,,,,,\n"
    "Gray release,SHOP-3,10003,Epic,Won't Do,Low,,infra,,,28800,\n"
)
ZENTAO = (
    "编号,所属产品,所属模块,需求名称,需求描述,优先级,预计工时,状态,指派给\n"
    "101,星火商城,/支付,一键支付,减少步骤,1,16,激活,alice\n"
    "102,星火商城,/会员,会员日活动,,3,4,草稿,\n"
    "103,星火商城,,老需求,,2,,已关闭,\n"
)
PINGCODE = (
    "编号,标题,描述,状态,优先级,负责人,标签,估算\n"
    'SPK-1,直播带货入口,运营要的,进行中,最高,alice,"直播,618",8\n'
    "SPK-2,搜索联想,,已拒绝,低,,,\n"
)


def _import(ctx, text, *, kind="requirements", preset="", commit=True, name="data.csv"):
    job = services.import_upload(ctx=ctx, kind=kind, upload=csv_upload(text, name), preset=preset)
    return services.import_start(ctx=ctx, job=job, commit=commit)


def test_jira_preset(ctx, alice):
    job = _import(ctx, JIRA, preset="jira")
    assert job.status == State.DONE and job.created_count == 3, job.errors
    one = Requirement.objects.get(title="Checkout in one step")
    assert (one.status, one.kind, one.owner, one.estimate_days) == (
        "in_progress",
        "feature",
        alice,
        Decimal("2.0"),
    )
    assert sorted(t.name for t in one.tags.all()) == ["P1", "growth", "ux"]
    crash = Requirement.objects.get(title="Crash on login")
    assert (crash.status, crash.kind, crash.owner) == ("released", "bug", None)
    assert Requirement.objects.get(title="Gray release").status == "rejected"
    assert job.warning_count == 1 and "Nobody Known" in job.warnings[0]["message"]
    assert set(ExternalKey.objects.values_list("source", "key")) == {
        ("jira", f"SHOP-{i}") for i in (1, 2, 3)
    }


def test_zentao_preset(ctx):
    job = _import(ctx, ZENTAO, preset="zentao")
    assert job.status == State.DONE, job.errors
    pay = Requirement.objects.get(title="一键支付")
    assert (pay.status, pay.estimate_days, pay.description) == (
        "accepted",
        Decimal("2.0"),
        "减少步骤",
    )
    assert {"星火商城", "/支付", "P1"} == {t.name for t in pay.tags.all()}
    assert Requirement.objects.get(title="会员日活动").status == "proposed"
    assert Requirement.objects.get(title="老需求").status == "reviewed"


def test_pingcode_preset(ctx, alice):
    job = _import(ctx, PINGCODE, preset="pingcode")
    assert job.status == State.DONE, job.errors
    live = Requirement.objects.get(title="直播带货入口")
    assert (live.status, live.owner, live.estimate_days) == ("in_progress", alice, Decimal("1.0"))
    assert {"直播", "618", "P0"} == {t.name for t in live.tags.all()}
    assert Requirement.objects.get(title="搜索联想").status == "rejected"


def test_numbers_follow_existing_and_history_search_and_event(ctx):
    requirement_create(ctx=ctx, title="已有")
    _import(ctx, "标题,描述\n灰度发布新版,**加粗** 说明\n")
    new = Requirement.objects.get(title="灰度发布新版")
    assert new.number == 2 and new.created_by == ctx.membership.user
    assert "<strong>加粗</strong>" in new.description_html
    assert fts_filter(Requirement.objects.all(), "灰度").get() == new
    assert ChangeRecord.objects.filter(
        subject_type="requirement", subject_id=new.pk, verb="created"
    ).exists()
    assert DomainEvent.objects.filter(kind="import.completed", data__count=1).exists()


def test_row_errors_name_row_column_and_nothing_is_written(ctx):
    text = (
        "Title,Status,Estimate\n"
        "Good one,proposed,2\n"
        f"{'x' * 201},proposed,1\n"
        "Bad status,maybe,1\n"
        ",proposed,1\n"
        "Bad estimate,proposed,soon\n"
    )
    job = _import(ctx, text)
    assert job.status == State.FAILED and job.error_count == 4, job.errors
    assert not Requirement.objects.exists() and not ChangeRecord.objects.exists()
    by_row = {e["row"]: e for e in job.errors}
    assert by_row[3]["column"] == "Title" and "200" in by_row[3]["message"]
    assert by_row[4]["column"] == "Status" and "maybe" in by_row[4]["message"]
    assert by_row[5]["column"] == "Title" and by_row[6]["column"] == "Estimate"
    assert "Nothing was imported" in job.message


def test_errors_are_in_the_importers_language(ctx):
    with translation.override("zh-hans"):
        job = services.import_upload(
            ctx=ctx, kind="requirements", upload=csv_upload("标题,状态\n,进行中\n")
        )
    job = services.import_start(ctx=ctx, job=job, commit=False)
    assert job.language == "zh-hans" and job.errors[0]["message"] == "此字段不能为空。"


def test_the_stored_copy_is_removed_after_the_commit_that_records_the_job_done(ctx, monkeypatch):
    """A job seen done never still names its file: the file is cleared in the import's own
    transaction and deleted from storage after it."""
    job = _import(ctx, "标题\n甲\n", commit=False)
    stored, seen = job.file.name, []

    class Storage:
        def delete(self, name):
            row = ImportJob.objects.values("status", "file").get(pk=job.pk)
            seen.append((row["status"], row["file"], name))
            default_storage.delete(name)

    monkeypatch.setattr(services, "default_storage", Storage())
    services.import_start(ctx=ctx, job=job, commit=True)
    assert seen == [(State.DONE, "", stored)] and not default_storage.exists(stored)


def test_dry_run_writes_nothing_then_commit(ctx):
    job = _import(ctx, "标题\n甲\n乙\n", commit=False)
    assert job.status == State.CHECKED and job.error_count == 0 and not Requirement.objects.exists()
    assert job.preview["rows"][0] == [2, "甲"]
    job = services.import_start(ctx=ctx, job=job, commit=True)
    assert job.status == State.DONE and Requirement.objects.count() == 2 and not job.file
    with pytest.raises(Conflict):
        services.import_start(ctx=ctx, job=job, commit=True)


def test_the_same_keys_are_refused_the_second_time(ctx):
    _import(ctx, JIRA, preset="jira")
    job = _import(ctx, JIRA, preset="jira")
    assert job.status == State.FAILED and job.error_count == 3
    assert "SHOP-1 was imported already" in job.errors[0]["message"]
    job = _import(ctx, "Summary,Issue key\na,K-1\nb,K-1\n", preset="jira")
    assert job.errors[0]["row"] == 3 and "Row 2" in job.errors[0]["message"]


def test_xlsx_import(ctx):
    rows = [
        ["需求名称", "预计工时", "状态"],
        ["一键支付", 16, "激活"],
        [None, None, None],
        ["会员", 4.0, "草稿"],
    ]
    job = services.import_upload(
        ctx=ctx, kind="requirements", upload=xlsx_upload(rows), preset="zentao"
    )
    assert job.file_format == "xlsx" and job.rows_total == 3
    job = services.import_start(ctx=ctx, job=job, commit=True)
    assert job.status == State.DONE and job.created_count == 2
    assert Requirement.objects.get(title="一键支付").estimate_days == 2


def test_customers_import_segments(ctx):
    text = "客户名称,客户价值,流失风险,客户编号\n京东,900000,是,CRM-1\n小店,100,否,CRM-2\n"
    text += "坏,-1,也许,\n"
    job = _import(ctx, text, kind="customers")
    assert job.status == State.FAILED and {e["column"] for e in job.errors} == {
        "客户价值",
        "流失风险",
    }
    job = _import(ctx, text.rsplit("坏", 1)[0], kind="customers")
    assert job.status == State.DONE
    big = Customer.objects.get(name="京东")
    assert big.churn_risk and big.segment == "A" and big.external_id == "CRM-1"


def test_feedback_import_links_and_demand(ctx):
    req = requirement_create(ctx=ctx, title="一键支付")
    _import(ctx, "name,value,external id\n京东,1000,CRM-1\n", kind="customers")
    text = (
        "反馈内容,客户,渠道,日期,关联需求\n"
        f"付款太麻烦,CRM-1,客服工单,2026-03-01,#{req.number}\n"
        "想要直播,无名,微信群,2026/3/2,\n"
        "看不懂,,火星,,\n"
    )
    job = _import(ctx, text, kind="feedback")
    assert job.status == State.DONE, job.errors
    linked = Feedback.objects.get(text="付款太麻烦")
    assert (
        linked.customer.name == "京东" and linked.channel == "ticket" and linked.status == "linked"
    )
    assert str(linked.received_on) == "2026-03-01"
    assert Feedback.objects.get(text="想要直播").channel == "community"
    assert Feedback.objects.get(text="看不懂").channel == "other" and job.warning_count == 2
    req.refresh_from_db()
    assert req.demand_value == 1000 and req.demand_customers == 1
    assert fts_filter(Feedback.objects.all(), "直播").count() == 1


def test_feedback_to_a_missing_requirement_is_an_error(ctx):
    job = _import(ctx, "feedback,requirement\nhi,#99\n", kind="feedback")
    assert job.status == State.FAILED and "#99" in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("a.xlsx", b"title\nx\n", "not an Excel"),
        ("a.xls", b"\xd0\xcf\x11\xe0" + b"0" * 20, ".xls"),
        ("a.exe", b"MZ", "“.exe”"),
        ("a.csv", b"", "empty"),
    ],
)
def test_upload_checks(ctx, name, data, fragment):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed) as exc:
        services.import_upload(ctx=ctx, kind="requirements", upload=SimpleUploadedFile(name, data))
    assert fragment in exc.value.fields["file"][0]
    assert not ImportJob.objects.exists()


def test_size_and_row_limits(ctx, monkeypatch, settings):
    settings.TRUCE_IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationFailed, match="larger"):
        services.import_upload(
            ctx=ctx, kind="requirements", upload=csv_upload("title\n" + "x\n" * 10)
        )
    settings.TRUCE_IMPORT_MAX_BYTES = 1000
    monkeypatch.setattr(services, "MAX_ROWS", 3)
    with pytest.raises(ValidationFailed) as exc:
        services.import_upload(
            ctx=ctx, kind="requirements", upload=csv_upload("title\n" + "x\n" * 4)
        )
    assert "at most 3" in exc.value.fields["file"][0]


def test_big_files_run_as_a_task(ctx, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    job = services.import_upload(
        ctx=ctx, kind="requirements", upload=csv_upload("title\na\nb\nc\n")
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = services.import_start(ctx=ctx, job=job, commit=True)
    assert started.status == State.QUEUED
    job.refresh_from_db()
    assert job.status == State.DONE and job.created_count == 3 and job.progress_done == 3


def test_two_starts_at_once_run_the_import_once(ctx, monkeypatch):
    """Both requests read the job idle; the start is conditional, so the second is refused
    and nothing is queued twice."""
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    job = services.import_upload(
        ctx=ctx, kind="requirements", upload=csv_upload("title\na\nb\nc\n")
    )
    first, second = (ImportJob.objects.get(pk=job.pk) for _ in range(2))
    assert services.import_start(ctx=ctx, job=first, commit=True).status == State.QUEUED
    with pytest.raises(Conflict, match="running"):
        services.import_start(ctx=ctx, job=second, commit=False)
    job.refresh_from_db()
    assert job.status == State.QUEUED and job.commit_requested is True


def test_mapping_is_checked(ctx):
    job = services.import_upload(ctx=ctx, kind="requirements", upload=csv_upload("a,b,c\n1,2,3\n"))
    assert job.mapping == {}
    with pytest.raises(ValidationFailed, match="Title"):
        services.import_configure(ctx=ctx, job=job, mapping={"0": "description"})
    with pytest.raises(ValidationFailed, match="Only one column"):
        services.import_configure(ctx=ctx, job=job, mapping={"0": "title", "1": "title"})
    with pytest.raises(ValidationFailed):
        services.import_configure(ctx=ctx, job=job, mapping={"7": "title"})
    services.import_configure(
        ctx=ctx, job=job, mapping={"0": "title", "1": "tags", "2": "tags"}, estimate_unit="hours"
    )
    assert job.options["estimate_unit"] == "hours"


def test_only_admins_import(alice, workspace):
    with pytest.raises(PermissionDenied):
        services.import_upload(
            ctx=access_workspace(alice, "spark"), kind="requirements", upload=csv_upload("t\nx\n")
        )
