"""The glossary's pages and operations for outsiders, viewers and members of another
workspace (the shared matrix in tests/test_access_matrix.py checks them too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.glossary import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind_term(charlie, other_workspace):
    ctx = access_workspace(charlie, other_workspace.slug)
    return services.term_create(ctx=ctx, term_en="NSM", side="both", definition_en="x")


def test_a_term_of_another_workspace_is_not_found(alice, northwind_term):
    client = client_for(alice)
    assert (
        client.get(reverse("glossary:detail", args=["spark", northwind_term.pk])).status_code == 404
    )
    assert (
        client.get(f"/api/v1/workspaces/spark/glossary/terms/{northwind_term.pk}").status_code
        == 404
    )
    r = client.get(f"/api/v1/workspaces/spark/glossary/terms/{2**70}")
    assert r.status_code == 404


def test_outsiders_get_404_everywhere(charlie, gmv):
    client = client_for(charlie)
    for name, args in [("list", []), ("detail", [gmv.pk]), ("suggestions", [])]:
        assert client.get(reverse(f"glossary:{name}", args=["spark", *args])).status_code == 404
    r = client.post("/api/v1/workspaces/spark/glossary/highlight", {"text": "GMV"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 404


def test_viewers_read_but_do_not_write(victor, gmv):
    client = client_for(victor)
    assert client.get(reverse("glossary:detail", args=["spark", gmv.pk])).status_code == 200
    assert client.get(reverse("glossary:edit", args=["spark", gmv.pk])).status_code == 403
    assert client.post(reverse("glossary:import_starter", args=["spark"])).status_code == 403
    r = client.patch(
        f"/api/v1/workspaces/spark/glossary/terms/{gmv.pk}", {"example_zh": "x"},
        content_type="application/json", HTTP_IF_MATCH=f'"{gmv.pk}-1"',
    )  # fmt: skip
    assert r.status_code == 403


def test_anonymous_is_sent_to_sign_in(gmv):
    r = client_for(None).get(reverse("glossary:list", args=["spark"]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client_for(None).get("/api/v1/workspaces/spark/glossary/terms").status_code == 401
