"""Hostile values typed into the forms of the pages, field by field.

Every page of the access matrix (tests/test_access_matrix.py and each app's
``tests/access_routes.py``) is opened as the workspace admin; every form found on it is
collected (requirement create and edit, comments, customers, feedback, goals, glossary,
meetings, campaigns, launches, conflicts, settings …, htmx forms included) and submitted back
with one field at a time replaced by SQL-ish text, NUL, a right-to-left override, text past the
field's ``maxlength``, a megabyte of text, impossible numbers and dates, or a choice that is not
offered. Each answer must be:

* never a 5xx;
* for a value that must be refused: no redirect, an error shown next to the field or above the
  form with a 4xx status (422 for invalid fields), and the database exactly as before;
* for harmless text that is accepted (SQL-ish words, the RTL mark): the text stored verbatim.

Search and filter forms (GET) get the same values in their query strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.urls import reverse

from conftest import client_for
from tests import test_access_matrix as matrix
from tests.hostile.test_bad_input_api import (
    MEGABYTE,
    NUL,
    RTL,
    SQL_DROP,
    SQL_OR,
    snapshot,
    stored_verbatim,
    unexpected_changes,
)
from tests.test_access_matrix import ADMIN, PAGES, READ, USER, WRITE, _page_url, page_routes

world = matrix.world  # the access matrix's objects, a fixture here too

TEXT_TYPES = {"text", "email", "url", "search", "tel", "password", ""}
# Inputs whose value is a secret or a confirmation: text is refused or hashed, never shown.
SECRET_NAMES = ("password", "secret", "token")


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value) as submitted
    inputs: dict[str, dict] = field(default_factory=dict)  # name -> {"kind", "maxlength", ...}
    htmx: bool = False


class FormParser(HTMLParser):
    """The forms of a page with their fields' current values, as a browser would submit them."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.option_value: str | None = None
        self.option_selected = False
        self.option_text = ""
        self.textarea: str | None = None
        self.textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            hx = a.get("hx-post") or a.get("hx-get")
            action = hx or a.get("action") or self.page_url
            method = "post" if a.get("hx-post") else ("get" if a.get("hx-get") else "")
            method = method or (a.get("method") or "get").lower()
            self.form = Form(urljoin(self.page_url, action), method, htmx=bool(hx))
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio":
                    self.form.inputs.setdefault(name, {"kind": "radio"})
                return
            self.form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
            self.form.inputs[name] = {"kind": kind, "maxlength": a.get("maxlength")}
        elif tag == "textarea" and name:
            self.textarea, self.textarea_text = name, ""
            self.form.inputs[name] = {"kind": "textarea", "maxlength": a.get("maxlength")}
        elif tag == "select" and name:
            self.select, self.select_first, self.select_chosen = name, None, False
            self.form.inputs[name] = {"kind": "select", "multiple": "multiple" in a}
        elif tag == "option" and self.select:
            self.option_value = a.get("value")
            self.option_selected = "selected" in a
            self.option_text = ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea_text += data
        if self.option_value is None and self.select:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea, self.textarea_text.lstrip("\n")))
            self.textarea = None
        elif tag == "option" and self.select and self.form is not None:
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            if self.select_first is None:
                self.select_first = value
            if self.option_selected:
                self.form.fields.append((self.select, value))
                self.select_chosen = True
            self.option_value = None
        elif tag == "select" and self.select and self.form is not None:
            multiple = self.form.inputs[self.select].get("multiple")
            if not self.select_chosen and not multiple and self.select_first is not None:
                self.form.fields.append((self.select, self.select_first))
            self.select = None


def forms_of(url: str, html: str) -> list[Form]:
    parser = FormParser(url)
    parser.feed(html)
    return parser.forms


@dataclass(frozen=True)
class Value:
    label: str
    text: str
    must_refuse: bool = True
    verbatim: bool = False


TEXT = [
    Value("sql-or", SQL_OR, must_refuse=False, verbatim=True),
    Value("sql-drop", SQL_DROP, must_refuse=False, verbatim=True),
    Value("rtl-override", RTL, must_refuse=False, verbatim=True),
    Value("nul", NUL),
    Value("megabyte", MEGABYTE),
]
NUMBER = [
    Value("huge", "9" * 40),
    Value("nan", "NaN"),
    Value("infinity", "Infinity"),
    Value("overflowing", "1e400"),
    Value("sql", SQL_OR),
    Value("nul", "1\x00"),
]
DATE = [
    Value("feb-30", "2026-02-30"),
    Value("year-0", "0000-01-01"),
    Value("sql", SQL_OR),
    Value("nul", "2026-01-01\x00"),
]
CHOICE = [Value("sql-or", SQL_OR), Value("nul", NUL)]


def values_for(info: dict) -> list[Value]:
    kind = info["kind"]
    if kind == "number":
        return NUMBER
    if kind in ("date", "datetime-local", "time", "month", "week"):
        return DATE
    if kind in ("select", "radio"):
        return CHOICE
    if kind in TEXT_TYPES or kind == "textarea":
        limit = info.get("maxlength")
        if limit and limit.isdigit() and int(limit) < len(MEGABYTE):
            # the limit is the test; a megabyte past it would only render slower
            over = Value("one-past-limit", "y" * (int(limit) + 1))
            return [*(v for v in TEXT if v.label != "megabyte"), over]
        return list(TEXT)
    return []  # hidden fields (versions, ids, csrf) are not typed by people


