"""The access matrix for interop's own routes (tests/test_access_matrix.py checks them too,
with every other app's): anonymous, outsider (charlie), viewer (victor), and an admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.interop.tests import access_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, workspace):
    ctx = access_workspace(personas["admin"], workspace.slug)
    return {"slug": workspace.slug, **access_routes.world(ctx, {})}


def _url(name, world):
    from django.urls import get_resolver

    pattern = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "interop"
    )
    route = next(p for p in pattern.url_patterns if p.name == name.split(":")[1])
    return reverse(name, kwargs={k: world[k] for k in route.pattern.converters})


def test_pages(world, personas):
    anon, charlie, victor = (
        client_for(None),
        client_for(personas["charlie"]),
        client_for(personas["victor"]),
    )
    for name, (kind, method) in access_routes.PAGES.items():
        url = _url(name, world)
        r = getattr(anon, method)(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], name
        assert getattr(charlie, method)(url).status_code == 404, name
        expected = 403 if kind == "admin" else 200
        assert getattr(victor, method)(url).status_code == expected, name


def test_api(world, personas):
    anon, charlie, victor = (
        client_for(None),
        client_for(personas["charlie"]),
        client_for(personas["victor"]),
    )
    for op, kind in access_routes.OPERATIONS.items():
        method, path = op.split(" ")
        url = path.format(**world)
        body = access_routes.valid_body(op) or {}
        call = getattr(anon, method.lower())
        assert call(url, content_type="application/json", data=body).status_code == 401, op
        r = getattr(charlie, method.lower())(url, content_type="application/json", data=body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", op
        r = getattr(victor, method.lower())(url, content_type="application/json", data=body)
        assert r.status_code == (403 if kind == "admin" else 200), (op, r.status_code)
