from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from truce.core.access import access_workspace
from truce.core.errors import PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord
from truce.requirements.services import requirement_create, requirement_move
from truce.responsibilities import selectors, services
from truce.responsibilities.models import Activity, Assignment, Row

pytestmark = pytest.mark.django_db


def save(ctx, req, activity, cells, version=0):
    return services.row_save(
        ctx=ctx, requirement=req, activity=activity, expected_version=version, cells=cells
    )


def test_templates_are_installed_once_on_first_use(workspace):
    feature = services.activities_for(workspace)
    assert [a.key for a in feature][:3] == [
        "requirement_review",
        "interaction_design",
        "development",
    ]
    assert services.activities_for(workspace, "campaign")
    count = Activity.objects.count()
    services.activities_for(workspace)
    assert Activity.objects.count() == count
    build = next(a for a in feature if a.key == "development")
    assert (build.default_product, build.default_operations) == ("AR", "I")
    with translation.override("zh-hans"):
        assert build.label == "开发"
    assert build.label == "Development"


def test_save_a_row_and_read_the_matrix(ctx, req, acts, m):
    row = save(
        ctx, req, acts["promotion"], [(m["olivia"], "A"), (m["lena"], "R"), (m["alice"], "C")]
    )
    assert row.version == 1
    data = selectors.matrix(ctx.workspace, req)
    promo = next(r for r in data["rows"] if r.activity.key == "promotion")
    assert promo.letters == {m["olivia"]: "A", m["lena"]: "R", m["alice"]: "C"}
    assert not promo.is_gap
    assert next(r for r in data["rows"] if r.activity.key == "development").is_gap
    change = ChangeRecord.objects.filter(subject_id=req.pk, verb="updated").get()
    assert change.changes["RACI · Promotion"] == [None, "A: Olivia, R: Lena, C: Alice"]


def test_a_second_accountable_is_refused_with_a_message(ctx, req, acts, m):
    with pytest.raises(ValidationFailed) as exc:
        save(ctx, req, acts["release"], [(m["alice"], "A"), (m["olivia"], "A"), (m["lena"], "R")])
    assert "Only one person can be Accountable" in exc.value.message
    assert exc.value.fields["assignments"]
    assert not Assignment.objects.exists()


def test_no_responsible_is_refused_in_chinese_too(ctx, req, acts, m):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        save(ctx, req, acts["release"], [(m["alice"], "A")])
    assert exc.value.fields["assignments"]


def test_one_letter_per_person(ctx, req, acts, m):
    with pytest.raises(ValidationFailed) as exc:
        save(ctx, req, acts["release"], [(m["alice"], "A"), (m["alice"], "R")])
    assert "only one letter" in exc.value.message


def test_members_of_other_workspaces_are_refused(ctx, req, acts, m, charlie):
    from truce.accounts.models import Membership

    other = Membership.objects.get(user=charlie).pk
    with pytest.raises(ValidationFailed):
        save(ctx, req, acts["release"], [(m["alice"], "A"), (other, "R")])


def test_an_empty_row_clears_it_into_a_gap(ctx, req, acts, m):
    save(ctx, req, acts["release"], [(m["alice"], "A"), (m["lena"], "R")])
    row = save(ctx, req, acts["release"], [], version=1)
    assert row.version == 2 and not row.assignments.exists()


def test_stale_row_is_refused_and_carries_theirs(ctx, req, acts, m, olivia):
    theirs = access_workspace(olivia, "spark")
    save(theirs, req, acts["promotion"], [(m["olivia"], "A"), (m["lena"], "R")])
    with pytest.raises(PreconditionFailed) as exc:
        save(ctx, req, acts["promotion"], [(m["alice"], "A"), (m["lena"], "R")])
    assert exc.value.current.version == 1
    assert Assignment.objects.get(letter="A").member_id == m["olivia"]


def test_the_database_refuses_a_second_accountable(ctx, req, acts, m):
    row = save(ctx, req, acts["release"], [(m["alice"], "A"), (m["lena"], "R")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(row=row, member_id=m["olivia"], letter="A")


def test_a_row_needs_a_work_item(workspace, acts):
    with pytest.raises(IntegrityError), transaction.atomic():
        Row.objects.create(workspace=workspace, activity=acts["release"])


def test_viewers_may_not_save(workspace, req, acts, m, victor):
    with pytest.raises(PermissionDenied):
        save(access_workspace(victor, "spark"), req, acts["release"], [])


def test_only_admins_and_leads_edit_templates(ctx, lena, acts):
    kwargs = {"name": "Build", "name_zh": "研发", "position": 3, "default_product": "ar"}
    with pytest.raises(PermissionDenied):
        services.activity_update(
            ctx=ctx, activity=acts["development"], expected_version=1, **kwargs
        )
    lead = access_workspace(lena, "spark")
    a = services.activity_update(
        ctx=lead, activity=acts["development"], expected_version=1, **kwargs
    )
    assert (a.name_zh, a.default_product, a.version) == ("研发", "AR", 2)
    with pytest.raises(ValidationFailed):
        services.activity_update(
            ctx=lead, activity=a, expected_version=2, **{**kwargs, "default_product": "X"}
        )


def test_report_finds_gaps_overlaps_loads_and_handoffs(ctx, req, acts, m, workspace):
    other = requirement_create(ctx=ctx, title="拉新活动")
    save(ctx, req, acts["release"], [(m["alice"], "A"), (m["lena"], "R")])
    save(ctx, req, acts["promotion"], [(m["olivia"], "A"), (m["lena"], "R")])
    save(ctx, other, acts["promotion"], [(m["alice"], "A"), (m["lena"], "R")])
    requirement_move(ctx=ctx, requirement=other, status="under_review")
    data = selectors.workspace_report(workspace, threshold=1)
    assert data["gap_count"] == 2
    [(activity, product, operations)] = data["overlaps"]
    assert activity.key == "promotion"
    assert [r.number for r in product] == [other.number]
    assert [r.number for r in operations] == [req.number]
    assert [(mem.user.username, n) for mem, n in data["overloaded"]] == [("alice", 2)]
    [handoff] = data["handoffs"]
    assert (handoff["first"].key, handoff["second"].key) == ("release", "promotion")
    assert handoff["req"].status == "proposed"


def test_owner_line_lists_accountables_in_template_order(ctx, req, acts, m):
    save(ctx, req, acts["promotion"], [(m["olivia"], "A"), (m["lena"], "R")])
    save(ctx, req, acts["development"], [(m["alice"], "A"), (m["lena"], "R")])
    line = selectors.owner_line(req)
    assert [(a.row.activity.key, a.member.user.username) for a in line] == [
        ("development", "alice"),
        ("promotion", "olivia"),
    ]
