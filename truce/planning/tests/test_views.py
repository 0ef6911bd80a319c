from __future__ import annotations

from django.urls import reverse

from conftest import client_for
from truce.planning import services
from truce.planning.models import PeriodPlan, Run, Scenario


def _url(name, *args):
    return reverse(f"planning:{name}", args=["spark", *args])


def test_scenario_list_and_new_form(alice, scenario, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(_url("scenarios"))
    assert r.status_code == 200 and "本季度" in r.content.decode()
    r = client.get(_url("scenario_new"))
    assert r.status_code == 200 and "2026-07" in r.content.decode()


def test_create_scenario_through_the_form(alice, world, period):
    r = client_for(alice).post(
        _url("scenario_new"),
        {
            "name": "Q3 新功能",
            "period": period.pk,
            "statuses": ["accepted"],
            "include_campaigns": "on",
            "mandatory": "#1",
            "excluded": "C1",
            "product_weight": "2",
            "operations_weight": "1",
            "customer_weight": "0",
            "product_floor": "30",
            "operations_floor": "0",
        },
    )
    scenario = Scenario.objects.get(name="Q3 新功能")
    assert r.status_code == 302 and r["Location"] == _url("scenario", scenario.pk)
    assert scenario.mandatory == ["R1"] and scenario.excluded == ["C1"]
    assert scenario.product_floor == 0.3 and scenario.statuses == ["accepted"]


def test_form_shows_field_errors(alice, world):
    r = client_for(alice).post(
        _url("scenario_new"),
        {"name": "x", "mandatory": "#99", "product_weight": "1", "operations_weight": "1",
         "customer_weight": "1", "product_floor": "0", "operations_floor": "0"},
    )  # fmt: skip
    assert r.status_code == 422 and "Unknown items: #99." in r.content.decode()


def test_edit_with_a_stale_version_shows_theirs(alice, olivia, scenario):
    services.scenario_update(
        ctx=_ctx(olivia), scenario=scenario, expected_version=1, name="运营改过"
    )
    data = {"name": "我的版本", "version": 1, "product_weight": "1", "operations_weight": "1",
            "customer_weight": "1", "product_floor": "0", "operations_floor": "0"}  # fmt: skip
    r = client_for(alice).post(_url("scenario_edit", scenario.pk), data)
    body = r.content.decode()
    assert r.status_code == 409 and "运营改过" in body and "changed by someone else" in body
    scenario.refresh_from_db()
    assert scenario.name == "运营改过"


def _ctx(user):
    from truce.core.access import access_workspace

    return access_workspace(user, "spark")


def test_run_from_the_page_then_the_scenario_shows_the_result(
    alice, scenario, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(_url("run_start", scenario.pk))
    assert r.status_code == 302
    run = Run.objects.get(scenario=scenario)
    assert run.status == "done"
    with django_assert_max_num_queries(12):
        r = client.get(_url("scenario", scenario.pk))
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="funded"' in body and "灰度发布" in body and "planning-charts" in body
    assert 'id="left-out"' in body and "商家后台" not in body  # proposed: not a candidate
    assert "Publish as the plan for 2026 Q3" in body


def test_a_queued_run_is_polled_with_htmx(alice, scenario, ctx):
    run = services.run_start(ctx=ctx, scenario=scenario)  # on_commit never fires here
    r = client_for(alice).get(_url("scenario", scenario.pk))
    body = r.content.decode()
    assert 'hx-trigger="every 1s"' in body and "Queued" in body
    r = client_for(alice).get(_url("run", run.pk), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()
    services.run_execute(run.pk)
    r = client_for(alice).get(_url("run", run.pk), HTTP_HX_REQUEST="true")
    assert "every 1s" not in r.content.decode() and 'id="funded"' in r.content.decode()


def test_run_page_and_explanation_fragment(alice, run, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        r = client.get(_url("run", run.pk))
    assert r.status_code == 200 and "搜索优化" in r.content.decode()
    r = client.get(_url("explain", run.pk, "R3"), HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and 'id="why-R3"' in body and "灰度发布" in body
    assert client.get(_url("explain", run.pk, "R999")).status_code == 404


def test_adopt_a_point_from_the_page(alice, run):
    other = next(
        p for p, point in enumerate(run.result["pareto"]["points"])
        if point["selected"] != run.result["selected"]
    )  # fmt: skip
    r = client_for(alice).post(
        _url("adopt", run.pk), {"point": other, "version": run.version, "back": "scenario"}
    )
    assert r.status_code == 302 and r["Location"] == _url("scenario", run.scenario_id)
    run.refresh_from_db()
    assert run.result["adopted"] == other
    assert run.result["selected"] == run.result["pareto"]["points"][other]["selected"]
    r = client_for(alice).post(_url("adopt", run.pk), {"point": 0, "version": 1})
    run.refresh_from_db()
    assert run.result["adopted"] == other  # the stale version was refused


def test_publish_and_sign_on_the_pages(alice, olivia, lena, victor, run):
    r = client_for(alice).post(_url("publish", run.pk))
    plan = PeriodPlan.objects.get()
    assert r.status_code == 302 and r["Location"] == _url("plan", plan.pk)
    for user in (alice, olivia):
        assert client_for(user).post(_url("plan_sign", plan.pk)).status_code == 302
    r = client_for(lena).get(_url("plan", plan.pk))
    assert "Still needed: Lead." in r.content.decode()
    client_for(lena).post(_url("plan_sign", plan.pk))
    r = client_for(victor).get(_url("plan", plan.pk))
    body = r.content.decode()
    assert 'id="signoff-status">agreed' in body and "Moved to scheduled" in body
    assert client_for(victor).post(_url("plan_sign", plan.pk)).status_code == 403


def test_compare_two_runs(alice, ctx, run, django_capture_on_commit_callbacks):
    services.scenario_update(
        ctx=ctx, scenario=run.scenario, expected_version=None, product_weight=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_start(ctx=ctx, scenario=run.scenario)
    r = client_for(alice).get(_url("compare") + f"?runs={run.pk}&runs={second.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and 'id="compare-items"' in body and "灰度发布" in body
    r = client_for(alice).get(_url("compare") + f"?runs={run.pk}")
    assert "Choose two or three finished runs" in r.content.decode()


def test_delete_scenario(alice, scenario):
    r = client_for(alice).post(_url("scenario_delete", scenario.pk), {"version": scenario.version})
    assert r.status_code == 302 and not Scenario.objects.exists()


def test_pages_in_chinese(alice, run):
    client = client_for(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    r = client.get(_url("scenario", run.scenario_id))
    assert r.status_code == 200 and '<html lang="zh-hans">' in r.content.decode()
    assert "会员积分" in r.content.decode()


def test_find_an_item_and_show_all(alice, run):
    client = client_for(alice)
    r = client.get(_url("run", run.pk) + "?q=搜索")
    body = r.content.decode()
    assert (
        "搜索优化" in body
        and "灰度发布" not in body.split('id="left-out"')[0].split('id="funded"')[1]
    )
    r = client.get(_url("scenario", run.scenario_id) + "?all=1&q=zzz")
    assert "No funded item matches." in r.content.decode()


def test_a_signature_is_for_the_plan_that_was_shown(alice, olivia, run, ctx):
    """A plan republished while someone reads it: their signature of the old content is
    refused (page and API), and the page shows the new plan to sign."""
    from truce.planning.models import PlanSignature

    client_for(alice).post(_url("publish", run.pk))
    plan = PeriodPlan.objects.get()
    shown = plan.content_hash
    assert (
        f'name="hash" value="{shown}"'
        in client_for(alice).get(_url("plan", plan.pk)).content.decode()
    )
    PeriodPlan.objects.filter(pk=plan.pk).update(content_hash="0" * 64)  # republished meanwhile
    r = client_for(alice).post(_url("plan_sign", plan.pk), {"hash": shown}, follow=True)
    assert "The plan changed since you opened this page." in r.content.decode()
    assert not PlanSignature.objects.exists()
    assert client_for(alice).post(_url("plan_sign", plan.pk), {"hash": "0" * 64}).status_code == 302
    api = f"/api/v1/workspaces/spark/planning/plans/{plan.pk}/sign"
    r = client_for(olivia).post(api, HTTP_IF_MATCH=f'"{shown}"')
    assert r.status_code == 412 and r.json()["error"]["code"] == "stale"
    assert client_for(olivia).post(api, HTTP_IF_MATCH=f'"{"0" * 64}"').status_code == 201
