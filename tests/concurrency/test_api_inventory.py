"""No lost update through the API: every operation that changes an existing object.

Every non-GET operation of the OpenAPI document is either a CASE below or listed in ALLOWED
with the reason it cannot overwrite someone else's change; a new operation that is neither
fails ``test_every_modifying_operation_is_covered_or_allowed``.

Each CASE is played by two API clients that read the same ETag:

1. client A changes the object with that ETag: 2xx, and the object has a new ETag;
2. client B sends its own change with the stale ETag: 412 in B's language, with the current
   ETag, and the object still holds A's change (same ETag, same representation);
3. client B without If-Match: 428, nothing changes;
4. client B again with the ETag of the 412 (it reloaded): its change goes through.

A DELETE is played the same way, A's change being ``bump`` (an edit of the object).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import translation

from conftest import client_for, make_user
from tests.test_access_matrix import _api_url
from truce.accounts.models import Membership, Role, Side
from truce.api.api import api
from truce.core.access import access_workspace
from truce.core.errors import PreconditionFailed

W = "/api/v1/workspaces/{slug}"
STALE_EN = str(PreconditionFailed.default_message)


@dataclass(frozen=True)
class Read:
    """Where a client reads the object and its ETag: the ETag header of ``path``, or, for an
    object listed inside another (``key``), ``W/"<id>-<version>"`` of the entry whose
    ``id_field`` equals ``world[id_param]`` (or its own ``etag`` field when it has one)."""

    path: str
    key: str | None = None
    id_param: str | None = None
    id_field: str = "id"


@dataclass(frozen=True)
class Case:
    a: dict | None
    b: dict | None
    read: Read | None = None  # None: GET of the operation's own path
    bump: str | None = None  # DELETE: the operation client A changes the object with
    setup: Callable[[object, dict], dict] | None = None  # (ctx, world) -> overrides
    retry: bool = True  # B's change goes through once B has the current ETag
    own: bool = False  # one's own object: A and B are two sessions of the same person


# -- set-ups: objects in the state an operation needs --------------------------------------


def _linked_feedback(ctx, world):
    from truce.customers import services
    from truce.customers.models import Feedback
    from truce.requirements.models import Requirement

    feedback = Feedback.objects.get(pk=world["feedback_id"])
    req = Requirement.objects.get(workspace=ctx.workspace, number=world["prereq"])
    services.feedback_link(ctx=ctx, feedback=feedback, requirement=req)
    return {}


def _empty_pool(ctx, world):
    from truce.resources.services import pool_create

    return {"pool_id": pool_create(ctx=ctx, name="空池", kind="days", side="shared").pk}


def _fresh_scenario(ctx, world):
    from truce.planning.services import scenario_create

    return {"scenario_id": scenario_create(ctx=ctx, name="待删除").pk}


def _reviewed_launch(ctx, world):
    from truce.launches import services
    from truce.launches.models import Launch

    launch = Launch.objects.get(workspace=ctx.workspace, number=world["launch_number"])
    Launch.objects.filter(pk=launch.pk).update(status="launched", launched_on=date(2026, 12, 12))
    launch.refresh_from_db()
    services.review_save(ctx=ctx, launch=launch, expected_version=None, went_well="上线顺利")
    return {}


def _comment_by_bo(ctx, world):
    from truce.discussion.services import comment_create
    from truce.requirements.models import Requirement

    bo = access_workspace(Membership.objects.get(user__username="bo").user, world["slug"])
    req = Requirement.objects.get(workspace=ctx.workspace, number=world["number"])
    return {"comment_id": comment_create(ctx=bo, subject=req, body="乙的原话").pk}


def _ready_checklist(ctx, world):
    from truce.launches.models import ReadinessItem

    ReadinessItem.objects.filter(launch__number=world["launch_number"]).update(done=True)
    return {}


def _member_cells(ctx, world):
    admin = Membership.objects.get(workspace=ctx.workspace, user__username="admin").pk
    alice = Membership.objects.get(workspace=ctx.workspace, user__username="alice").pk
    return {"admin_member": admin, "alice_member": alice}


def _raci(first: str, second: str) -> Callable[[dict], dict]:
    return lambda w: {
        "assignments": [
            {"member_id": w[first], "letter": "A"},
            {"member_id": w[second], "letter": "R"},
        ]
    }


# -- the cases ------------------------------------------------------------------------------

REQ = W + "/requirements/{number}"
FEEDBACK = W + "/feedback/{feedback_id}"
LAUNCH = W + "/launches/{launch_number}"
CONFLICT = W + "/conflicts/{conflict_number}"
SCORECARD = {
    "method": "weighted",
    "product_weight": 0.5,
    "operations_weight": 0.5,
    "contested_threshold": 0.3,
    "disagreement_threshold": 0.4,
}

CASES: dict[str, Case] = {
    f"PATCH {W}": Case({"name": "甲的工作区", "description": "A"}, {"name": "乙的工作区"}),
    f"PATCH {W}/members/{{member_id}}": Case(
        {"role": "lead", "side": "product"}, {"role": "operations", "side": "operations"}
    ),
    f"PATCH {REQ}": Case({"title": "甲改的标题"}, {"title": "乙改的标题"}),
    f"POST {REQ}/status": Case({"status": "under_review"}, {"status": "rejected"}, read=Read(REQ)),
    f"PUT {W}/scorecard": Case(
        {**SCORECARD, "product_weight": 0.7, "operations_weight": 0.3},
        {**SCORECARD, "product_weight": 0.2, "operations_weight": 0.8},
    ),
    f"PATCH {W}/customers/{{customer_id}}": Case({"name": "京东甲"}, {"name": "京东乙"}),
    f"DELETE {W}/customers/{{customer_id}}": Case(
        {"name": "京东甲"}, None, bump=f"PATCH {W}/customers/{{customer_id}}"
    ),
    f"PUT {W}/segment-policy": Case(
        {"a_share": 0.6, "b_share": 0.3}, {"a_share": 0.1, "b_share": 0.2}
    ),
    f"PATCH {FEEDBACK}": Case({"text": "甲改的反馈"}, {"text": "乙改的反馈"}),
    f"POST {FEEDBACK}/link": Case(
        {"number": "{prereq}"}, {"number": "{number}"}, read=Read(FEEDBACK)
    ),
    f"POST {FEEDBACK}/unlink": Case(None, None, read=Read(FEEDBACK), setup=_linked_feedback),
    f"POST {FEEDBACK}/dismiss": Case(None, None, read=Read(FEEDBACK)),
    f"POST {FEEDBACK}/create-requirement": Case(
        {"title": "甲建的需求"}, {"title": "乙建的需求"}, read=Read(FEEDBACK)
    ),
    f"PUT {W}/raci/templates/{{activity_id}}": Case(
        {"name": "Review A", "name_zh": "评审甲", "position": 0},
        {"name": "Review B", "name_zh": "评审乙", "position": 0},
        read=Read(W + "/raci/templates", key="", id_param="activity_id"),
    ),
    f"PUT {REQ}/raci/{{activity_id}}": Case(
        _raci("admin_member", "alice_member"),
        _raci("alice_member", "admin_member"),
        read=Read(REQ + "/raci", key="rows", id_param="activity_id", id_field="activity_id"),
        setup=_member_cells,
    ),
    f"PATCH {W}/goals/objectives/{{objective_id}}": Case(
        {"title": "甲的目标"},
        {"title": "乙的目标"},
        read=Read(W + "/goals/periods/{period_id}", key="objectives", id_param="objective_id"),
    ),
    f"PATCH {W}/goals/key-results/{{kr_id}}": Case({"title": "甲的关键结果"}, {"title": "乙"}),
    f"PUT {W}/goals/settings": Case(
        {"requires_lead_signature": False}, {"requires_lead_signature": True}
    ),
    f"PATCH {W}/comments/{{comment_id}}": Case(
        {"body": "甲改的评论"}, {"body": "乙改的评论"}, own=True, setup=_comment_by_bo
    ),
    f"DELETE {W}/comments/{{comment_id}}": Case(
        {"body": "甲改的评论"},
        None,
        bump=f"PATCH {W}/comments/{{comment_id}}",
        own=True,
        setup=_comment_by_bo,
    ),
    "PUT /api/v1/notification-preferences": Case(
        {"choices": {"mention": {"in_app": True, "email": False}}},
        {"choices": {"mention": {"in_app": False, "email": True}}},
        own=True,
    ),
    f"PATCH {W}/integrations/endpoints/{{endpoint_id}}": Case({"name": "甲"}, {"name": "乙"}),
    f"DELETE {W}/integrations/endpoints/{{endpoint_id}}": Case(
        {"name": "甲"}, None, bump=f"PATCH {W}/integrations/endpoints/{{endpoint_id}}"
    ),
    f"PATCH {W}/glossary/terms/{{term_id}}": Case(
        {"definition_zh": "甲的定义"}, {"definition_zh": "乙的定义"}
    ),
    f"DELETE {W}/glossary/terms/{{term_id}}": Case(
        {"definition_zh": "甲的定义"}, None, bump=f"PATCH {W}/glossary/terms/{{term_id}}"
    ),
    f"PATCH {W}/meeting-series/{{series_id}}": Case({"title": "甲的周会"}, {"title": "乙的周会"}),
    f"PUT {W}/meetings/{{meeting_id}}/minutes": Case(
        {"minutes": "甲的纪要"}, {"minutes": "乙的纪要"}, read=Read(W + "/meetings/{meeting_id}")
    ),
    f"PATCH {W}/action-items/{{action_id}}": Case({"title": "甲的待办"}, {"title": "乙的待办"}),
    f"PATCH {W}/pools/{{pool_id}}": Case({"name": "甲的资源池"}, {"name": "乙的资源池"}),
    f"DELETE {W}/pools/{{pool_id}}": Case(
        {"name": "甲的资源池"}, None, bump=f"PATCH {W}/pools/{{pool_id}}", setup=_empty_pool
    ),
    f"PUT {W}/pools/{{pool_id}}/capacities": Case(
        {"capacities": [{"period": "2026-12", "amount": 10}]},
        {"capacities": [{"period": "2026-12", "amount": 20}]},
    ),
    f"PATCH {W}/campaigns/{{campaign_number}}": Case({"title": "甲的活动"}, {"title": "乙的活动"}),
    f"DELETE {W}/campaigns/{{campaign_number}}": Case(
        {"title": "甲的活动"}, None, bump=f"PATCH {W}/campaigns/{{campaign_number}}"
    ),
    f"POST {W}/campaigns/{{campaign_number}}/status": Case(
        {"status": "proposed"},
        {"status": "cancelled"},
        read=Read(W + "/campaigns/{campaign_number}"),
    ),
    f"PATCH {W}/demands/{{demand_id}}": Case(
        {"amount": 6}, {"amount": 7}, read=Read(REQ + "/demands", key="", id_param="demand_id")
    ),
    f"DELETE {W}/demands/{{demand_id}}": Case(
        {"amount": 6},
        None,
        bump=f"PATCH {W}/demands/{{demand_id}}",
        read=Read(REQ + "/demands", key="", id_param="demand_id"),
    ),
    f"PATCH {W}/planning/scenarios/{{scenario_id}}": Case({"name": "甲的方案"}, {"name": "乙"}),
    f"DELETE {W}/planning/scenarios/{{scenario_id}}": Case(
        {"name": "甲的方案"},
        None,
        bump=f"PATCH {W}/planning/scenarios/{{scenario_id}}",
        setup=_fresh_scenario,
    ),
    f"POST {W}/planning/runs/{{run_id}}/adopt": Case(
        {"point": 0}, {"point": 0}, read=Read(W + "/planning/runs/{run_id}")
    ),
    f"PATCH {LAUNCH}": Case({"name": "甲的上线"}, {"name": "乙的上线"}),
    f"POST {LAUNCH}/status": Case(
        {"status": "ready_for_review"},
        {"status": "cancelled"},
        read=Read(LAUNCH),
        setup=_ready_checklist,
    ),
    f"PATCH {LAUNCH}/milestones/{{milestone_id}}": Case(
        {"name": "甲的里程碑"},
        {"name": "乙的里程碑"},
        read=Read(LAUNCH, key="milestones", id_param="milestone_id"),
    ),
    f"DELETE {LAUNCH}/milestones/{{milestone_id}}": Case(
        {"name": "甲的里程碑"},
        None,
        bump=f"PATCH {LAUNCH}/milestones/{{milestone_id}}",
        read=Read(LAUNCH, key="milestones", id_param="milestone_id"),
    ),
    f"PATCH {LAUNCH}/checklist/{{check_id}}": Case(
        {"text": "甲的检查项"},
        {"text": "乙的检查项"},
        read=Read(LAUNCH, key="checklist", id_param="check_id"),
    ),
    f"DELETE {LAUNCH}/checklist/{{check_id}}": Case(
        {"text": "甲的检查项"},
        None,
        bump=f"PATCH {LAUNCH}/checklist/{{check_id}}",
        read=Read(LAUNCH, key="checklist", id_param="check_id"),
    ),
    f"PUT {LAUNCH}/review": Case(
        {"went_well": "甲：准时"}, {"went_well": "乙：延期"}, setup=_reviewed_launch
    ),
    f"PATCH {CONFLICT}": Case({"title": "甲的分歧"}, {"title": "乙的分歧"}),
    f"POST {CONFLICT}/status": Case(
        {"status": "discussing"}, {"status": "escalated"}, read=Read(CONFLICT)
    ),
    f"POST {CONFLICT}/decide": Case(
        {"outcome": "按甲方案"}, {"outcome": "按乙方案"}, read=Read(CONFLICT), retry=False
    ),
}

# -- operations that change no existing object behind anyone's back ---------------------------

CREATES = "creates a new object; nothing existing is overwritten"
OWN = "changes only the caller's own data, which nobody else writes"
SET = "adds or removes one link, idempotently; no field of an existing object is written"
APPEND = "appends a record (a reading, a vote, a signature); earlier records stay as they were"
TRANSITION = (
    "a state transition checked against the current state under a row lock, so two at once "
    "cannot both pass the check; it carries no field values from the caller's copy"
)
REMOVE = "removes a link or an entry by id; nothing of anyone else's change is overwritten"

ALLOWED: dict[str, str] = {
    "PATCH /api/v1/me": OWN,
    "POST /api/v1/workspaces": CREATES,
    f"DELETE {W}/members/{{member_id}}": (
        "removes the membership (a person, not an edit); it does not depend on the member's "
        "fields, and removing twice is a 404"
    ),
    f"POST {W}/invitations": CREATES,
    f"DELETE {W}/invitations/{{invitation_id}}": "revokes a link; revoking twice is the same",
    "POST /api/v1/tokens": CREATES,
    "DELETE /api/v1/tokens/{token_id}": OWN,
    "POST /api/v1/me/sign-out-elsewhere": OWN,
    "DELETE /api/v1/me/sessions/{session_id}": OWN,
    "POST /api/v1/me/two-factor/off": OWN,
    "POST /api/v1/me/close": OWN,
    f"POST {W}/requirements": CREATES,
    f"POST {W}/requirements-bulk-status": (
        "moves only the status, each requirement checked against its current status under a "
        "row lock; all or nothing"
    ),
    f"POST {REQ}/prerequisites": SET,
    f"DELETE {REQ}/prerequisites/{{prereq}}": SET,
    f"PUT {REQ}/scores": (
        "sets the caller's own scores (one row per scorer and criterion); the requirement's "
        "combined scores are recomputed from every scorer's rows under a row lock"
    ),
    f"POST {W}/customers": CREATES,
    f"POST {W}/feedback": CREATES,
    f"POST {W}/goals/periods": CREATES,
    f"POST {W}/goals/periods/{{period_id}}/sign": (
        APPEND + "; a signature names the goals' state it agrees to and reopens when they change"
    ),
    f"POST {W}/goals/periods/{{period_id}}/objectives": CREATES,
    f"POST {W}/goals/objectives/{{objective_id}}/key-results": CREATES,
    f"POST {W}/goals/key-results/{{kr_id}}/check-ins": (
        APPEND + "; only the key result's current value and confidence follow the reading"
    ),
    f"POST {W}/goals/key-results/{{kr_id}}/links": SET,
    f"DELETE {W}/goals/key-results/{{kr_id}}/links/{{number}}": SET,
    f"POST {W}/comments": CREATES,
    f"PUT {W}/following": OWN,
    "POST /api/v1/inbox/{notification_id}/read": OWN,
    "POST /api/v1/inbox/read-all": OWN,
    f"POST {W}/integrations/endpoints": CREATES,
    f"POST {W}/integrations/endpoints/{{endpoint_id}}/test": CREATES + " (a delivery)",
    f"POST {W}/integrations/deliveries/{{delivery_id}}/redeliver": (
        "claims the delivery with a conditional update (409 while it is being sent)"
    ),
    f"POST {W}/glossary/terms": CREATES,
    f"POST {W}/glossary/import-starter": "adds only the starter terms missing; existing stay",
    f"POST {W}/glossary/highlight": "reads only (POST for a long text)",
    f"POST {W}/meeting-series": CREATES,
    f"POST {W}/meetings/{{meeting_id}}/start": TRANSITION,
    f"POST {W}/meetings/{{meeting_id}}/finish": TRANSITION,
    f"PUT {W}/meetings/{{meeting_id}}/attendance": (
        "sets the presence of the attendees listed only; each is one value, set as sent"
    ),
    f"POST {W}/meetings/{{meeting_id}}/agenda/refresh": (
        "merges live data into the agenda, keeping the items and places people chose"
    ),
    f"POST {W}/meetings/{{meeting_id}}/agenda/items": CREATES,
    f"DELETE {W}/meetings/{{meeting_id}}/agenda/items/{{agenda_item_id}}": REMOVE,
    f"PUT {W}/meetings/{{meeting_id}}/agenda/order": (
        "relative: the listed items go first and the others keep their order after them, so "
        "items added meanwhile are kept"
    ),
    f"POST {W}/decisions": CREATES,
    f"POST {W}/decisions/{{decision_number}}/supersede": (
        CREATES + "; decisions are immutable, a decision is superseded once"
    ),
    f"POST {W}/action-items": CREATES,
    "POST /api/v1/calendar-feed": OWN,
    f"POST {W}/pools": CREATES,
    f"POST {W}/campaigns": CREATES,
    f"POST {REQ}/demands": CREATES + " (one per pool and period; a second is refused)",
    f"POST {W}/campaigns/{{campaign_number}}/demands": CREATES,
    f"POST {W}/planning/scenarios": CREATES,
    f"POST {W}/planning/scenarios/{{scenario_id}}/runs": CREATES + " (a run of a snapshot)",
    f"POST {W}/planning/runs/{{run_id}}/publish": (
        "publishing replaces the period's plan as a whole by design; signatures are bound to "
        "the content they signed, so a replaced plan is signed again"
    ),
    f"POST {W}/planning/plans/{{plan_id}}/sign": APPEND + "; bound to the plan's content hash",
    f"POST {W}/imports": CREATES,
    f"PUT {W}/imports/{{job_id}}/mapping": (
        "the admin's own import in preparation; refused while the import runs"
    ),
    f"POST {W}/imports/{{job_id}}/dry-run": (
        "runs the admin's own import job; it writes no field from the caller's copy of "
        "anything, and is refused while the job runs"
    ),
    f"POST {W}/imports/{{job_id}}/retry": (
        "runs the admin's own import job again as it was; refused unless it stopped without "
        "row errors"
    ),
    f"POST {W}/imports/{{job_id}}/commit": (
        CREATES + " (the file's rows); refused while the job runs and once it is imported"
    ),
    f"POST {W}/restores": CREATES + " (a new workspace, under a short name that must be free)",
    f"POST {W}/restores/{{restore_id}}/retry": (
        "runs the admin's own failed restore job again from its file; the conditional start "
        "refuses a job that is not failed"
    ),
    f"POST {W}/launches": CREATES,
    f"POST {LAUNCH}/milestones": CREATES,
    f"POST {LAUNCH}/checklist": CREATES,
    f"POST {LAUNCH}/checklist/apply": "adds only the template's items the launch lacks",
    f"POST {LAUNCH}/votes": APPEND + " (one per seat and round, under a lock on the launch)",
    f"POST {W}/conflicts": CREATES,
    f"POST {W}/conflicts-detect": CREATES + " (one per cause)",
    f"POST {CONFLICT}/evidence": CREATES,
    f"DELETE {CONFLICT}/evidence/{{evidence_id}}": REMOVE,
}


def _modifying_operations() -> dict[str, dict]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": op
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method != "get"
    }


def _takes_if_match(op: dict) -> bool:
    return any(p["in"] == "header" and p["name"] == "If-Match" for p in op.get("parameters", []))


def test_every_modifying_operation_is_covered_or_allowed():
    ops = _modifying_operations()
    missing = sorted(set(ops) - set(CASES) - set(ALLOWED))
    assert not missing, (
        "add a CASE (it changes an existing object: it needs If-Match) or an ALLOWED entry "
        f"with the reason it cannot overwrite anyone's change: {missing}"
    )
    assert not (set(CASES) | set(ALLOWED)) - set(ops), "remove entries of removed operations"
    assert not set(CASES) & set(ALLOWED)
    assert all(reason.strip() for reason in ALLOWED.values())
    for op in CASES:
        assert _takes_if_match(ops[op]), f"{op} must document its If-Match header"


# -- playing a case ------------------------------------------------------------------------


def _fill(value, world):
    """Bodies may name world entries: "{prereq}" becomes world["prereq"] (an int stays int)."""
    if callable(value):
        return value(world)
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    return value


def _call(client, op: str, world: dict, body, etag: str | None):
    method, _path = op.split(" ", 1)
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    data = json.dumps(_fill(body, world)) if body is not None else None
    return getattr(client, method.lower())(
        _api_url(op, world), data=data, content_type="application/json", **headers
    )


def _read(client, read: Read, world: dict) -> tuple[str, object]:
    r = client.get(_api_url(f"GET {read.path}", world))
    assert r.status_code == 200, (read.path, r.status_code, r.content)
    body = r.json()
    if read.key is None:
        return r["ETag"], body
    items = body[read.key] if read.key else body
    wanted = world[read.id_param]
    entry = next((e for e in items if e[read.id_field] == wanted), None)
    assert entry is not None, (read.path, wanted)
    return entry.get("etag") or f'W/"{wanted}-{entry["version"]}"', entry


def _gone(client, read: Read, world: dict) -> bool:
    """Deleted: a 404, no longer listed, or (comments) kept as a "deleted" marker."""
    r = client.get(_api_url(f"GET {read.path}", world))
    if read.key is None:
        return r.status_code == 404 or (r.status_code == 200 and r.json().get("deleted") is True)
    items = r.json()[read.key] if read.key else r.json()
    return all(e[read.id_field] != world[read.id_param] for e in items)


def _error(r, status: int, code: str):
    assert r.status_code == status, (status, r.status_code, r.content)
    assert r.json()["error"]["code"] == code


@pytest.fixture
def clients(personas, workspace):
    """Two sessions of two admins (every operation is open to admins): A reads English,
    B reads Chinese, so B's refusals are checked in B's language."""
    bo = make_user("bo", language="zh-hans")
    Membership.objects.create(workspace=workspace, user=bo, role=Role.ADMIN, side=Side.OPERATIONS)
    return client_for(personas["admin"]), client_for(bo)


@pytest.mark.django_db
@pytest.mark.parametrize("op", sorted(CASES))
def test_stale_etag_never_overwrites(op, world, personas, clients):
    case = CASES[op]
    ctx = access_workspace(personas["admin"], world["slug"])
    world.update(case.setup(ctx, world) if case.setup else {})
    a, b = clients
    path = op.split(" ", 1)[1]
    read = case.read or Read(path)
    mine = case.bump or op
    if case.own:
        a = client_for(Membership.objects.get(user__username="bo").user)

    before, state0 = _read(a, read, world)
    stale = _read(b, read, world)[0]
    assert stale == before

    r = _call(a, mine, world, case.a, before)
    assert 200 <= r.status_code < 300, (r.status_code, r.content)
    after, state_a = _read(a, read, world)
    assert after != before, "client A's change must give the object a new ETag"
    if r.has_header("ETag"):
        assert r["ETag"] == after
    assert state_a != state0, "client A's change must show in the object"

    r = _call(b, op, world, case.b, stale)
    _error(r, 412, "stale")
    with translation.override("zh-hans"):
        assert r.json()["error"]["message"] == translation.gettext(STALE_EN)
    assert r["ETag"] == after, "a 412 carries the current ETag"
    assert _read(a, read, world) == (after, state_a), "client B's stale change overwrote A's"

    r = _call(b, op, world, case.b, None)
    _error(r, 428, "precondition_required")
    assert _read(a, read, world) == (after, state_a)

    if op.startswith("DELETE"):
        r = _call(b, op, world, None, after)
        assert r.status_code == 204, (r.status_code, r.content)
        assert _gone(a, read, world)
    elif case.retry:
        r = _call(b, op, world, case.b, after)
        assert 200 <= r.status_code < 300, (r.status_code, r.content)
        assert _read(a, read, world)[0] != after
