from django import template

from truce.domain.workflow import allowed_targets
from truce.requirements.models import Status

register = template.Library()


@register.filter
def next_statuses(status: str) -> list[tuple[str, str]]:
    """(value, label) of the statuses a requirement in ``status`` may move to."""
    return [(s.value, Status(s.value).label) for s in allowed_targets(status)]


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, ())
