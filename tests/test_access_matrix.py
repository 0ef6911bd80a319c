"""Every URL pattern and every API operation, checked for anonymous, outsider and viewer.

The registries below say what each route is; a route added without an entry fails the test,
so no page or endpoint can ship without its access rule being stated and checked.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import client_for
from truce.accounts.models import Invitation, Membership
from truce.accounts.services import invitation_create, token_create
from truce.api.api import api
from truce.core.access import access_workspace
from truce.customers.services import customer_create, feedback_create
from truce.goals import services as goal_services
from truce.requirements.services import requirement_create
from truce.responsibilities.services import activities_for

PUBLIC, USER, READ, WRITE, ADMIN = "public", "user", "read", "write", "admin"

# url name -> (kind, HTTP method used to probe it)
PAGES = {
    "home": (USER, "get"),
    "set_language": (PUBLIC, "post"),
    "healthz": (PUBLIC, "get"),
    "accounts:login": (PUBLIC, "get"),
    "accounts:logout": (PUBLIC, "post"),
    "accounts:password_change": (USER, "get"),
    "accounts:password_reset": (PUBLIC, "get"),
    "accounts:password_reset_done": (PUBLIC, "get"),
    "accounts:password_reset_confirm": (PUBLIC, "get"),
    "accounts:profile": (USER, "get"),
    "accounts:tokens": (USER, "get"),
    "accounts:token_revoke": (USER, "post"),
    "accounts:invitation": (PUBLIC, "get"),
    "accounts:workspaces": (USER, "get"),
    "accounts:overview": (READ, "get"),
    "accounts:members": (READ, "get"),
    "accounts:member_update": (ADMIN, "post"),
    "accounts:member_remove": (ADMIN, "post"),
    "accounts:invitation_new": (ADMIN, "get"),
    "accounts:invitation_revoke": (ADMIN, "post"),
    "accounts:settings": (ADMIN, "get"),
    "accounts:audit": (ADMIN, "get"),
    "requirements:list": (READ, "get"),
    "requirements:board": (READ, "get"),
    "requirements:new": (WRITE, "get"),
    "requirements:similar": (READ, "get"),
    "requirements:bulk_status": (WRITE, "post"),
    "requirements:detail": (READ, "get"),
    "requirements:edit": (WRITE, "get"),
    "requirements:move": (WRITE, "post"),
    "requirements:scores": (WRITE, "post"),
    "requirements:scorecard": (READ, "get"),
    "requirements:prerequisite_add": (WRITE, "post"),
    "requirements:prerequisite_remove": (WRITE, "post"),
    "customers:list": (READ, "get"),
    "customers:new": (WRITE, "get"),
    "customers:segments": (ADMIN, "get"),
    "customers:detail": (READ, "get"),
    "customers:delete": (WRITE, "post"),
    "customers:feedback": (READ, "get"),
    "customers:feedback_new": (WRITE, "get"),
    "customers:feedback_detail": (READ, "get"),
    "customers:feedback_link": (WRITE, "post"),
    "customers:feedback_unlink": (WRITE, "post"),
    "customers:feedback_dismiss": (WRITE, "post"),
    "customers:feedback_create_requirement": (WRITE, "post"),
    "goals:periods": (READ, "get"),
    "goals:period_new": (WRITE, "get"),
    "goals:settings": (ADMIN, "post"),
    "goals:period": (READ, "get"),
    "goals:sign": (WRITE, "post"),
    "goals:alignment": (READ, "get"),
    "goals:objective_new": (WRITE, "get"),
    "goals:objective_edit": (WRITE, "get"),
    "goals:key_result_new": (WRITE, "get"),
    "goals:key_result": (READ, "get"),
    "goals:key_result_edit": (WRITE, "get"),
    "goals:check_in": (WRITE, "post"),
    "goals:link_add": (WRITE, "post"),
    "goals:link_remove": (WRITE, "post"),
    "responsibilities:report": (READ, "get"),
    "responsibilities:templates": (READ, "get"),
    "responsibilities:template_edit": (WRITE, "post"),
    "responsibilities:matrix": (READ, "get"),
    "responsibilities:row": (WRITE, "post"),
}

# "METHOD /path" as in the OpenAPI document -> kind
OPERATIONS = {
    "GET /api/v1/me": USER,
    "PATCH /api/v1/me": USER,
    "GET /api/v1/workspaces": USER,
    "POST /api/v1/workspaces": USER,
    "GET /api/v1/workspaces/{slug}": READ,
    "PATCH /api/v1/workspaces/{slug}": ADMIN,
    "GET /api/v1/workspaces/{slug}/members": READ,
    "GET /api/v1/workspaces/{slug}/members/{member_id}": READ,
    "PATCH /api/v1/workspaces/{slug}/members/{member_id}": ADMIN,
    "DELETE /api/v1/workspaces/{slug}/members/{member_id}": ADMIN,
    "GET /api/v1/workspaces/{slug}/invitations": ADMIN,
    "POST /api/v1/workspaces/{slug}/invitations": ADMIN,
    "DELETE /api/v1/workspaces/{slug}/invitations/{invitation_id}": ADMIN,
    "GET /api/v1/workspaces/{slug}/requirements": READ,
    "POST /api/v1/workspaces/{slug}/requirements": WRITE,
    "GET /api/v1/workspaces/{slug}/requirements/{number}": READ,
    "PATCH /api/v1/workspaces/{slug}/requirements/{number}": WRITE,
    "POST /api/v1/workspaces/{slug}/requirements/{number}/status": WRITE,
    "POST /api/v1/workspaces/{slug}/requirements-bulk-status": WRITE,
    "GET /api/v1/workspaces/{slug}/requirements/{number}/prerequisites": READ,
    "POST /api/v1/workspaces/{slug}/requirements/{number}/prerequisites": WRITE,
    "DELETE /api/v1/workspaces/{slug}/requirements/{number}/prerequisites/{prereq}": WRITE,
    "GET /api/v1/workspaces/{slug}/requirements/{number}/history": READ,
    "GET /api/v1/workspaces/{slug}/requirements-similar": READ,
    "GET /api/v1/workspaces/{slug}/requirements/{number}/customers": READ,
    "GET /api/v1/workspaces/{slug}/customers": READ,
    "POST /api/v1/workspaces/{slug}/customers": WRITE,
    "GET /api/v1/workspaces/{slug}/customers/{customer_id}": READ,
    "PATCH /api/v1/workspaces/{slug}/customers/{customer_id}": WRITE,
    "DELETE /api/v1/workspaces/{slug}/customers/{customer_id}": WRITE,
    "GET /api/v1/workspaces/{slug}/segment-policy": READ,
    "PUT /api/v1/workspaces/{slug}/segment-policy": ADMIN,
    "GET /api/v1/workspaces/{slug}/feedback": READ,
    "POST /api/v1/workspaces/{slug}/feedback": WRITE,
    "GET /api/v1/workspaces/{slug}/feedback/{feedback_id}": READ,
    "PATCH /api/v1/workspaces/{slug}/feedback/{feedback_id}": WRITE,
    "POST /api/v1/workspaces/{slug}/feedback/{feedback_id}/link": WRITE,
    "POST /api/v1/workspaces/{slug}/feedback/{feedback_id}/unlink": WRITE,
    "POST /api/v1/workspaces/{slug}/feedback/{feedback_id}/dismiss": WRITE,
    "POST /api/v1/workspaces/{slug}/feedback/{feedback_id}/create-requirement": WRITE,
    "GET /api/v1/workspaces/{slug}/feedback/{feedback_id}/similar": READ,
    "GET /api/v1/workspaces/{slug}/scorecard": READ,
    "PUT /api/v1/workspaces/{slug}/scorecard": WRITE,
    "GET /api/v1/workspaces/{slug}/requirements/{number}/scores": READ,
    "PUT /api/v1/workspaces/{slug}/requirements/{number}/scores": WRITE,
    "GET /api/v1/workspaces/{slug}/raci/templates": READ,
    "PUT /api/v1/workspaces/{slug}/raci/templates/{activity_id}": WRITE,
    "GET /api/v1/workspaces/{slug}/requirements/{number}/raci": READ,
    "PUT /api/v1/workspaces/{slug}/requirements/{number}/raci/{activity_id}": WRITE,
    "GET /api/v1/workspaces/{slug}/raci/report": READ,
    "GET /api/v1/tokens": USER,
    "POST /api/v1/tokens": USER,
    "DELETE /api/v1/tokens/{token_id}": USER,
    "GET /api/v1/workspaces/{slug}/goals/periods": READ,
    "POST /api/v1/workspaces/{slug}/goals/periods": WRITE,
    "GET /api/v1/workspaces/{slug}/goals/periods/{period_id}": READ,
    "POST /api/v1/workspaces/{slug}/goals/periods/{period_id}/sign": WRITE,
    "GET /api/v1/workspaces/{slug}/goals/periods/{period_id}/alignment": READ,
    "POST /api/v1/workspaces/{slug}/goals/periods/{period_id}/objectives": WRITE,
    "PATCH /api/v1/workspaces/{slug}/goals/objectives/{objective_id}": WRITE,
    "POST /api/v1/workspaces/{slug}/goals/objectives/{objective_id}/key-results": WRITE,
    "GET /api/v1/workspaces/{slug}/goals/key-results/{kr_id}": READ,
    "PATCH /api/v1/workspaces/{slug}/goals/key-results/{kr_id}": WRITE,
    "GET /api/v1/workspaces/{slug}/goals/key-results/{kr_id}/check-ins": READ,
    "POST /api/v1/workspaces/{slug}/goals/key-results/{kr_id}/check-ins": WRITE,
    "POST /api/v1/workspaces/{slug}/goals/key-results/{kr_id}/links": WRITE,
    "DELETE /api/v1/workspaces/{slug}/goals/key-results/{kr_id}/links/{number}": WRITE,
    "GET /api/v1/workspaces/{slug}/goals/settings": READ,
    "PUT /api/v1/workspaces/{slug}/goals/settings": ADMIN,
}
API_PUBLIC = {"api:openapi-json", "api:openapi-view"}


def _app_registries():
    """Apps keep their own entries in ``truce/<app>/tests/access_routes.py`` (same kinds), so
    apps can grow in parallel without editing this file."""
    from importlib import import_module

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("truce."):
            continue
        try:
            found.append(import_module(f"{config.name}.tests.access_routes"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.access_routes":
                raise
    return found


APP_REGISTRIES = _app_registries()
for _registry in APP_REGISTRIES:
    for _kind in set(_registry.PAGES.values()) | {(k,) for k in _registry.OPERATIONS.values()}:
        _k = _kind[0]
        assert _k in (PUBLIC, USER, READ, WRITE, ADMIN), (_registry.__name__, _kind)
    assert not set(_registry.PAGES) & set(PAGES), _registry.__name__
    assert not set(_registry.OPERATIONS) & set(OPERATIONS), _registry.__name__
    PAGES.update(_registry.PAGES)
    OPERATIONS.update(_registry.OPERATIONS)


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


def page_routes():
    return {
        name: p
        for name, p in _walk(get_resolver().url_patterns)
        if not name.startswith("api:") or name in API_PUBLIC
    }


def api_operations():
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_page_route_is_registered():
    missing = set(page_routes()) - set(PAGES) - API_PUBLIC
    assert not missing, f"add these routes to PAGES with their access kind: {sorted(missing)}"
    stale = set(PAGES) - set(page_routes())
    assert not stale, f"remove routes that no longer exist: {sorted(stale)}"


def test_every_api_operation_is_registered():
    missing = api_operations() - set(OPERATIONS)
    assert not missing, f"add these operations to OPERATIONS: {sorted(missing)}"
    assert not set(OPERATIONS) - api_operations()


@pytest.fixture
def world(personas, workspace):
    """Objects inside the persona workspace that URLs point at."""
    ctx = access_workspace(personas["admin"], workspace.slug)
    invitation, raw = invitation_create(ctx=ctx, role="product", side="product")
    token, _ = token_create(user=personas["alice"], name="ci")
    first = requirement_create(ctx=ctx, title="灰度发布")
    second = requirement_create(ctx=ctx, title="拉新活动")
    customer = customer_create(ctx=ctx, name="京东", value=100)
    feedback = feedback_create(ctx=ctx, text="想要灰度发布", customer=customer)
    period = goal_services.period_create(
        ctx=ctx, name="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    objective = goal_services.objective_create(ctx=ctx, period=period, title="提升转化")
    kr = goal_services.key_result_create(
        ctx=ctx, objective=objective, title="转化率", baseline=1, target=2
    )
    goal_services.link_add(ctx=ctx, key_result=kr, requirement=second)
    base = {
        "slug": workspace.slug,
        "member_id": Membership.objects.get(user=personas["alice"]).pk,
        "invitation_id": invitation.pk,
        "token_id": token.pk,
        "token": raw,
        "uidb64": "MQ",
        "raw_invitation": raw,
        "number": second.number,
        "prereq": first.number,
        "customer_id": customer.pk,
        "feedback_id": feedback.pk,
        "period_id": period.pk,
        "objective_id": objective.pk,
        "kr_id": kr.pk,
        "activity_id": activities_for(workspace)[0].pk,
    }
    for registry in APP_REGISTRIES:
        extra = registry.world(ctx, dict(base))
        assert not set(extra) & set(base), (registry.__name__, set(extra) & set(base))
        base.update(extra)
    return base


def _page_url(name, pattern, world):
    kwargs = {k: world[k] for k in pattern.pattern.converters}
    if name == "accounts:password_reset_confirm":
        kwargs["token"] = "set-password"
    return reverse(name, kwargs=kwargs)


def _api_url(op, world):
    path = op.split(" ", 1)[1]
    return path.format(**world)


@pytest.mark.django_db
def test_pages_anonymous_outsider_viewer(world, personas):
    routes = page_routes()
    anon, charlie, victor = (
        client_for(None),
        client_for(personas["charlie"]),
        client_for(personas["victor"]),
    )
    for name, (kind, method) in PAGES.items():
        url = _page_url(name, routes[name], world)
        if kind == PUBLIC:
            assert getattr(anon, method)(url).status_code < 500, name
            continue
        r = getattr(anon, method)(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], (name, r.status_code)
        r = getattr(charlie, method)(url)
        expected_outsider = 404 if kind in (READ, WRITE, ADMIN) or name.endswith("revoke") else None
        if expected_outsider:
            assert r.status_code == 404, (name, r.status_code)
        if kind in (WRITE, ADMIN):
            assert getattr(victor, method)(url).status_code == 403, name


@pytest.mark.django_db
def test_api_anonymous_outsider_viewer(world, personas):
    anon, charlie, victor = (
        client_for(None),
        client_for(personas["charlie"]),
        client_for(personas["victor"]),
    )
    for op, kind in OPERATIONS.items():
        method, url = op.split(" ")[0].lower(), _api_url(op, world)
        r = getattr(anon, method)(url, content_type="application/json", data={})
        assert r.status_code == 401, (op, r.status_code)
        assert r.json()["error"]["code"] == "unauthenticated"
        r = getattr(charlie, method)(
            url, content_type="application/json", data=_valid_body(op), HTTP_IF_MATCH='"x-1"'
        )
        if kind in (READ, WRITE, ADMIN) or "{token_id}" in op or "{session_id}" in op:
            assert r.status_code == 404, (op, r.status_code, r.content)
            assert r.json()["error"]["code"] == "not_found"
        if kind in (WRITE, ADMIN) and method != "get":
            r = getattr(victor, method)(
                url, content_type="application/json", data=_valid_body(op), HTTP_IF_MATCH='"x-1"'
            )
            assert r.status_code == 403, (op, r.status_code, r.content)
        elif kind == ADMIN:
            assert getattr(victor, method)(url).status_code == 403, op


def _valid_body(op):
    for registry in APP_REGISTRIES:
        if op in registry.OPERATIONS and (body := registry.valid_body(op)) is not None:
            return body
    if "/goals/" in op:
        return _valid_goals_body(op)
    if "/raci/templates/" in op:
        return {"name": "Release", "name_zh": "发布", "position": 0}
    if "/raci/" in op:
        return {"assignments": []}
    if op.endswith("/scores"):
        return {"scores": {"reach": 3}}
    if op.endswith("/scorecard"):
        return {
            "method": "weighted",
            "product_weight": 0.5,
            "operations_weight": 0.5,
            "contested_threshold": 0.3,
            "disagreement_threshold": 0.4,
        }
    if op.endswith("/link"):
        return {"number": 1}
    if op.endswith("/create-requirement"):
        return {"title": "x"}
    if "segment-policy" in op:
        return {"a_share": 0.5, "b_share": 0.3}
    if "/feedback" in op:
        return {"text": "x"}
    if "bulk-status" in op:
        return {"numbers": [1], "status": "under_review"}
    if op.endswith("/status"):
        return {"status": "under_review"}
    if op.endswith("/prerequisites"):
        return {"number": 1}
    if "requirements" in op:
        return {"title": "x"}
    if "members" in op:
        return {"role": "product", "side": "product"}
    if "invitations" in op:
        return {"role": "product", "side": "product"}
    return {"name": "x"}


def _valid_goals_body(op):
    if op.endswith("/goals/periods"):
        return {"name": "x", "start": "2026-01-01", "end": "2026-03-31"}
    if op.endswith("/key-results"):
        return {"title": "x", "baseline": 0, "target": 1}
    if op.endswith("/check-ins"):
        return {"value": 1, "confidence": 0.5}
    if op.endswith("/links"):
        return {"number": 1}
    if op.endswith("/settings"):
        return {"requires_lead_signature": False}
    return {"title": "x"}


@pytest.mark.django_db
def test_public_invitation_page_does_not_leak_other_links(world, personas):
    r = client_for(None).get(reverse("accounts:invitation", args=["not-a-real-token"]))
    assert r.status_code == 404
    assert Invitation.objects.count() == 1