def with_value(form: Form, name: str, text: str) -> list[tuple[str, str]]:
    fields = [(n, v) for n, v in form.fields if n != name]
    return [*fields, (name, text)]


def shows_error(r) -> bool:
    html = r.content.decode(errors="replace")
    marks = ('class="field-error"', 'class="form-errors"', 'role="alert"')
    return any(mark in html for mark in marks)


def flashes_error(client, r) -> bool:
    """The page a refusal redirected to shows an error message (and consumes it)."""
    location = r.get("Location") or r.get("HX-Redirect") or r.get("HX-Location") or ""
    if not location:
        return False
    page = client.get(location)
    return 'class="msg msg-error"' in page.content.decode(errors="replace")


def _is_redirect(r) -> bool:
    return 300 <= r.status_code < 400 or any(
        r.has_header(h) for h in ("HX-Redirect", "HX-Location", "HX-Refresh")
    )


SKIP_ACTIONS = (
    "/language/",  # the language switch: a choice, tested by the i18n tests
    "/logout/",
)


# Pages by app ("requirements:list" -> "requirements"), so the apps run in parallel.
APPS = sorted({name.split(":")[0] for name in PAGES if ":" in name})


def collect_forms(client, world, app: str) -> dict[tuple, Form]:
    """The forms on ``app``'s pages (a form on pages of several apps, like comments, is
    collected with each)."""
    routes = page_routes()
    found: dict[tuple, Form] = {}
    for name, (kind, method) in sorted(PAGES.items()):
        if method != "get" or kind not in (USER, READ, WRITE, ADMIN):
            continue
        if name.split(":")[0] != app:
            continue
        url = _page_url(name, routes[name], world)
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        for form in forms_of(url, r.content.decode()):
            path = urlsplit(form.action).path
            if any(path.endswith(s) for s in SKIP_ACTIONS):
                continue
            typed = [n for n, info in form.inputs.items() if values_for(info)]
            if typed:
                found.setdefault((form.method, path, tuple(sorted(typed))), form)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_hostile_values_in_every_page_form(app, world, personas):
    client = client_for(personas["admin"])
    forms = collect_forms(client, world, app).values()
    problems: list[str] = []
    before = snapshot()
    for form in (f for f in forms if f.method == "post"):
        path = urlsplit(form.action).path
        headers = {"HTTP_HX_REQUEST": "true"} if form.htmx else {}
        for name, info in form.inputs.items():
            for value in values_for(info):
                where = f"POST {path} {name}={value.label}"
                body = urlencode(with_value(form, name, value.text))
                r = client.post(path, body, "application/x-www-form-urlencoded", **headers)
                after = snapshot()
                changed = unexpected_changes(before, after)
                if r.status_code >= 500:
                    problems.append(f"{where}: {r.status_code}")
                elif value.must_refuse and not any(w in name for w in SECRET_NAMES):
                    # (a password that is not needed, e.g. with no new e-mail, is ignored)
                    if changed:
                        problems.append(f"{where}: accepted ({r.status_code}, changed {changed})")
                    elif _is_redirect(r):
                        # refused after a redirect: the next page must say why
                        if not flashes_error(client, r):
                            problems.append(f"{where}: redirected without an error message")
                    elif r.status_code not in (403, 404, 409, 412) and not shows_error(r):
                        problems.append(f"{where}: refused ({r.status_code}) without a message")
                    elif r.status_code < 400:
                        # the form shown again with its errors is still a refusal: 4xx
                        problems.append(f"{where}: refused with {r.status_code}, not a 4xx")
                elif (
                    value.verbatim
                    and changed
                    and not any(s in name for s in SECRET_NAMES)
                    and not stored_verbatim(value.text)
                ):
                    problems.append(f"{where}: accepted but not stored verbatim")
                before = after
    # search boxes and list filters (GET): the same values, and full-text-search syntax
    extra = [Value("fts", 'NEAR("a" b) OR c*'), Value("quote", '"')]
    for form in (f for f in forms if f.method == "get"):
        path = urlsplit(form.action).path
        for name, info in form.inputs.items():
            for value in [*values_for(info), *extra]:
                r = client.get(f"{path}?{urlencode(with_value(form, name, value.text))}")
                if r.status_code >= 500:
                    problems.append(f"GET {path} {name}={value.label}: {r.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_crawl_finds_the_forms_people_use(world, personas):
    """The passes above only mean something if they reach the main forms."""
    client = client_for(personas["admin"])
    paths = {
        (form.method, urlsplit(form.action).path)
        for app in APPS
        for form in collect_forms(client, world, app).values()
    }
    posted = {path for method, path in paths if method == "post"}
    slug, number = world["slug"], world["number"]
    for name, args in [
        ("requirements:new", [slug]),
        ("requirements:edit", [slug, number]),
        ("customers:new", [slug]),
        ("customers:feedback_new", [slug]),
        ("glossary:new", [slug]),
        ("conflicts:new", [slug]),
        ("accounts:profile", []),
    ]:
        assert reverse(name, args=args) in posted, (name, sorted(posted))
    assert any("/comments/requirement/" in path for path in posted), sorted(posted)
    assert len(posted) > 40, sorted(posted)
    assert any(method == "get" for method, _path in paths)
