"""Filters for resource pages, and the demand link on a requirement's page."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def amount(value) -> str:
    """12 rather than 12.00; 12.5 rather than 12.50; thousands unseparated (units vary)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def level(value) -> str:
    """A CSS class for a utilisation: low, high (≥ 85%) or over (> 100%)."""
    if value is None:
        return "none"
    return "over" if value > 1 else "high" if value >= 0.85 else "low"


@register.filter
def campaign_status(value) -> str:
    from truce.resources.models import CampaignStatus

    return CampaignStatus(value).label if value in CampaignStatus.values else (value or "")


@register.inclusion_tag("resources/demands_link.html", takes_context=True)
def demands_link(context, requirement):
    """The line on a requirement's page that leads to its demands, flagged when it draws on
    an over-committed slot while scheduled (three small queries)."""
    from truce.resources.selectors import demands_of, flagged

    demands = demands_of(requirement=requirement)
    return {
        "ctx": context.get("ctx"),
        "r": requirement,
        "count": len(demands),
        "flagged": flagged(demands),
    }
