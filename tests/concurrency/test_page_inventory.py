"""No lost update through the pages: every form that carries a version, and every page route
that writes.

Each CASE is played like two people in two browsers: both open the page, A submits first,
then B submits the same form with the version B loaded. B (who reads Chinese) must be told,
in Chinese, that someone else changed it, must see A's change, and A's change must stay;
after reloading, B's change goes through. A new route that writes, or a new form carrying a
version, fails the inventory tests until it is a CASE or in ALLOWED with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.db.models import F
from django.urls import resolve
from django.utils import translation

from conftest import client_for, make_user
from tests.concurrency.forms import Form, forms_of
from tests.test_access_matrix import PAGES, _page_url, page_routes
from truce.accounts.models import Membership, Role, Side
from truce.core.access import access_workspace
from truce.core.errors import PreconditionFailed

STALE_EN = str(PreconditionFailed.default_message)


def _stale_zh() -> str:
    with translation.override("zh-hans"):
        return translation.gettext(STALE_EN)


@dataclass(frozen=True)
class Case:
    page: str  # the page showing the form (url name; its arguments come from the world)
    obj: Callable[[dict], object]  # the object the form changes, from the database
    b: dict  # what B types in (None unticks a box)
    a: dict | None = None  # what A types in the same form; None: A changes ``mark``
    mark: tuple[str, str] | None = None  # (field, text) A writes when A uses another way
    press: tuple[str, str] | None = None  # the submit button B presses
    press_a: tuple[str, str] | None = None  # the one A presses (default: ``press``)
    pick: dict | None = None  # field values telling this form from others to the same URL
    shows: str | None = None  # text of A's change B must see (default: A's marker)
    setup: Callable[[object, dict], dict] | None = None  # (ctx, world) -> world overrides
    own: bool = False  # one's own object: A and B are two sessions of the same person
    retry: bool = True  # after reloading, B's change goes through
    deletes: bool = False


def _model(path: str, key: str, field: str = "pk"):
    from django.apps import apps

    model = apps.get_model(path)
    return lambda w: model.objects.get(**{field: w[key]})


def _by_number(path: str, key: str):
    from django.apps import apps

    model = apps.get_model(path)
    return lambda w: model.objects.get(workspace__slug=w["slug"], number=w[key])


def _single(path: str):
    from django.apps import apps

    model = apps.get_model(path)
    return lambda w: model.objects.get(workspace__slug=w["slug"])


def _bo(w):
    from truce.discussion.models import Preferences

    return Preferences.objects.get(user__username="bo")


# -- set-ups -----------------------------------------------------------------------------


def _comment_by_bo(ctx, world):
    from truce.discussion.services import comment_create
    from truce.requirements.models import Requirement

    bo = access_workspace(Membership.objects.get(user__username="bo").user, world["slug"])
    req = Requirement.objects.get(workspace=ctx.workspace, number=world["number"])
    return {"comment_id": comment_create(ctx=bo, subject=req, body="乙的原话").pk}


def _bo_preferences(ctx, world):
    from truce.discussion.services import preferences_for

    preferences_for(Membership.objects.get(user__username="bo").user)
    return {}


def _empty_pool(ctx, world):
    from truce.resources.services import pool_create

    return {"pool_id": pool_create(ctx=ctx, name="空池", kind="days", side="shared").pk}


def _fresh_scenario(ctx, world):
    from truce.planning.services import scenario_create

    return {"scenario_id": scenario_create(ctx=ctx, name="待删除的方案").pk}


def _reviewed_launch(ctx, world):
    """The world's launch has launched and has a review."""
    from truce.launches import services
    from truce.launches.models import Launch

    launch = Launch.objects.get(workspace=ctx.workspace, number=world["launch_number"])
    Launch.objects.filter(pk=launch.pk).update(status="launched", launched_on=date(2026, 12, 12))
    launch.refresh_from_db()
    services.review_save(ctx=ctx, launch=launch, expected_version=None, went_well="上线顺利")
    return {}


def _review(world):
    from truce.launches.models import Review

    return Review.objects.get(launch__number=world["launch_number"])


def _run_away_from_its_point(world):
    """The run's selection is not its one trade-off point, so the point can be adopted."""
    from truce.planning.models import Run

    run = Run.objects.get(pk=world["run_id"])
    # the page reads the run's stored layout (Run.summary), laid out from its result
    pareto = [p | {"current": False} for p in run.summary["pareto"]]
    Run.objects.filter(pk=run.pk).update(
        result={**run.result, "selected": []}, summary={**run.summary, "pareto": pareto}
    )
    return {}


