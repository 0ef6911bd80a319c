from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.responsibilities import services
from truce.responsibilities.models import Activity, Assignment

pytestmark = pytest.mark.django_db


def row_url(req, activity):
    return reverse("responsibilities:row", args=["spark", req.number, activity.pk])


def test_matrix_page_shows_activities_and_people(alice, req, acts):
    r = client_for(alice).get(reverse("responsibilities:matrix", args=["spark", req.number]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "Requirement review" in body and "Olivia" in body
    assert 'name="member-' in body and 'hx-post="' in body


def test_matrix_page_in_chinese(alice, req, acts):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    r = client_for(alice).get(reverse("responsibilities:matrix", args=["spark", req.number]))
    assert "需求评审" in r.content.decode()


def test_viewer_reads_the_matrix_without_selects(victor, req, acts):
    r = client_for(victor).get(reverse("responsibilities:matrix", args=["spark", req.number]))
    assert r.status_code == 200 and "<select" not in r.content.decode().split("raci-matrix")[1]


def test_htmx_saves_a_row_and_rerenders_it(alice, req, acts, m):
    data = {"version": "0", f"member-{m['alice']}": "A", f"member-{m['lena']}": "R"}
    r = client_for(alice).post(row_url(req, acts["release"]), data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert body.lstrip().startswith("<tr") and "Saved." in body and 'value="1"' in body
    assert Assignment.objects.filter(letter="A").get().member_id == m["alice"]


def test_htmx_second_accountable_is_refused_inline(alice, req, acts, m):
    data = {
        "version": "0",
        f"member-{m['alice']}": "A",
        f"member-{m['olivia']}": "A",
        f"member-{m['lena']}": "R",
    }
    r = client_for(alice).post(row_url(req, acts["release"]), data, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert "Only one person can be Accountable" in r.content.decode()
    assert not Assignment.objects.exists()


def test_htmx_stale_row_shows_theirs(alice, olivia, req, acts, m):
    theirs = {"version": "0", f"member-{m['olivia']}": "A", f"member-{m['lena']}": "R"}
    client_for(olivia).post(row_url(req, acts["promotion"]), theirs, HTTP_HX_REQUEST="true")
    mine = {"version": "0", f"member-{m['alice']}": "A", f"member-{m['lena']}": "R"}
    r = client_for(alice).post(row_url(req, acts["promotion"]), mine, HTTP_HX_REQUEST="true")
    assert r.status_code == 412
    body = r.content.decode()
    assert "Someone else changed this" in body
    assert (
        f'name="member-{m["olivia"]}" form="raci-form-{acts["promotion"].pk}" class="raci-cell">'
        in body
    )
    assert 'value="1"' in body  # saving again overwrites knowingly


def test_plain_post_redirects_with_message(alice, req, acts, m):
    data = {"version": "0", f"member-{m['alice']}": "A"}
    r = client_for(alice).post(row_url(req, acts["release"]), data, follow=True)
    assert "Choose at least one Responsible" in r.content.decode()


def test_row_of_another_workspace_activity_is_404(alice, req, charlie, other_workspace):
    foreign = services.activities_for(other_workspace)[0]
    r = client_for(alice).post(row_url(req, foreign), {"version": "0"})
    assert r.status_code == 404


def test_detail_page_answers_who_owns_this(alice, ctx, req, acts, m):
    services.row_save(
        ctx=ctx,
        requirement=req,
        activity=acts["promotion"],
        expected_version=0,
        cells=[(m["olivia"], "A"), (m["lena"], "R")],
    )
    r = client_for(alice).get(reverse("requirements:detail", args=["spark", req.number]))
    body = r.content.decode()
    assert (
        "Promotion: Olivia" in body
        and reverse("responsibilities:matrix", args=["spark", req.number]) in body
    )


def test_report_page_bounded_queries(alice, ctx, acts, m, django_assert_max_num_queries):
    from truce.requirements.services import requirement_create

    for i in range(12):
        req = requirement_create(ctx=ctx, title=f"需求 {i}")
        services.row_save(
            ctx=ctx,
            requirement=req,
            activity=acts["development"],
            expected_version=0,
            cells=[(m["alice"], "A"), (m["lena"], "R")],
        )
    client = client_for(alice)
    # the database counts each section (gaps 3, hand-offs 2, overlaps 2, loads 1) instead
    # of Python loading every requirement: a few more queries, none per requirement
    with django_assert_max_num_queries(14):
        r = client.get(reverse("responsibilities:report", args=["spark"]), {"overload": "10"})
    body = r.content.decode()
    assert r.status_code == 200 and "accountable for 12 activities" in body


def test_matrix_page_bounded_queries(alice, req, acts, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(9):  # +1: the header's unread count
        r = client.get(reverse("responsibilities:matrix", args=["spark", req.number]))
    assert r.status_code == 200


def test_templates_page_edit_by_lead_and_refused_for_product(alice, lena, workspace, acts):
    a = acts["development"]
    url = reverse("responsibilities:template_edit", args=["spark", a.pk])
    data = {
        f"a{a.pk}-name": "Build",
        f"a{a.pk}-name_zh": "研发",
        f"a{a.pk}-position": "2",
        f"a{a.pk}-default_product": "AR",
        f"a{a.pk}-default_operations": "I",
        f"a{a.pk}-version": "1",
    }
    assert client_for(alice).post(url, data).status_code == 403
    r = client_for(lena).post(url, data, follow=True)
    assert "研发" in r.content.decode()
    assert Activity.objects.get(pk=a.pk).name == "Build"
    page = client_for(alice).get(reverse("responsibilities:templates", args=["spark"]))
    assert "Only admins and leads" in page.content.decode()
