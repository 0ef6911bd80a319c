"""Demo RACI: the first requirements of a workspace get their matrix filled from the template
defaults (product letters to the product member, operations letters to the operations member,
the lead consulted), so the report shows real ownership, one gap and one hand-off."""

from __future__ import annotations

from truce.accounts.models import Membership, Role, Side
from truce.core.access import access_workspace
from truce.core.errors import TruceError
from truce.requirements.models import Requirement
from truce.responsibilities.models import Row
from truce.responsibilities.services import activities_for, row_save

FILLED = 3  # requirements with a full matrix; the next one is left with gaps


def _letter(defaults: str, taken_a: bool) -> str:
    for letter in defaults:
        if letter == "A" and taken_a:
            continue
        return letter
    return "C" if defaults else ""


def seed(ws, spec, users) -> None:
    if Row.objects.filter(workspace=ws).exists():
        return
    members = {m.role: m for m in Membership.objects.filter(workspace=ws).select_related("user")}
    writer = next((m for m in members.values() if m.role != Role.VIEWER), None)
    if writer is None:
        return
    ctx = access_workspace(writer.user, ws.slug)
    product = next((m for m in members.values() if m.side == Side.PRODUCT and m.role != Role.LEAD
                    and m.role != Role.VIEWER), None)  # fmt: skip
    operations = next((m for m in members.values() if m.side == Side.OPERATIONS
                       and m.role != Role.VIEWER), None)  # fmt: skip
    lead = members.get(Role.LEAD)
    requirements = list(Requirement.objects.filter(workspace=ws).order_by("number")[: FILLED + 1])
    for index, requirement in enumerate(requirements):
        for position, activity in enumerate(activities_for(ws)):
            if index == FILLED and position % 2:  # the last one keeps gaps for the report
                continue
            cells: dict[int, str] = {}
            if product is not None:
                cells[product.pk] = _letter(activity.default_product, False)
            if operations is not None:
                cells[operations.pk] = _letter(activity.default_operations, "A" in cells.values())
            if lead is not None and lead.pk not in cells:
                cells[lead.pk] = "I" if position % 3 else "C"
            if "R" not in cells.values() and "A" in cells.values():
                for pk, letter in cells.items():
                    if letter not in ("A", "R"):
                        cells[pk] = "R"
                        break
            try:
                row_save(
                    ctx=ctx,
                    requirement=requirement,
                    activity=activity,
                    expected_version=0,
                    cells=[(pk, x) for pk, x in cells.items() if x],
                )
            except TruceError:
                continue  # an impossible combination stays a gap, as in real life
