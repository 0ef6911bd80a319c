"""Locust users for bench/load.py: members and a viewer of the large workspace at work.

Run by bench/load.py (``locust -f bench/_load_locustfile.py --headless …``) with
TRUCE_LOAD_FIXTURE pointing at the JSON written by bench/_load_prepare.py, and
TRUCE_LOAD_WAIT="min,max" seconds of thinking between two actions.

Each simulated user signs in through the login form as one of the workspace's personas
(round robin: admin, alice, lena, olivia write; victor, in English, only reads) and keeps its
session. Pages are fetched without following redirects, so every row of the report is one
request. Writes go through the real forms: the page is fetched, its fields are read the way a
browser would submit them (CSRF token included) and posted back; API calls carry the persona's
bearer token. Edits aim at a small "hot" set of requirements with a pause between reading and
saving, so concurrent edits meet stale versions: the form answers with its conflict callout,
the API with 412. Those are the expected outcome of optimistic locking and are reported as
successes under their own name (``… · stale, expected``); anything else unexpected fails.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

FIXTURE = json.loads(open(os.environ["TRUCE_LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
WAIT = [float(x) for x in os.environ.get("TRUCE_LOAD_WAIT", "1,4").split(",")]
SLUG = FIXTURE["slug"]
W = f"/w/{SLUG}"
API = f"/api/v1/workspaces/{SLUG}"
STATUSES = ["proposed", "under_review", "accepted", "scheduled", "in_progress", "released"]
SORTS = ["newest", "priority", "demand", "updated"]
SEARCHES = ["优惠", "优惠券 领取", "优惠券 推送", "会员", "支付 失败", "双十一", "直播", "coupons",
            "checkout", "push notification", "新客", "退款"]  # fmt: skip
COMMENTS = [
    "这个需求和双十一活动的节奏有关，建议本周评审。",
    "运营这边可以配合做一轮推送，预计拉新 2000 人。",
    "估时偏乐观，研发侧再确认一下接口改动。",
    "客服工单最近确实在涨，优先级可以往前放。",
    "Checked the numbers: conversion dropped 3% since the last release.",
    "Can we ship this behind a flag first and measure retention?",
]
TITLES = ["优惠券领取失败时给出原因", "会员日专属落地页", "直播间下单链路优化", "新客礼包提醒",
          "Checkout: remember the payment method", "Referral link for groups"]  # fmt: skip
STALE = " · stale, expected"

_persona_counter = itertools.count()


class Forms(HTMLParser):
    """Every <form> of a page with the fields a browser would submit, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "method": method, "fields": []}
            self.forms.append(self._form)
            self._form["inputs"] = {}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            self._form["inputs"][a["name"]] = a
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append(
                [a["name"], a.get("value") or ("on" if kind in ("checkbox", "radio") else "")]
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "text": []}
        elif tag == "select" and a.get("name"):
            self._select = {
                "name": a["name"],
                "multiple": "multiple" in a,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._textarea["text"])
            self._form["fields"].append([self._textarea["name"], text.removeprefix("\n")])
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            values = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self._form["fields"].extend([s["name"], v] for v in values)
            self._select = None

    def find(self, *, action_has: str = "", field: str = "") -> dict | None:
        for form in self.forms:
            names = {name for name, _ in form["fields"]} | set(form["inputs"])
            if (
                form["method"] == "post"
                and action_has in form["action"]
                and (not field or field in names)
            ):
                return form
        return None


def set_field(form: dict, name: str, value: str) -> None:
    for pair in form["fields"]:
        if pair[0] == name:
            pair[1] = value
            return
    form["fields"].append([name, value])


def encoded(form: dict) -> str:
    return urlencode([(k, v) for k, v in form["fields"]])


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {**FORM, "HX-Request": "true"}


