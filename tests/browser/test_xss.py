"""Stored and reflected XSS, checked in Chromium: payloads (tests/hostile/xss_payloads.py) in
every user-editable text and Markdown field of every model (tests/hostile/xss_seed.py finds
the fields by introspection), then every page that reads them is opened and nothing may run.

"Nothing ran" is watched four ways on every page: ``alert``/``confirm``/``prompt``/``print``
are replaced before any page script by a trap that reports each call; native dialogs are
counted too (frames the trap missed); a CSP violation counts as a failure (the policy only
trips when unsanitised markup reached the DOM: an inline script or handler, a foreign image,
frame or style); and no request may go to the payloads' probe address or off the site. The
DOM is also searched for what should never be there (``on*`` attributes, injected htmx
attributes, ``javascript:``/``data:`` links, frames, objects, ``<base>``, meta refresh).
Plain-text fields must show their payload literally on the pages that print them, and edit
forms must hold the stored value exactly (``</textarea>`` stays inside).

Pages come from the access matrix's registry of routes (tests/test_access_matrix.py), so a
page added later is opened here too; each route is opened for its first few objects.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import product
from urllib.parse import quote, urlsplit

import pytest
from django.db.models.functions import Length
from django.urls import reverse

from tests.browser.conftest import sign_in
from tests.hostile.xss_payloads import ALL, GLOSSARY_WORDS
from tests.hostile.xss_seed import fields_without_payloads, seed_payloads, user_text_fields
from tests.test_access_matrix import PAGES, page_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "spark"
PER_ROUTE = 2  # objects opened per detail route: the first holds every payload (xss_seed)

# GET routes not opened, and why.
SKIP = {
    "accounts:login": "signed-out page without stored text",
    "accounts:password_reset": "signed-out page without stored text",
    "accounts:password_reset_done": "signed-out page without stored text",
    "accounts:password_reset_confirm": "signed-out page without stored text",
    "healthz": "plain-text health check",
    "conflicts:health_export": "an Excel file",
    "interop:export": "an Excel or CSV file (formula payloads are tested elsewhere)",
    "interop:template": "an Excel or CSV file",
    "meetings:feed": "an iCalendar file",
}

# Reflected input: search boxes and filters echo the query.
REFLECTED = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
QUERIES = [
    ("requirements:list", "alert"),
    ("requirements:list", "灰度发布"),
    ("requirements:list", REFLECTED),
    ("requirements:board", REFLECTED),
    ("requirements:similar", REFLECTED),
    ("customers:list", REFLECTED),
    ("customers:feedback", "alert"),
    ("glossary:list", "alert"),
    ("glossary:list", REFLECTED),
    ("meetings:decisions", "alert"),
    ("meetings:decisions", REFLECTED),
    ("discussion:mention_suggestions", REFLECTED),
]

# Installed in every frame before any page script runs.
TRAP = """
(() => {
  const report = (what) => {
    try { window.__xssReport(what + " @ " + location.href); } catch (e) { /* no binding */ }
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    try {
      Object.defineProperty(window, name, {
        configurable: false, writable: false,
        value: function () {
          report(name + "(" + Array.from(arguments).join(",") + ")");
          return name === "confirm" ? false : null;
        },
      });
    } catch (e) { report("could not trap " + name); }
  }
  document.addEventListener("securitypolicyviolation", (e) => {
    report("CSP " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
      " sample=" + (e.sample || "") + " at " + e.sourceFile + ":" + e.lineNumber);
  }, true);
})();
"""

# Run on every page once it has loaded: wait until htmx has no request in flight (fragments
# loaded with hx-trigger="load"), then report what injected markup would leave behind, the
# page's text as a reader sees it (whitespace removed: line breaks become <br> or <p>), the
# values its forms hold, and how many glossary marks and @mentions it shows.
INSPECT = r"""
async () => {
  for (let i = 0; i < 80; i++) {
    await new Promise((done) => setTimeout(done, 20));
    if (!document.querySelector(".htmx-request")) { break; }
  }
  const bad = [];
  const say = (el, what) => bad.push(el.tagName.toLowerCase() + ": " + what.slice(0, 160));
  const URL_ATTRS = ["href", "src", "action", "formaction", "data", "xlink:href", "poster",
    "background", "srcdoc", "codebase", "dynsrc", "lowsrc"];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value;
      if (name.startsWith("on")) { say(el, "handler " + name + "=" + value); }
      if (/^(data-)?hx-on/.test(name)) { say(el, "htmx handler " + name + "=" + value); }
      if (/^(data-)?hx-/.test(name) && /xss-probe|alert\(|^\s*js:|javascript:/i.test(value)) {
        say(el, "htmx " + name + "=" + value);
      }
      if (URL_ATTRS.includes(name)) {
        const v = value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
        const image = el.tagName === "IMG" && /^data:image\/(png|gif|jpeg|webp);/.test(v);
        if (/^(javascript|vbscript|data):/.test(v) && !image) { say(el, name + "=" + value); }
        if (name === "srcdoc") { say(el, "srcdoc=" + value); }
      }
      if (name === "style" && /expression\(|javascript:|behavior|xss-probe/i.test(value)) {
        say(el, "style=" + value);
      }
    }
  }
  const forbidden = "iframe, frame, frameset, object, embed, applet, base, meta[http-equiv], " +
    "math, isindex, marquee, link[href*='xss-probe'], body style, svg script, svg animate, " +
    "svg foreignObject, form[action*='javascript' i]";
  for (const el of document.querySelectorAll(forbidden)) { say(el, el.outerHTML); }
  for (const s of document.scripts) {
    if ((s.type || "").toLowerCase() === "application/json") { continue; }
    const src = s.src ? new URL(s.src, location.href) : null;
    if (src && src.origin === location.origin && src.pathname.startsWith("/static/")) { continue; }
    say(s, "script " + (s.src || s.textContent));
  }
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll("script, style, template, noscript, textarea, select, .gl-pop")
    .forEach((el) => el.remove());
  const controls = document.querySelectorAll("form input[name]:not([type=hidden])" +
    ":not([type=checkbox]):not([type=radio]), form textarea[name]");
  return {
    bad: bad,
    text: copy.textContent.replace(/\s+/g, ""),
    title: document.title,
    form: Object.fromEntries(Array.from(controls).map((el) => [el.name, el.value])),
    glossary: document.querySelectorAll(".gl-mark").length,
    mentions: document.querySelectorAll("span.mention").length,
  };
}
"""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


# Objects behind each route's URL keyword, in the seeded workspace -------------------------


def _objects():
    from truce.accounts.models import Workspace
    from truce.conflicts.models import Conflict
    from truce.customers.models import Customer, Feedback
    from truce.glossary.models import Term
    from truce.goals.models import KeyResult, Objective, Period
    from truce.integrations.models import Endpoint
    from truce.interop.models import ImportJob, RestoreJob
    from truce.launches.models import Launch
    from truce.meetings.models import ActionItem, Decision, Meeting, MeetingSeries
    from truce.planning.models import PeriodPlan, Run, Scenario
    from truce.requirements.models import Requirement
    from truce.resources.models import Campaign, ResourcePool

    ws = Workspace.objects.get(slug=SLUG)
    glossary_words = set(GLOSSARY_WORDS)
    terms = Term.objects.filter(workspace=ws).order_by("pk")
    # terms with payload names first, then one kept word (its page lists where it appears)
    kept = [t.pk for t in terms if t.term_zh in glossary_words or t.term_en in glossary_words]
    term_ids = [t.pk for t in terms if t.pk not in kept][: PER_ROUTE - 1] + kept[:1]

    def first(model, field="pk"):
        return model.objects.filter(workspace=ws).order_by("pk").values_list(field, flat=True)

    meetings = Meeting.objects.filter(workspace=ws)
    of = {
        "number": first(Requirement, "number"),
        "subject_type": ["requirement"],  # a thread page: the first requirement's comments
        "subject_key": [str(n) for n in first(Requirement, "number")[:1]],
        "conflict_number": first(Conflict, "number"),
        "customer_id": first(Customer),
        "feedback_id": first(Feedback),
        "term_id": term_ids,
        "period_id": first(Period),
        "objective_id": first(Objective),
        "kr_id": first(KeyResult),
        "endpoint_id": first(Endpoint),
        "job_id": first(ImportJob),
        "restore_id": first(RestoreJob),
        "launch_number": first(Launch, "number"),
        "series_id": first(MeetingSeries),
        # the one whose minutes hold every payload, and the next one (its agenda is fresh)
        "meeting_id": [
            *meetings.order_by(Length("minutes").desc()).values_list("pk", flat=True)[:1],
            *meetings.filter(status="scheduled", date__gte=date.today())
            .order_by("date")
            .values_list("pk", flat=True)[:1],
        ],
        "action_id": first(ActionItem),
        "pool_id": first(ResourcePool),
        "campaign_number": first(Campaign, "number"),
        "scenario_id": first(Scenario),
        "run_id": Run.objects.filter(workspace=ws).order_by("-pk").values_list("pk", flat=True),
        "plan_id": first(PeriodPlan),
    }
    of = {key: list(dict.fromkeys(values))[:PER_ROUTE] for key, values in of.items()}
    of["slug"] = [SLUG]
    decisions = Decision.objects.filter(workspace=ws).order_by(Length("product_position").desc())
    numbers = list(decisions.values_list("number", flat=True))[:PER_ROUTE]
    return of, {"meetings:decision": {"number": numbers}}


def _route_kwargs(name, keys, of, overrides, seeded) -> list[dict]:
    if name == "accounts:invitation":
        return [{"token": seeded.invitation_token}]
    if name == "planning:explain":
        from truce.planning.models import Run

        run = Run.objects.filter(workspace__slug=SLUG, status="done").order_by("-pk").first()
        keys_ = list(run.result["explanations"])[:2]
        return [{"slug": SLUG, "run_id": run.pk, "item_key": k} for k in keys_]
    choices = [overrides.get(name, {}).get(k, of.get(k)) for k in keys]
    missing = [k for k, c in zip(keys, choices, strict=True) if not c]
    assert not missing, f"{name}: no object for {missing}; extend _objects() or SKIP it"
    return [dict(zip(keys, combo, strict=True)) for combo in product(*choices)]


def _visits(seeded) -> list[tuple[str, str, dict]]:
    routes = page_routes()
    assert set(SKIP) <= set(routes), f"no such routes: {sorted(set(SKIP) - set(routes))}"
    of, overrides = _objects()
    visits = []
    for name, (_kind, method) in sorted(PAGES.items()):
        if method != "get" or name in SKIP or name not in routes:
            continue
        keys = list(routes[name].pattern.converters)
        for kwargs in _route_kwargs(name, keys, of, overrides, seeded):
            visits.append((reverse(name, kwargs=kwargs), name, kwargs))
    for name, query in QUERIES:
        url = reverse(name, kwargs={"slug": SLUG}) + "?q=" + quote(query)
        visits.append((url, name, {"slug": SLUG}))
    scenario = of["scenario_id"][0]
    url = reverse("planning:scenario", kwargs={"slug": SLUG, "scenario_id": scenario})
    visits.append((url + "?q=" + quote(REFLECTED), "planning:scenario", {}))
    return visits


# What a page must show literally, and what its form must hold ----------------------------


def _expected_text(name: str, kw: dict) -> list[str]:
    from truce.accounts.models import Workspace
    from truce.conflicts.models import Conflict
    from truce.customers.models import Customer, Feedback
    from truce.launches.models import Launch
    from truce.meetings.models import ActionItem, Decision
    from truce.planning.models import Scenario
    from truce.requirements.models import Requirement
    from truce.resources.models import Campaign, ResourcePool

    ws = {"workspace__slug": SLUG}
    if name == "requirements:detail":
        r = Requirement.objects.get(number=kw["number"], **ws)
        return [r.title, *r.tags.values_list("name", flat=True)]
    if name == "resources:campaign":
        return [Campaign.objects.get(number=kw["campaign_number"], **ws).title]
    if name == "launches:detail":
        launch = Launch.objects.get(number=kw["launch_number"], **ws)
        return [launch.name, *launch.milestones.values_list("name", flat=True)]
    if name == "conflicts:detail":
        c = Conflict.objects.get(number=kw["conflict_number"], **ws)
        return [c.title, c.product_position, c.operations_position]
    if name == "meetings:decision":
        d = Decision.objects.get(number=kw["number"], **ws)
        return [d.question, d.product_position, d.operations_position]
    if name == "meetings:action":
        return [ActionItem.objects.get(pk=kw["action_id"]).title]
    if name == "resources:pool":
        pool = ResourcePool.objects.get(pk=kw["pool_id"])
        return [pool.name, pool.description]
    if name == "planning:scenario" and "scenario_id" in kw:
        return [Scenario.objects.get(pk=kw["scenario_id"]).name]
    if name == "customers:detail":
        c = Customer.objects.get(pk=kw["customer_id"])
        return [c.name, c.notes]
    if name == "customers:feedback_detail":
        return [Feedback.objects.get(pk=kw["feedback_id"]).text]
    if name == "accounts:overview":
        w = Workspace.objects.get(slug=SLUG)
        return [w.name, w.description]
    if name == "interop:restore_job":
        from truce.interop.models import RestoreJob

        job = RestoreJob.objects.get(pk=kw["restore_id"])
        return [job.filename, job.message]
    return []


def _edited_object(name: str, kw: dict):
    from truce.accounts.models import User, Workspace
    from truce.conflicts.models import Conflict
    from truce.glossary.models import Term
    from truce.goals.models import KeyResult, Objective
    from truce.integrations.models import Endpoint
    from truce.launches.models import Launch
    from truce.meetings.models import MeetingSeries
    from truce.planning.models import Scenario
    from truce.requirements.models import Requirement
    from truce.resources.models import Campaign, ResourcePool

    ws = {"workspace__slug": SLUG}
    finders = {
        "requirements:edit": lambda: Requirement.objects.get(number=kw["number"], **ws),
        "resources:campaign_edit": lambda: Campaign.objects.get(number=kw["campaign_number"], **ws),
        "launches:edit": lambda: Launch.objects.get(number=kw["launch_number"], **ws),
        "conflicts:edit": lambda: Conflict.objects.get(number=kw["conflict_number"], **ws),
        "glossary:edit": lambda: Term.objects.get(pk=kw["term_id"]),
        "resources:pool_edit": lambda: ResourcePool.objects.get(pk=kw["pool_id"]),
        "planning:scenario_edit": lambda: Scenario.objects.get(pk=kw["scenario_id"]),
        "goals:objective_edit": lambda: Objective.objects.get(pk=kw["objective_id"]),
        "goals:key_result_edit": lambda: KeyResult.objects.get(pk=kw["kr_id"]),
        "meetings:series_edit": lambda: MeetingSeries.objects.get(pk=kw["series_id"]),
        "integrations:endpoint_edit": lambda: Endpoint.objects.get(pk=kw["endpoint_id"]),
        "accounts:settings": lambda: Workspace.objects.get(slug=SLUG),
        "accounts:profile": lambda: User.objects.get(username="admin"),
    }
    return finders[name]() if name in finders else None


# Form fields left blank on purpose (a secret is never sent back to the browser).
WRITE_ONLY = {"integrations.Endpoint.secret"}


def _form_mismatches(obj, values: dict[str, str]) -> list[str]:
    fields = {
        f.attname
        for label, model, f in user_text_fields()
        if model is type(obj) and label not in WRITE_ONLY
    }
    shown = {k: v.replace("\r\n", "\n") for k, v in values.items() if k in fields}
    if not shown:
        return [f"the form shows none of {sorted(fields)}"]
    # a one-line <input> drops line breaks from its value (the HTML standard says so)
    return [
        f"{k}: form holds {v!r}, stored {getattr(obj, k)!r}"
        for k, v in shown.items()
        if v not in (getattr(obj, k), re.sub(r"[\r\n]", "", getattr(obj, k)))
    ]


# The test ---------------------------------------------------------------------------------


class Watched:
    """A browser context whose every tab reports what the trap, the CSP, dialogs, requests
    off the site, uncaught errors and console errors saw, into ``seen``."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(
            base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(20_000)
        self.seen: list[str] = []
        self.context.expose_function("__xssReport", lambda what: self.seen.append(what))
        self.context.add_init_script(TRAP)
        host = urlsplit(base_url).netloc

        def on_request(request):
            parts = urlsplit(request.url)
            if "xss-probe" in request.url or (
                parts.scheme in ("http", "https") and parts.netloc != host
            ):
                self.seen.append(f"request to {request.url} from {request.frame.url}")

        self.context.on("request", on_request)

    def tab(self):
        page = self.context.new_page()

        def on_dialog(dialog):
            self.seen.append(f"dialog {dialog.type}: {dialog.message} @ {page.url}")
            dialog.dismiss()

        def on_console(message):
            # a relative image path from a payload is a harmless miss (see on_response)
            if message.type == "error" and "status of 404" not in message.text:
                self.seen.append(f"console: {message.text} @ {page.url}")

        def on_response(response):
            if response.status >= 400 and response.request.resource_type != "image":
                self.seen.append(f"HTTP {response.status} {response.url} @ {page.url}")

        page.on("dialog", on_dialog)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: self.seen.append(f"page error: {exc} @ {page.url}"))
        page.on("console", on_console)
        return page