def _feedback_without_link(ctx, world):
    from truce.customers.services import feedback_create

    return {"feedback_id": feedback_create(ctx=ctx, text="想要灰度发布的开关").pk}


# -- the cases ------------------------------------------------------------------------------

CASES: dict[str, Case] = {
    "accounts:member_update": Case(
        "accounts:members",
        _model("accounts.Membership", "member_id"),
        a={"role": "lead"},
        b={"role": "operations", "side": "operations"},
    ),
    "accounts:settings": Case(
        "accounts:settings",
        _model("accounts.Workspace", "slug", "slug"),
        a={"name": "甲的工作区"},
        b={"name": "乙的工作区"},
    ),
    "conflicts:edit": Case(
        "conflicts:edit",
        _by_number("conflicts.Conflict", "conflict_number"),
        a={"title": "甲的分歧"},
        b={"title": "乙的分歧"},
    ),
    "conflicts:move": Case(
        "conflicts:detail",
        _by_number("conflicts.Conflict", "conflict_number"),
        b={},
        mark=("title", "甲改的分歧"),
        press=("status", "escalated"),
    ),
    "conflicts:decide": Case(
        "conflicts:detail",
        _by_number("conflicts.Conflict", "conflict_number"),
        a={"d-outcome": "按甲的方案"},
        b={"d-outcome": "按乙的方案"},
        shows="按甲的方案",
        retry=False,  # decided: on record, no second decision
    ),
    "customers:detail": Case(
        "customers:detail",
        _model("customers.Customer", "customer_id"),
        a={"name": "京东甲"},
        b={"name": "京东乙"},
    ),
    "customers:delete": Case(
        "customers:detail",
        _model("customers.Customer", "customer_id"),
        b={},
        mark=("name", "京东甲"),
        deletes=True,
    ),
    "customers:segments": Case(
        "customers:segments",
        _single("customers.SegmentPolicy"),
        a={"a_percent": "60"},
        b={"a_percent": "10"},
    ),
    "customers:feedback_link": Case(
        "customers:feedback_detail",
        _model("customers.Feedback", "feedback_id"),
        b={"number": "{prereq}"},
        pick={"number": ""},  # the form where one types the requirement's number
        mark=("text", "甲改的反馈"),
    ),
    "customers:feedback_dismiss": Case(
        "customers:feedback_detail",
        _model("customers.Feedback", "feedback_id"),
        b={},
        mark=("text", "甲改的反馈"),
        setup=_feedback_without_link,
    ),
    "customers:feedback_create_requirement": Case(
        "customers:feedback_detail",
        _model("customers.Feedback", "feedback_id"),
        a={"title": "甲建的需求"},
        b={"title": "乙建的需求"},
        setup=_feedback_without_link,
        retry=False,  # linked by A's requirement: the form is gone
    ),
    "discussion:comment_edit": Case(
        "requirements:detail",
        _model("discussion.Comment", "comment_id"),
        a={"body": "甲改的评论"},
        b={"body": "乙改的评论"},
        setup=_comment_by_bo,
        own=True,
    ),
    "discussion:comment_delete": Case(
        "requirements:detail",
        _model("discussion.Comment", "comment_id"),
        b={},
        mark=("body", "甲改的评论"),
        setup=_comment_by_bo,
        own=True,
        deletes=True,
    ),
    "discussion:preferences": Case(
        "discussion:preferences",
        _bo,
        a={"mention_email": None},
        b={"mention_in_app": None},
        setup=_bo_preferences,
        own=True,
        shows="",
    ),
    "glossary:edit": Case(
        "glossary:edit",
        _model("glossary.Term", "term_id"),
        a={"definition_zh": "甲的定义"},
        b={"definition_zh": "乙的定义"},
    ),
    "glossary:delete": Case(
        "glossary:detail",
        _model("glossary.Term", "term_id"),
        b={},
        mark=("definition_zh", "甲的定义"),
        deletes=True,
    ),
    "goals:objective_edit": Case(
        "goals:objective_edit",
        _model("goals.Objective", "objective_id"),
        a={"title": "甲的目标"},
        b={"title": "乙的目标"},
    ),
    "goals:key_result_edit": Case(
        "goals:key_result_edit",
        _model("goals.KeyResult", "kr_id"),
        a={"title": "甲的关键结果"},
        b={"title": "乙的关键结果"},
    ),
    "goals:settings": Case(
        "goals:periods",
        _single("goals.GoalSettings"),
        a={"requires_lead_signature": None},
        b={"requires_lead_signature": "on"},
        shows="",
    ),
    "integrations:endpoint_edit": Case(
        "integrations:endpoint_edit",
        _model("integrations.Endpoint", "endpoint_id"),
        a={"name": "甲的机器人"},
        b={"name": "乙的机器人"},
    ),
    "integrations:endpoint_delete": Case(
        "integrations:endpoint_edit",
        _model("integrations.Endpoint", "endpoint_id"),
        b={},
        mark=("name", "甲的机器人"),
        deletes=True,
    ),
    "launches:edit": Case(
        "launches:edit",
        _by_number("launches.Launch", "launch_number"),
        a={"name": "甲的上线"},
        b={"name": "乙的上线"},
    ),
    "launches:move": Case(
        "launches:detail",
        _by_number("launches.Launch", "launch_number"),
        b={},
        mark=("name", "甲的上线"),
        press=("status", "cancelled"),
    ),
    "launches:review": Case(
        "launches:review",
        lambda w: _review(w),
        a={"went_well": "甲：准时上线"},
        b={"went_well": "乙：延期上线"},
        setup=lambda ctx, w: _reviewed_launch(ctx, w),
    ),
    "launches:milestone_done": Case(
        "launches:detail",
        _model("launches.Milestone", "milestone_id"),
        b={"done": "on"},
        mark=("name", "甲的里程碑"),
    ),
    "launches:milestone_delete": Case(
        "launches:detail",
        _model("launches.Milestone", "milestone_id"),
        b={},
        mark=("name", "甲的里程碑"),
        deletes=True,
    ),
    "launches:item_toggle": Case(
        "launches:detail",
        _model("launches.ReadinessItem", "check_id"),
        b={"done": "on"},
        mark=("text", "甲的检查项"),
    ),
    "launches:item_delete": Case(
        "launches:detail",
        _model("launches.ReadinessItem", "check_id"),
        b={},
        mark=("text", "甲的检查项"),
        deletes=True,
    ),
    "meetings:series_edit": Case(
        "meetings:series_edit",
        _model("meetings.MeetingSeries", "series_id"),
        a={"title": "甲的周会"},
        b={"title": "乙的周会"},
    ),
    "meetings:minutes": Case(
        "meetings:meeting",
        _model("meetings.Meeting", "meeting_id"),
        a={"minutes": "甲的纪要"},
        b={"minutes": "乙的纪要"},
    ),
    "meetings:action_edit": Case(
        "meetings:action",
        _model("meetings.ActionItem", "action_id"),
        a={"title": "甲的待办"},
        b={"title": "乙的待办"},
    ),
    "meetings:action_status": Case(
        "meetings:action",
        _model("meetings.ActionItem", "action_id"),
        b={},
        mark=("title", "甲的待办"),
        pick={"status": "done"},
    ),
    "planning:scenario_edit": Case(
        "planning:scenario_edit",
        _model("planning.Scenario", "scenario_id"),
        a={"name": "甲的方案"},
        b={"name": "乙的方案"},
    ),
    "planning:scenario_delete": Case(
        "planning:scenario",
        _model("planning.Scenario", "scenario_id"),
        b={},
        mark=("name", "甲的方案"),
        setup=_fresh_scenario,
        deletes=True,
    ),
    "planning:adopt": Case(
        "planning:run",
        _model("planning.Run", "run_id"),
        b={},
        mark=("error", "甲留下的说明"),
        press=("point", "0"),
        setup=lambda ctx, w: _run_away_from_its_point(w),
        shows="",
    ),
    "requirements:edit": Case(
        "requirements:edit",
        _by_number("requirements.Requirement", "number"),
        a={"title": "甲改的标题"},
        b={"title": "乙改的标题"},
    ),
    "requirements:move": Case(
        "requirements:detail",
        _by_number("requirements.Requirement", "number"),
        a={"status": "under_review"},
        b={"status": "rejected"},
        shows="",
    ),
    "requirements:scorecard": Case(
        "requirements:scorecard",
        _single("requirements.Scorecard"),
        a={"product_weight": "0.7", "operations_weight": "0.3"},
        b={"product_weight": "0.2", "operations_weight": "0.8"},
        shows="",
    ),
    "resources:pool_edit": Case(
        "resources:pool_edit",
        _model("resources.ResourcePool", "pool_id"),
        a={"name": "甲的资源池"},
        b={"name": "乙的资源池"},
    ),
    "resources:pool_delete": Case(
        "resources:pool_edit",
        _model("resources.ResourcePool", "pool_id"),
        b={},
        mark=("name", "甲的资源池"),
        setup=_empty_pool,
        deletes=True,
    ),
    "resources:capacity": Case(
        "resources:calendar",
        _model("resources.ResourcePool", "pool_id"),
        a={"amount": "10"},
        b={"amount": "20"},
        shows="",
    ),
    "resources:campaign_edit": Case(
        "resources:campaign_edit",
        _by_number("resources.Campaign", "campaign_number"),
        a={"title": "甲的活动"},
        b={"title": "乙的活动"},
    ),
    "resources:campaign_move": Case(
        "resources:campaign",
        _by_number("resources.Campaign", "campaign_number"),
        a={"status": "proposed"},
        b={"status": "cancelled"},
        shows="",
    ),
    "resources:campaign_delete": Case(
        "resources:campaign",
        _by_number("resources.Campaign", "campaign_number"),
        b={},
        mark=("title", "甲的活动"),
        deletes=True,
    ),
    "resources:demand_edit": Case(
        "resources:requirement_demands",
        _model("resources.Demand", "demand_id"),
        a={"amount": "6"},
        b={"amount": "7"},
        shows="",
    ),
    "resources:demand_remove": Case(
        "resources:requirement_demands",
        _model("resources.Demand", "demand_id"),
        b={},
        mark=("note", "甲的备注"),
        deletes=True,
        shows="",
    ),
    "responsibilities:template_edit": Case(
        "responsibilities:templates",
        _model("responsibilities.Activity", "activity_id"),
        a={"{prefix}name_zh": "甲的活动名"},
        b={"{prefix}name_zh": "乙的活动名"},
    ),
    "responsibilities:row": Case(
        "responsibilities:matrix",
        lambda w: _raci_row(w),
        a={"member-{admin_member}": "A", "member-{alice_member}": "R"},
        b={"member-{admin_member}": "R", "member-{alice_member}": "A"},
        setup=lambda ctx, w: _members(ctx),
        shows="",
    ),
}


