"""A finished run's layout (summary and RunItem rows): what the pages show is the run's own
result, the pages read a bounded number of rows and never the run's documents, and the layout
follows every change of the result."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from truce.planning import engine, layout, selectors, services
from truce.planning.models import Run, RunItem


def _url(name, *args):
    return reverse(f"planning:{name}", args=["spark", *args])


def _page(run: Run, **kwargs) -> dict:
    return selectors.run_result(Run.objects.defer(*selectors.DOCUMENTS).get(pk=run.pk), **kwargs)


def _ids(rows) -> list[str]:
    return [r["id"] for r in rows]


def _second_run(ctx, run, django_capture_on_commit_callbacks) -> Run:
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_start(ctx=ctx, scenario=run.scenario)
    second.refresh_from_db()
    return second


def _other_point(run: Run) -> int:
    points = run.result["pareto"]["points"]
    return next(k for k, p in enumerate(points) if p["selected"] != run.result["selected"])


def test_the_page_shows_the_runs_own_result(run):
    inputs, result = run.inputs, run.result
    page = _page(run)
    ranked = sorted(inputs["items"], key=lambda r: -layout.weighted(inputs["weights"], r))
    chosen = set(result["selected"])
    assert _ids(page["funded"]) == [r["id"] for r in ranked if r["id"] in chosen]
    assert _ids(page["left_out"]) == [r["id"] for r in ranked if r["id"] not in chosen]
    assert page["funded_total"] == len(chosen)
    assert page["left_out_total"] == len(inputs["items"]) - len(chosen)
    assert (page["values"], page["objective"]) == (result["values"], result["objective"])
    problem = engine.problem_from(inputs, fairness=False)
    for row in page["left_out"]:
        cheap = engine.shortfall(problem, chosen, row["id"], result["usage"])
        assert _ids(row["bundle_items"]) == cheap["bundle"]
        needs = {(n["pool"]["name"], n["period"]): n["amount"] for n in row["needs"]}
        assert needs == {
            (inputs["pools"][pool]["name"], period): amount
            for pool, period, amount in _slots(cheap["extra_capacity"])
        }
    for row in page["funded"] + page["left_out"]:
        stored = result["explanations"].get(row["id"])
        shown = row["explanation"]
        assert (shown is None) == (stored is None)
        if stored:
            assert {k: shown[k] for k in stored} == stored
            assert _ids(shown["displaced_items"]) == stored["displaced"]
    points = [{k: v for k, v in p.items() if k != "selected"} for p in result["pareto"]["points"]]
    assert [{k: p[k] for k in points[0]} for p in page["pareto"]] == points
    assert [p["size"] for p in page["pareto"]] == [
        len(p["selected"]) for p in result["pareto"]["points"]
    ]


def _slots(amounts: dict):
    return [(*engine.parse_slot(key), amount) for key, amount in amounts.items()]


def test_find_and_slice_with_totals(run, monkeypatch):
    monkeypatch.setattr(selectors, "SHOWN", 1)
    page = _page(run)
    assert len(page["funded"]) == 1 < page["funded_total"] == len(run.result["selected"])
    assert len(page["left_out"]) == 1 == page["left_out_total"]
    everything = _page(run, show_all=True)
    assert len(everything["funded"]) + len(everything["left_out"]) == len(run.inputs["items"])
    found = _page(run, q="r3")  # numbers and refs in any case
    assert _ids(found["funded"] + found["left_out"]) == ["R3"]
    assert found["funded_total"] + found["left_out_total"] == 1
    found = _page(run, q="搜索")
    assert _ids(found["funded"] + found["left_out"]) == ["R3"]
    nothing = _page(run, q="zzz\n")
    assert nothing["funded"] == nothing["left_out"] == []
    assert nothing["funded_total"] == nothing["left_out_total"] == 0


def test_pages_never_read_the_runs_documents(alice, ctx, run, django_capture_on_commit_callbacks):
    second = _second_run(ctx, run, django_capture_on_commit_callbacks)
    client = client_for(alice)
    urls = [
        _url("scenario", run.scenario_id),
        _url("run", run.pk),
        _url("run", run.pk) + "?q=R3&all=1",
        _url("explain", run.pk, "R3"),
        _url("compare") + f"?runs={run.pk}&runs={second.pk}",
        f"/api/v1/workspaces/spark/planning/runs/{run.pk}/items/R3/explanation",
        f"/api/v1/workspaces/spark/planning/compare?runs={run.pk}&runs={second.pk}",
    ]
    for url in urls:
        client.get(url)  # the session's last-seen time
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        documents = [q["sql"] for q in captured if '"planning_run"."inputs"' in q["sql"]]
        documents += [q["sql"] for q in captured if '"planning_run"."result"' in q["sql"]]
        assert documents == [], url
        assert len(captured) <= 12, url


def test_adopting_a_point_lays_the_run_and_its_successor_out_again(
    ctx, run, django_capture_on_commit_callbacks
):
    second = _second_run(ctx, run, django_capture_on_commit_callbacks)
    point = _other_point(run)
    services.run_adopt(ctx=ctx, run=run, point=point, expected_version=run.version)
    run.refresh_from_db()
    funded = RunItem.objects.filter(run=run, funded=True).order_by("index")
    assert list(funded.values_list("key", flat=True)) == run.result["selected"]
    assert run.summary["adopted"] == point
    assert run.summary["counts"]["total"] == len(run.result["selected"])
    assert not any(i.data["explanation"] for i in RunItem.objects.filter(run=run))
    second.refresh_from_db()
    change = engine.diff(run.result["selected"], second.result["selected"])
    assert _ids(second.summary["previous"]["came_in"]) == change["came_in"]
    assert _ids(second.summary["previous"]["went_out"]) == change["went_out"]


def test_a_run_without_a_layout_is_laid_out_when_first_shown(alice, run):
    expected = {i.key: (i.position, i.funded, i.data) for i in RunItem.objects.filter(run=run)}
    summary = run.summary
    RunItem.objects.filter(run=run).delete()
    Run.objects.filter(pk=run.pk).update(summary={})
    r = client_for(alice).get(_url("run", run.pk))
    assert r.status_code == 200 and "搜索优化" in r.content.decode()
    run.refresh_from_db()
    assert run.summary == summary
    laid = {i.key: (i.position, i.funded, i.data) for i in RunItem.objects.filter(run=run)}
    assert laid == expected


def test_the_migration_lays_out_runs_finished_before_layouts(run):
    expected = {i.key: (i.index, i.position, i.funded, i.data) for i in run.items.all()}
    summary = run.summary
    RunItem.objects.filter(run=run).delete()
    Run.objects.filter(pk=run.pk).update(summary={})
    migration = importlib.import_module("truce.planning.migrations.0003_run_layout")
    migration.lay_out_finished_runs(apps, connection.schema_editor())
    run.refresh_from_db()
    assert run.summary == summary
    laid = {i.key: (i.index, i.position, i.funded, i.data) for i in run.items.all()}
    assert laid == expected


def test_compare_lists_the_differences_first_with_totals(
    ctx, run, django_capture_on_commit_callbacks
):
    second = _second_run(ctx, run, django_capture_on_commit_callbacks)
    services.run_adopt(ctx=ctx, run=second, point=_other_point(second), expected_version=None)
    second.refresh_from_db()
    runs = [run, second]
    picks = [set(r.result["selected"]) for r in runs]
    union = set().union(*picks)
    differ = {i for i in union if not all(i in p for p in picks)}
    full = selectors.compare(runs)
    assert {i["id"] for i in full["items"]} == union
    assert [i["everywhere"] for i in full["items"]] == sorted(
        (i["everywhere"] for i in full["items"]), reverse=True
    )
    for item in full["items"]:
        assert item["in"] == [item["id"] in p for p in picks]
    first = selectors.compare(runs, limit=1)
    assert first["total"] == len(union) and first["differ"] == len(differ)
    assert [i["id"] for i in first["items"]] == [
        next(i["id"] for i in sorted(full["items"], key=lambda i: i["everywhere"]))
    ]
    assert selectors.selections(runs) == {r.pk: r.result["selected"] for r in runs}


def test_an_explanation_opened_as_a_page_shows_the_run_with_that_item_alone(alice, run):
    body = client_for(alice).get(_url("explain", run.pk, "R3")).content.decode()
    assert 'id="run-summary"' in body and 'id="item-R3"' in body and 'id="why-R3"' in body
    assert body.count('<tr id="item-') == 1
    fragment = client_for(alice).get(_url("explain", run.pk, "R3"), HTTP_HX_REQUEST="true")
    assert 'id="why-R3"' in fragment.content.decode()
    assert 'id="run-summary"' not in fragment.content.decode()