@pytest.fixture
def watched(browser, live_server):
    watched = Watched(browser, live_server.url)
    yield watched
    watched.context.close()


def test_no_payload_runs_on_any_page(watched, tmp_path):
    seeded = seed_payloads(tmp_path)
    assert set(ALL) <= seeded.filler.used, "every payload goes into some field"
    assert not fields_without_payloads()

    # One tab, one page at a time: some pages write as they are read (a meeting refreshes its
    # agenda), and the in-memory SQLite of the tests refuses concurrent writers.
    page = watched.tab()
    sign_in(page, "admin", seeded.password)
    problems: list[str] = []
    counts = {"glossary": 0, "mentions": 0, "texts": 0, "forms": 0}
    visits = _visits(seeded)
    for url, name, kwargs in visits:
        response = page.goto(url)
        if response is None or response.status != 200:
            problems.append(f"{url}: HTTP {response and response.status}")
            continue
        seen = page.evaluate(INSPECT)
        problems += [f"{url}: {p}" for p in seen["bad"]]
        expected = _expected_text(name, kwargs)
        for value in expected:
            if _squash(value) not in seen["text"]:
                problems.append(f"{url}: does not show {value!r} as text")
            counts["texts"] += 1
        if name == "requirements:detail" and _squash(expected[0]) not in _squash(seen["title"]):
            problems.append(f"{url}: <title> {seen['title']!r} lost {expected[0]!r}")
        obj = _edited_object(name, kwargs)
        if obj is not None:
            problems += [f"{url}: {m}" for m in _form_mismatches(obj, seen["form"])]
            counts["forms"] += 1
        counts["glossary"] += seen["glossary"]
        counts["mentions"] += seen["mentions"]

    _interact(page, problems)
    page.wait_for_timeout(200)  # let late reports (async CSP events) arrive
    assert counts["glossary"] > 0, "no glossary term was marked next to a payload"
    assert counts["mentions"] > 0, "no @mention was highlighted next to a payload"
    assert counts["texts"] >= 40 and counts["forms"] >= 15, counts  # the checks did run
    assert not watched.seen, f"script ran or markup got through ({len(visits)} pages):\n" + (
        "\n".join(watched.seen[:60])
    )
    assert not problems, f"{len(problems)} problems on {len(visits)} pages:\n" + "\n".join(
        problems[:80]
    )