def _members(ctx) -> dict:
    members = Membership.objects.filter(workspace=ctx.workspace)
    ids = dict(members.values_list("user__username", "pk"))
    return {"admin_member": ids["admin"], "alice_member": ids["alice"]}


def _raci_row(w):
    from truce.responsibilities.models import Row

    row = Row.objects.filter(requirement__number=w["number"], activity_id=w["activity_id"]).first()
    return row or Row(version=0)


# -- routes that write but cannot overwrite anyone's change ---------------------------------

CREATES = "creates a new object; nothing existing is overwritten"
OWN = "changes only the signed-in person's own data or session"
SET = "adds or removes one link or entry by id, idempotently; no field is written from a copy"
APPEND = "appends a record (a reading, a vote, a signature); earlier records stay"
TRANSITION = "a transition checked against the current state under a row lock"
READS = "shows a page; its form posts to a route listed separately"

ALLOWED: dict[str, str] = {
    "set_language": OWN,
    "home": READS,
    "accounts:logout": OWN,
    "accounts:password_change": OWN,
    "accounts:profile": OWN,
    "accounts:login_code": OWN + " (signs in after the password step)",
    "accounts:two_factor": OWN + " (turns on under a conditional update: once only)",
    "accounts:security": OWN,
    "accounts:sign_out_elsewhere": OWN,
    "accounts:session_revoke": OWN,
    "accounts:close": OWN + " (closes the account; a second close finds it signed out)",
    "accounts:password_strength": "scores the password typed; writes nothing",
    "accounts:tokens": OWN + " (creates a token)",
    "accounts:token_revoke": OWN,
    "accounts:workspaces": CREATES,
    "accounts:audit": READS,
    "accounts:invitation_new": CREATES,
    "accounts:invitation_revoke": "revokes a link; revoking twice is the same",
    "accounts:member_remove": (
        "removes the membership (a person, not an edit); it does not depend on the member's "
        "fields, and removing twice is a 404"
    ),
    "conflicts:new": CREATES,
    "conflicts:detect": CREATES + " (one conflict per cause)",
    "conflicts:evidence_add": CREATES,
    "conflicts:evidence_remove": SET,
    "customers:new": CREATES,
    "customers:feedback_new": CREATES,
    "customers:feedback_unlink": (
        "carries the version like link and dismiss; played by the API inventory "
        "(the inbox shows it only for feedback already triaged)"
    ),
    "discussion:comment_create": CREATES,
    "discussion:follow": OWN,
    "discussion:inbox": READS,
    "discussion:read": OWN,
    "discussion:read_all": OWN,
    "glossary:new": CREATES,
    "glossary:import_starter": "adds only the starter terms missing; existing terms stay",
    "goals:period_new": CREATES,
    "goals:objective_new": CREATES,
    "goals:key_result_new": CREATES,
    "goals:check_in": APPEND + "; only the key result's current value follows the reading",
    "goals:link_add": SET,
    "goals:link_remove": SET,
    "goals:sign": APPEND + "; a signature reopens when the goals change",
    "integrations:endpoint_new": CREATES,
    "integrations:endpoint_test": CREATES + " (a delivery)",
    "integrations:redeliver": "claims the delivery with a conditional update",
    "interop:home": READS,
    "interop:import_upload": CREATES,
    "interop:import_job": READS,
    "interop:import_run": "runs the admin's own import job; refused while it runs",
    "interop:import_retry": "runs the admin's own failed import job again",
    "interop:import_status": READS,
    "interop:backup": "reads the workspace into a file",
    "interop:restore": CREATES + " (a new workspace, through a restore job)",
    "interop:restore_retry": "runs the admin's own failed restore job again",
    "interop:restore_job": READS,
    "launches:new": CREATES,
    "launches:milestone_add": CREATES,
    "launches:checklist_apply": "adds only the template's items the launch lacks",
    "launches:item_add": CREATES,
    "launches:vote": APPEND + " (one per seat and round, under a lock on the launch)",
    "meetings:series_new": CREATES,
    "meetings:start": TRANSITION,
    "meetings:finish": TRANSITION,
    "meetings:agenda_refresh": "merges live data, keeping the items and places people chose",
    "meetings:agenda_add": CREATES,
    "meetings:agenda_move": "moves one item by one place among the items as they are now",
    "meetings:agenda_remove": SET,
    "meetings:attendance": "sets each attendee's presence as chosen; one value per person",
    "meetings:decision_new": CREATES + "; decisions are immutable",
    "meetings:action_new": CREATES,
    "meetings:calendar": READS,
    "meetings:calendar_regenerate": OWN,
    "planning:scenario_new": CREATES,
    "planning:run_start": CREATES + " (a run of a snapshot)",
    "planning:publish": "replaces the period's plan as a whole by design; signatures are "
    "bound to the content they signed",
    "planning:plan_sign": APPEND + "; bound to the plan's content hash",
    "requirements:new": CREATES,
    "requirements:bulk_status": (
        "moves only the status, each requirement checked against its current status under a "
        "row lock; all or nothing"
    ),
    "requirements:scores": "sets the scorer's own scores; the combined score is recomputed "
    "under a lock on the requirement",
    "requirements:prerequisite_add": SET,
    "requirements:prerequisite_remove": SET,
    "resources:pool_new": CREATES,
    "resources:campaign_new": CREATES,
    "resources:campaign_demand_add": CREATES,
    "resources:requirement_demands": CREATES + " (its form adds a demand)",
    "resources:requirement_demand_suggest": CREATES + " (demands from the estimate)",
}


