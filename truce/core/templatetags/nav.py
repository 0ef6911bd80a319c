"""The workspace navigation: a few groups (work, plan, align, workspace) of links, with the
current page's group marked, so a dozen modules stay findable without a crowded bar."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()


@dataclass(frozen=True)
class Link:
    url_name: str
    label: object
    apps: tuple[str, ...] = ()  # active on every page of these apps …
    names: tuple[str, ...] = ()  # … or on these url names ("app:name")
    exclude: tuple[str, ...] = ()  # … except these
    admin: bool = False


GROUPS: tuple[tuple[object, tuple[Link, ...]], ...] = (
    (_("Work"), (
        Link("requirements:list", _("Requirements"), apps=("requirements",),
             exclude=("requirements:scorecard",)),
        Link("customers:list", _("Customers"), names=("customers:list", "customers:new",
                                                       "customers:detail", "customers:segments")),
        Link("customers:feedback", _("Feedback"), names=("customers:feedback",
             "customers:feedback_new", "customers:feedback_detail")),
        Link("requirements:scorecard", _("Scorecard"), names=("requirements:scorecard",)),
        Link("glossary:list", _("Glossary"), apps=("glossary",)),
        Link("discussion:activity", _("Activity"), names=("discussion:activity",)),
    )),
    (_("Plan"), (
        Link("goals:periods", _("Goals"), apps=("goals",)),
        Link("planning:scenarios", _("Allocation"), apps=("planning",)),
        Link("resources:pools", _("Resources"), apps=("resources",),
             exclude=("resources:campaigns", "resources:campaign", "resources:campaign_new",
                      "resources:campaign_edit")),
        Link("resources:campaigns", _("Campaigns"), names=("resources:campaigns",
             "resources:campaign", "resources:campaign_new", "resources:campaign_edit")),
        Link("launches:list", _("Launches"), apps=("launches",)),
    )),
    (_("Align"), (
        Link("meetings:list", _("Sync meetings"), apps=("meetings",),
             exclude=("meetings:decisions", "meetings:decision", "meetings:decision_new",
                      "meetings:actions", "meetings:action")),
        Link("meetings:decisions", _("Decisions"), names=("meetings:decisions",
             "meetings:decision", "meetings:decision_new")),
        Link("meetings:actions", _("Action items"), names=("meetings:actions",
             "meetings:action")),
        Link("conflicts:list", _("Conflicts"), apps=("conflicts",),
             exclude=("conflicts:health",)),
        Link("conflicts:health", _("Collaboration health"), names=("conflicts:health",)),
        Link("responsibilities:report", _("RACI"), apps=("responsibilities",)),
    )),
    (pgettext_lazy("navigation", "Workspace"), (
        Link("accounts:members", _("Members"), names=("accounts:members",)),
        Link("integrations:endpoints", _("Integrations"), apps=("integrations",)),
        Link("interop:home", _("Import and export"), apps=("interop",), admin=True),
        Link("accounts:settings", _("Settings"), names=("accounts:settings",), admin=True),
        Link("accounts:audit", _("Audit log"), names=("accounts:audit",), admin=True),
    )),
)  # fmt: skip


def _active(link: Link, match) -> bool:
    if match is None:
        return False
    name = f"{match.app_name}:{match.url_name}" if match.app_name else match.url_name
    if name in link.exclude:
        return False
    return match.app_name in link.apps or name in link.names


@register.inclusion_tag("includes/mainnav.html", takes_context=True)
def mainnav(context):
    request, ctx = context["request"], context.get("ctx")
    match = getattr(request, "resolver_match", None)
    groups = []
    for label, links in GROUPS:
        items = [
            {
                "label": link.label,
                "url": reverse(link.url_name, args=[ctx.workspace.slug]),
                "active": _active(link, match),
            }
            for link in links
            if not link.admin or ctx.is_admin
        ]
        groups.append({"label": label, "items": items, "active": any(i["active"] for i in items)})
    overview = match is not None and match.url_name == "overview" and match.app_name == "accounts"
    return {"ctx": ctx, "groups": groups, "overview_active": overview}