def _interact(page, problems: list[str]) -> None:
    """What only shows on interaction: the timeline's hover labels, a pinned glossary
    explanation, and @mention suggestions built from payload display names."""
    from truce.accounts.models import User
    from truce.requirements.models import Requirement

    page.goto(reverse("launches:timeline", kwargs={"slug": SLUG}))
    page.locator("#launch-timeline .main-svg").first.wait_for()
    bar = page.locator("#launch-timeline .barlayer .point path").first
    bar.hover(force=True)
    page.wait_for_timeout(100)
    problems += [f"timeline hover: {p}" for p in page.evaluate(INSPECT)["bad"]]

    number = Requirement.objects.filter(workspace__slug=SLUG).order_by("number").first().number
    page.goto(reverse("requirements:detail", kwargs={"slug": SLUG, "number": number}))
    mark = page.locator(".gl-mark").first
    if mark.count():
        mark.click()
        problems += [f"glossary pinned: {p}" for p in page.evaluate(INSPECT)["bad"]]
    box = page.locator("textarea[data-mention-input]").first
    box.click()
    with page.expect_response(lambda r: "mention-suggestions" in r.url):
        box.press_sequentially("@o")
    page.locator(".mention-list li").first.wait_for()
    shown = page.locator(".mention-list li small").all_text_contents()
    olivia = User.objects.get(username="olivia").display_name
    if olivia not in shown:
        problems.append(f"mention suggestions {shown!r} do not show {olivia!r} literally")
    problems += [f"mention list: {p}" for p in page.evaluate(INSPECT)["bad"]]