# -- inventory -------------------------------------------------------------------------------


def _writes(kind: str, method: str) -> bool:
    return kind in ("user", "write", "admin") or method == "post"


def test_every_writing_route_is_covered_or_allowed():
    routes = {name for name, (kind, method) in PAGES.items() if _writes(kind, method)}
    missing = sorted(routes - set(CASES) - set(ALLOWED))
    assert not missing, (
        "add a CASE (its form carries the version) or an ALLOWED entry with the reason it "
        f"cannot overwrite anyone's change: {missing}"
    )
    stale = (set(CASES) | set(ALLOWED)) - set(PAGES)
    assert not stale, f"remove entries of removed routes: {sorted(stale)}"
    assert not set(CASES) & set(ALLOWED)
    assert all(reason.strip() for reason in ALLOWED.values())


def _target(form: Form) -> str | None:
    try:
        match = resolve(urlsplit(form.action).path)
    except Exception:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


@pytest.mark.django_db
def test_every_form_carrying_a_version_is_covered(world, personas):
    """Every page, as an admin sees it: a form that sends a version goes to a CASE (or is a
    creation form, whose version is empty). The launch has launched, so its review shows."""
    _reviewed_launch(access_workspace(personas["admin"], world["slug"]), world)
    client, routes, targets = client_for(personas["admin"]), page_routes(), {}
    for name, (kind, method) in PAGES.items():
        if method != "get" or kind == "public":
            continue
        url = _page_url(name, routes[name], world)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        for form in forms_of(r.content.decode(), url):
            if form.method == "post" and form.has_version():
                targets.setdefault(_target(form), set()).add(name)
    missing = {t: sorted(p) for t, p in targets.items() if t not in CASES and t not in ALLOWED}
    assert not missing, f"forms sending a version to routes without a CASE: {missing}"
    untested = sorted(set(CASES) - set(targets))
    assert not untested, f"CASES whose form no page shows: {untested}"