class Member(FastHttpUser):
    """Someone of the workspace: mostly reads pages, sometimes writes (weights ≈ real use)."""

    abstract = True
    wait_time = between(*WAIT)
    personas: list[str] = []

    def on_start(self):
        self.persona = self.personas[next(_persona_counter) % len(self.personas)]
        self.token = {"Authorization": f"Bearer {FIXTURE['tokens'][self.persona]}"}
        self.rng = random.Random()
        self.sign_in()

    # plumbing ---------------------------------------------------------------------------

    def sign_in(self):
        page = self.page("/accounts/login/", "login form")
        form = page and Forms(page).find(field="password")
        if form is None:
            return
        set_field(form, "username", self.persona)
        set_field(form, "password", FIXTURE["password"])
        with self.client.post(
            form["action"] or "/accounts/login/",
            data=encoded(form),
            headers=FORM,
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302 or "/accounts/login/" in (r.headers.get("Location") or ""):
                r.failure(f"sign-in as {self.persona} failed: {r.status_code}")

    def page(self, url: str, name: str, headers=None) -> str | None:
        """GET a page that must answer 200 itself (a redirect, e.g. to sign-in, fails)."""
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location') or ''}".strip())
                return None
            return r.text

    def api_get(self, url: str, name: str) -> tuple[dict | None, str]:
        with self.client.get(url, name=name, headers=self.token, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")
                return None, ""
            return r.json(), r.headers.get("ETag") or ""

    def post_form(self, url: str, form: dict, name: str, *, htmx: bool = False, stale=None):
        """POST a form; success is a redirect (or 200 for htmx). ``stale(r)`` tells a stale
        version's answer, reported as expected under its own name."""
        with self.client.post(
            url,
            data=encoded(form),
            headers=HTMX if htmx else FORM,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if stale is not None and stale(r):
                r.request_meta["name"] = name + STALE
                r.success()
            elif r.status_code != (200 if htmx else 302):
                r.failure(f"{r.status_code} {r.headers.get('Location') or r.text[:200]}")
            elif "/accounts/login/" in (r.headers.get("Location") or ""):
                r.failure("signed out")

    def number(self, hot_share: float = 0.0) -> int:
        if self.rng.random() < hot_share:
            return self.rng.choice(FIXTURE["hot"])
        lo, hi = FIXTURE["numbers"]
        return self.rng.randint(lo, hi)

    def think(self, low=0.5, high=2.5):
        time.sleep(self.rng.uniform(low, high))  # gevent-patched: yields to other users

    # reads ------------------------------------------------------------------------------

    @task(20)
    def requirement_list(self):
        rng, params = self.rng, {}
        for key in rng.sample(
            ["status", "tag", "owner", "side", "segment", "sort"], rng.randint(1, 3)
        ):
            params[key] = {
                "status": lambda: rng.choice(STATUSES),
                "tag": lambda: rng.choice(FIXTURE["tags"]),
                "owner": lambda: rng.choice(list(FIXTURE["user_ids"].values())),
                "side": lambda: rng.choice(["product", "operations"]),
                "segment": lambda: rng.choice("ABC"),
                "sort": lambda: rng.choice(SORTS),
            }[key]()
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 40)
        htmx = {"HX-Request": "true"} if rng.random() < 0.5 else None
        self.page(f"{W}/requirements/?{urlencode(params)}", "requirement list (filters)", htmx)

    @task(6)
    def requirement_search(self):
        query = urlencode({"q": self.rng.choice(SEARCHES)})
        self.page(f"{W}/requirements/?{query}", "requirement list (search)")

    @task(20)
    def requirement_detail(self):
        self.page(f"{W}/requirements/{self.number(0.3)}/", "requirement detail")

    @task(4)
    def scoring(self):
        if self.rng.random() < 0.5:
            self.page(f"{W}/scorecard/", "scorecard")
        else:
            query = urlencode({"contested": "yes", "sort": "priority"})
            self.page(f"{W}/requirements/?{query}", "contested by priority")

    @task(4)
    def goals(self):
        choice, period = self.rng.random(), FIXTURE["period"]
        if period is None or choice < 0.25:
            self.page(f"{W}/goals/", "goals (periods)")
        elif choice < 0.75:
            self.page(f"{W}/goals/{period}/", "goals (period)")
        else:
            kr = self.rng.choice(FIXTURE["key_results"])
            self.page(f"{W}/goals/key-results/{kr}/", "key result")

    @task(3)
    def scenario(self):
        if self.rng.random() < 0.5:
            self.page(f"{W}/planning/{FIXTURE['scenario']}/", "scenario")
        else:
            self.page(f"{W}/planning/runs/{FIXTURE['run']}/", "scenario run")

    @task(5)
    def inbox(self):
        self.page("/inbox/", "inbox")

    @task(3)
    def health(self):
        self.page(f"{W}/health/", "health dashboard")

    @task(2)
    def overview(self):
        self.page(f"{W}/", "workspace overview")

    @task(5)
    def api_list(self):
        params = {"status": self.rng.choice(STATUSES), "sort": self.rng.choice(SORTS)}
        if self.rng.random() < 0.3:
            params["q"] = self.rng.choice(SEARCHES)
        self.api_get(f"{API}/requirements?{urlencode(params)}", "API requirement list")

    @task(4)
    def api_detail(self):
        number = self.number(0.3)
        if self.rng.random() < 0.7:
            self.api_get(f"{API}/requirements/{number}", "API requirement")
        else:
            self.api_get(f"{API}/requirements/{number}/scores", "API scores")

    @task(2)
    def api_other(self):
        if self.rng.random() < 0.5:
            self.api_get("/api/v1/inbox", "API inbox")
        else:
            self.api_get(f"{API}/health", "API health")


class Writer(Member):
    """Admin, product, operations and lead: the reads above plus comments, edits, scores and
    new requirements (about one action in seven is a write)."""

    weight = 4
    personas = FIXTURE["writers"]

    @task(5)
    def comment(self):
        number = self.number(0.4)
        html = self.page(f"{W}/requirements/{number}/", "requirement detail")
        # the new-comment form (a thread also holds edit forms of earlier comments)
        form = html and Forms(html).find(action_has="/comments/requirement/", field="body")
        if not form:
            return
        body = self.rng.choice(COMMENTS)
        if self.rng.random() < 0.3:
            body += f" @{self.rng.choice(FIXTURE['writers'])}"
        set_field(form, "body", body)
        self.think()
        htmx = self.rng.random() < 0.5
        self.post_form(form["action"], form, "comment (form)", htmx=htmx)

    @task(2)
    def edit_form(self):
        number = self.rng.choice(FIXTURE["hot"])
        url = f"{W}/requirements/{number}/edit/"
        html = self.page(url, "requirement edit form")
        form = html and Forms(html).find(field="version")
        if not form:
            return
        set_field(form, "estimate_days", str(self.rng.randint(1, 40)))
        self.think(1, 3)
        self.post_form(
            form["action"] or url,
            form,
            "requirement edit (form)",
            stale=lambda r: r.status_code == 409 and 'class="callout conflict"' in r.text,
        )

    @task(2)
    def edit_api(self):
        number = self.rng.choice(FIXTURE["hot"])
        body, etag = self.api_get(f"{API}/requirements/{number}", "API requirement")
        if body is None:
            return
        self.think(0.2, 1.5)
        payload = {"estimate_budget": str(self.rng.randint(1, 500) * 100)}
        headers = {**self.token, "If-Match": etag}
        name = "API requirement PATCH"
        with self.client.patch(
            f"{API}/requirements/{number}",
            json=payload,
            headers=headers,
            name=name,
            catch_response=True,
        ) as r:
            if r.status_code == 412:
                r.request_meta["name"] = name + STALE
                r.success()
            elif r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(3)
    def score(self):
        number = self.number(0.4)
        html = self.page(f"{W}/requirements/{number}/", "requirement detail")
        form = html and Forms(html).find(action_has="/scores/")
        if not form:
            return  # this persona scores no lens here
        for name, attrs in form["inputs"].items():
            if name.startswith("score-"):
                low, high = float(attrs.get("min") or 0), float(attrs.get("max") or 10)
                set_field(form, name, str(round(self.rng.uniform(low, high))))
        self.think()
        htmx = self.rng.random() < 0.5
        self.post_form(form["action"], form, "score (form)", htmx=htmx)

    @task(1)
    def create_form(self):
        html = self.page(f"{W}/requirements/new/", "requirement new form")
        form = html and Forms(html).find(field="title")
        if not form:
            return
        set_field(form, "title", f"{self.rng.choice(TITLES)} #{self.rng.randint(1, 99999)}")
        set_field(form, "description", self.rng.choice(COMMENTS))
        set_field(form, "tags", ", ".join(self.rng.sample(FIXTURE["tags"], 2)))
        set_field(form, "estimate_days", str(self.rng.randint(1, 20)))
        self.think(2, 5)
        self.post_form(
            form["action"] or f"{W}/requirements/new/", form, "requirement create (form)"
        )

    @task(1)
    def create_api(self):
        payload = {
            "title": f"{self.rng.choice(TITLES)} #{self.rng.randint(1, 99999)}",
            "description": self.rng.choice(COMMENTS),
            "kind": self.rng.choice(["feature", "improvement", "bug"]),
            "tags": self.rng.sample(FIXTURE["tags"], 2),
        }
        with self.client.post(
            f"{API}/requirements", json=payload, headers=self.token, name="API requirement create",
            catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code != 201:
                r.failure(f"{r.status_code} {r.text[:200]}")


class Viewer(Member):
    """A viewer (victor, English): reads only."""

    weight = 1
    personas = FIXTURE["readers"] or FIXTURE["writers"]