def test_chart_labels_are_text_not_markup(page, alice, workspace):
    """Plotly reads <b>, <a href> and <span style> in any text it draws (a style attribute
    trips the CSP, a link lands in the chart): names and units go in escaped and show as
    written. The ``page`` fixture fails on any CSP violation or console error."""
    from truce.core.access import access_workspace
    from truce.goals import services as goals
    from truce.launches.services import launch_create

    ctx = access_workspace(alice, SLUG)
    name = (
        '<b>粗体</b> & <a href="https://evil.example/">链接</a> <span style="color:red">红</span>'
    )
    target = date.today() + timedelta(days=10)
    launch = launch_create(ctx=ctx, name=name, target_date=target, default_milestones=False)
    today = date.today()
    period = goals.period_create(
        ctx=ctx, name="本季度", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    objective = goals.objective_create(ctx=ctx, period=period, title="提升新客转化")
    unit = "<b>单</b>&<i>%</i>"
    kr = goals.key_result_create(
        ctx=ctx, objective=objective, title="首单转化率", unit=unit, baseline=10, target=20
    )
    goals.check_in_create(ctx=ctx, key_result=kr, value=12, confidence=0.7)

    sign_in(page, "alice")
    page.goto(reverse("launches:timeline", kwargs={"slug": SLUG}))
    page.locator("#launch-timeline .main-svg").first.wait_for()
    label = f"L{launch.number} {name}"
    assert label in page.locator("#launch-timeline .ytick text").all_text_contents()
    page.locator("#launch-timeline .barlayer .point path").first.hover(force=True)
    page.locator("#launch-timeline .hovertext").first.wait_for()
    assert label in page.locator("#launch-timeline .hoverlayer").text_content()
    assert page.locator("#launch-timeline a, #launch-timeline tspan[style]").count() == 0

    page.goto(reverse("goals:key_result", kwargs={"slug": SLUG, "kr_id": kr.pk}))
    page.locator("#kr-chart .main-svg").first.wait_for()
    assert page.locator("#kr-chart .ytitle").text_content() == unit
