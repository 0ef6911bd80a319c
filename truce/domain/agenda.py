"""Agenda arithmetic: merging a fresh generation into an agenda people already arranged.

Pure Python. A meeting's agenda holds generated items (each from a source, with a key that is
stable while the underlying thing stays on the agenda, e.g. "requirement:12") and items
people added by hand. Refreshing must not undo what people did:

- a generated item still produced keeps its place (its text, link and severity are updated);
- a generated item no longer produced is dropped (the thing was resolved);
- a new generated item is appended after the others of its source, in the source's order,
  or at the end when its source has nothing on the agenda yet;
- items added by hand are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "critical")
SIDES = ("product", "operations", "")


@dataclass(frozen=True)
class Entry:
    """One thing a source wants discussed."""

    key: str  # stable within its source, e.g. "requirement:12"
    text: str
    link: str = ""
    side: str = ""  # "product", "operations" or "" (both)
    severity: str = "info"  # "info", "warning" or "critical"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.side not in SIDES:
            raise ValueError(f"unknown side {self.side!r}")


@dataclass(frozen=True)
class Placed:
    """An item on the agenda now: ``source`` is "manual" for items added by hand."""

    id: int
    source: str
    key: str
    position: int


@dataclass(frozen=True)
class Merge:
    """What a refresh does: ``order`` lists every surviving or new item in its new place,
    as ("keep", id, entry-or-None) or ("new", source, entry); ``drop`` lists ids to delete."""

    order: tuple[tuple, ...]
    drop: tuple[int, ...]


MANUAL = "manual"


def merge(placed: list[Placed], fresh: dict[str, list[Entry]]) -> Merge:
    """Merge ``fresh`` (source key -> entries, in source order) into ``placed``."""
    wanted = {(source, e.key): e for source, entries in fresh.items() for e in entries}
    current = sorted(placed, key=lambda p: (p.position, p.id))
    kept = [p for p in current if p.source == MANUAL or (p.source, p.key) in wanted]
    drop = tuple(p.id for p in current if p not in kept)
    present = {(p.source, p.key) for p in kept}
    order: list[tuple] = [("keep", p.id, wanted.get((p.source, p.key))) for p in kept]
    by_id = {p.id: p for p in kept}
    for source, entries in fresh.items():
        for entry in entries:
            if (source, entry.key) in present:
                continue
            at = _after_last_of(order, placed_by_id=by_id, source=source)
            order.insert(at, ("new", source, entry))
            present.add((source, entry.key))
    return Merge(order=tuple(order), drop=drop)


def _after_last_of(order: list[tuple], *, placed_by_id: dict[int, Placed], source: str) -> int:
    """Index just after the last item of ``source`` in ``order`` (kept or new), else the end."""
    last = -1
    for i, item in enumerate(order):
        item_source = item[1] if item[0] == "new" else placed_by_id[item[1]].source
        if item_source == source:
            last = i
    return last + 1 if last >= 0 else len(order)


def reorder(ids: list[int], wanted: list[int]) -> list[int]:
    """The full new order from a (possibly partial) ``wanted`` order: the listed ids first, in
    that order, then the others in their current order. Unknown or repeated ids are errors."""
    if len(set(wanted)) != len(wanted):
        raise ValueError("an item is listed twice")
    unknown = set(wanted) - set(ids)
    if unknown:
        raise ValueError(f"unknown items: {sorted(unknown)}")
    return [*wanted, *[i for i in ids if i not in set(wanted)]]


def move(ids: list[int], item: int, offset: int) -> list[int]:
    """``ids`` with ``item`` moved ``offset`` places (negative: up), clamped at the ends."""
    if item not in ids:
        raise ValueError("unknown item")
    out = [i for i in ids if i != item]
    at = max(0, min(len(out), ids.index(item) + offset))
    out.insert(at, item)
    return out
