"""Writes of responsibilities: templates installed on first use, template edits, matrix rows.

A matrix row (all letters of one activity of one work item) is saved as a whole, because the
rules "exactly one Accountable, at least one Responsible" are about the whole row; a row with
nobody in it is allowed and reported as a gap (see truce/domain/raci.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from truce.accounts.models import Membership
from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.errors import PermissionDenied, ValidationFailed, validation_from_django
from truce.core.models import ChangeRecord
from truce.domain import raci
from truce.responsibilities.models import Activity, Assignment, Row, WorkType


def activities_for(workspace, work_type: str = WorkType.FEATURE) -> list[Activity]:
    """The template of ``work_type`` in order (one query); every default template is
    installed on the workspace's first use, like the scorecard."""
    found = list(Activity.objects.filter(workspace=workspace, work_type=work_type))
    if found or Activity.objects.filter(workspace=workspace).exists():
        return found
    with transaction.atomic():
        Activity.objects.bulk_create(
            [
                Activity(
                    workspace=workspace,
                    work_type=kind.value,
                    key=a.key,
                    name=a.name,
                    name_zh=a.name_zh,
                    position=i,
                    default_product=a.product,
                    default_operations=a.operations,
                )
                for kind, defaults in raci.DEFAULT_TEMPLATES.items()
                for i, a in enumerate(defaults)
            ],
            ignore_conflicts=True,  # two first visits at once install the same rows
        )
    return list(Activity.objects.filter(workspace=workspace, work_type=work_type))


def may_edit_templates(ctx: WorkspaceAccess) -> bool:
    return ctx.is_admin or ctx.role == "lead"


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _letters(value: str, field: str) -> str:
    letters = "".join(dict.fromkeys(value.strip().upper()))
    if any(c not in raci.LETTERS for c in letters):
        raise ValidationFailed(fields={field: [_("Use the letters R, A, C and I.")]})
    return letters


@transaction.atomic
def activity_update(
    *,
    ctx: WorkspaceAccess,
    activity: Activity,
    expected_version: int | None,
    name: str,
    name_zh: str,
    position: int,
    default_product: str = "",
    default_operations: str = "",
) -> Activity:
    """Admins and leads rename, reorder and set the usual letters of a template activity."""
    if not may_edit_templates(ctx):
        raise PermissionDenied(_("Only admins and leads can change the RACI templates."))
    activity.name, activity.name_zh, activity.position = name.strip(), name_zh.strip(), position
    activity.default_product = _letters(default_product, "default_product")
    activity.default_operations = _letters(default_operations, "default_operations")
    _clean(activity)
    activity.save_versioned(
        expected_version=expected_version,
        update_fields=["name", "name_zh", "position", "default_product", "default_operations"],
    )
    return activity


_PROBLEMS = {
    raci.Problem.UNKNOWN_LETTER: lambda: _("Use the letters R, A, C and I."),
    raci.Problem.TWO_LETTERS: lambda: _("A person can hold only one letter per activity."),
    raci.Problem.NO_ACCOUNTABLE: lambda: _("Choose exactly one Accountable (A)."),
    raci.Problem.MANY_ACCOUNTABLE: lambda: _(
        "Only one person can be Accountable (A) for an activity."
    ),
    raci.Problem.NO_RESPONSIBLE: lambda: _("Choose at least one Responsible (R)."),
}


def _members(ctx: WorkspaceAccess, cells: list[tuple[int, str]]) -> dict[int, Membership]:
    wanted = {pk for pk, _letter in cells}
    found = {
        m.pk: m
        for m in Membership.objects.filter(workspace=ctx.workspace, pk__in=wanted).select_related(
            "user"
        )
    }
    if len(found) != len(wanted):
        raise ValidationFailed(fields={"assignments": [_("Unknown member of this workspace.")]})
    return found


def _check(cells: list[tuple[int, str]], members: dict[int, Membership]) -> None:
    problems = raci.check_row(
        raci.Assignment(str(pk), members[pk].side, letter) for pk, letter in cells
    )
    if problems:
        messages = [str(_PROBLEMS[p]()) for p in problems]
        raise ValidationFailed(messages[0], fields={"assignments": messages})


def _describe(letters: dict[int, str], members: dict[int, Membership]) -> str:
    return ", ".join(
        f"{letter}: {members[pk].user.name}"
        for pk, letter in sorted(letters.items(), key=lambda kv: ("ARCI".index(kv[1]), kv[0]))
    )


def row_for(requirement, activity: Activity) -> Row:
    row, _ = Row.objects.get_or_create(
        requirement=requirement,
        activity=activity,
        defaults={"workspace_id": requirement.workspace_id, "version": 0},
    )
    return row


@transaction.atomic
def row_save(
    *,
    ctx: WorkspaceAccess,
    requirement,
    activity: Activity,
    expected_version: int | None,
    cells: list[tuple[int, str]],
) -> Row:
    """Replace every letter of one activity row of ``requirement``: ``cells`` pairs membership
    ids with R/A/C/I; members left out hold nothing. No cells clears the row (a gap).
    ``expected_version`` 0 means "I saw this row empty and never saved"."""
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    if activity.workspace_id != ctx.workspace.pk or activity.work_type != WorkType.FEATURE:
        raise ValidationFailed(fields={"activity": [_("This activity is not in the template.")]})
    members = _members(ctx, cells)
    _check(cells, members)
    letters = dict(cells)
    row = row_for(requirement, activity)
    before = list(row.assignments.select_related("member__user"))
    row.save_versioned(expected_version=expected_version, update_fields=[])
    row.assignments.all().delete()
    try:
        Assignment.objects.bulk_create(
            [Assignment(row=row, member=members[pk], letter=x) for pk, x in letters.items()]
        )
    except IntegrityError:  # the database's own guard; _check makes this unreachable
        raise ValidationFailed(str(_PROBLEMS[raci.Problem.MANY_ACCOUNTABLE]())) from None
    old = {a.member_id: a.letter for a in before}
    if old != letters:
        history.record(
            workspace=ctx.workspace,
            actor=ctx.membership.user,
            subject=requirement,
            verb=ChangeRecord.Verb.UPDATED,
            changes={
                f"RACI · {activity.label}": [
                    _describe(old, {a.member_id: a.member for a in before}) or None,
                    _describe(letters, members) or None,
                ]
            },
        )
    return row
