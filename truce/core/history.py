"""Activity history: services call ``record`` with what changed; pages read ``history_of``."""

from __future__ import annotations

from decimal import Decimal

from truce.core.models import ChangeRecord


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def snapshot(obj, fields: list[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """``{"field": [old, new]}`` for every field whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record(*, workspace, actor, subject, verb: str, changes: dict | None = None) -> ChangeRecord:
    return ChangeRecord.objects.create(
        workspace=workspace,
        actor=actor,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        verb=verb,
        changes=changes or {},
    )


def history_of(subject, limit: int = 100):
    return ChangeRecord.objects.filter(
        subject_type=subject._meta.model_name, subject_id=subject.pk
    ).select_related("actor")[:limit]