# -- playing a case --------------------------------------------------------------------------


def _snapshot(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _fill(text: str, world: dict) -> str:
    return text.format(**world) if "{" in text else text


def _form(client, case: Case, route: str, world: dict) -> Form:
    page = _page_url(case.page, page_routes()[case.page], world)
    r = client.get(page)
    assert r.status_code == 200, (case.page, r.status_code)
    action = _page_url(route, page_routes()[route], world)
    found = [
        f
        for f in forms_of(r.content.decode(), page)
        if f.method == "post" and urlsplit(f.action).path == action
    ]
    if case.pick:
        found = [f for f in found if all(f.fields.get(k) == [v] for k, v in case.pick.items())]
    assert found, f"{case.page} shows no form posting to {route}"
    assert found[0].has_version(), f"the form of {route} must carry the version"
    return found[0]


def _post(client, form: Form, changes: dict, press, world: dict):
    changes = {
        _fill(k, world): _fill(v, world) if isinstance(v, str) else v for k, v in changes.items()
    }
    return client.post(form.action, form.data(changes, press), follow=True)


@pytest.fixture
def bo(workspace):
    """A second admin who reads Chinese (every form is open to admins)."""
    user = make_user("bo", language="zh-hans")
    Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN, side=Side.OPERATIONS)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(CASES))
def test_stale_form_never_overwrites(route, world, personas, bo):
    case = CASES[route]
    ctx = access_workspace(personas["admin"], world["slug"])
    world.update(case.setup(ctx, world) if case.setup else {})
    world["prefix"] = f"a{world.get('activity_id', '')}-"
    a = client_for(bo if case.own else personas["admin"])
    b = client_for(bo)
    stale = _stale_zh()

    form_a = _form(a, case, route, world)
    form_b = _form(b, case, route, world)
    before = _snapshot(case.obj(world))

    if case.a is not None:
        r = _post(a, form_a, case.a, case.press_a or case.press, world)
        assert r.status_code < 400, (r.status_code, r.content[:2000])
        assert STALE_EN not in r.content.decode()
        marker = next((v for v in case.a.values() if isinstance(v, str)), "")
    else:
        field, marker = case.mark
        obj = case.obj(world)
        type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1, **{field: marker})
    after_a = _snapshot(case.obj(world))
    assert after_a != before and after_a["version"] != before["version"]

    r = _post(b, form_b, case.b, case.press, world)
    body = r.content.decode()
    assert r.status_code < 500
    assert stale in body, f"B must be told, in Chinese, that someone else changed it ({route})"
    shows = marker if case.shows is None else case.shows
    assert shows in body, f"B must see A's change {shows!r}"
    assert _snapshot(case.obj(world)) == after_a, "B's stale form overwrote A's change"

    if case.deletes:
        r = _post(b, _form(b, case, route, world), case.b, case.press, world)
        assert stale not in r.content.decode()
        try:
            gone = case.obj(world)
        except Exception:  # DoesNotExist: deleted
            gone = None
        assert gone is None or getattr(gone, "is_deleted", False), "B's reloaded delete failed"
    elif case.retry:
        r = _post(b, _form(b, case, route, world), case.b, case.press, world)
        assert stale not in r.content.decode(), "after reloading, B's change goes through"
        assert _snapshot(case.obj(world))["version"] != after_a["version"]
