"""Turning what a form or request names (a meeting id, requirement and campaign numbers, the
number of a decision to supersede) into objects of the caller's workspace, with field errors
for anything that is not there. Shared by the pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from truce.core.errors import ValidationFailed
from truce.meetings.models import Decision, Meeting


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def meeting_from(ctx, value) -> Meeting | None:
    if value in (None, ""):
        return None
    found = Meeting.objects.filter(workspace=ctx.workspace, pk=_int(value) or 0).first()
    if found is None:
        raise ValidationFailed(fields={"meeting": [_("No meeting with this id here.")]})
    found.workspace = ctx.workspace
    return found


def decision_from(ctx, value, field: str = "decision") -> Decision | None:
    if value in (None, ""):
        return None
    found = Decision.objects.filter(workspace=ctx.workspace, number=_int(value) or 0).first()
    if found is None:
        raise ValidationFailed(fields={field: [_("No decision with this number here.")]})
    return found


def context_objects(ctx, params) -> tuple[Meeting | None, Decision | None]:
    """The meeting (``meeting`` id) and the decision to supersede (``supersedes`` number) a
    page was opened for; unknown ones are ignored on pages (the form shows without them)."""
    try:
        meeting = meeting_from(ctx, params.get("meeting"))
    except ValidationFailed:
        meeting = None
    try:
        supersedes = decision_from(ctx, params.get("supersedes"), "supersedes")
    except ValidationFailed:
        supersedes = None
    return meeting, supersedes


def initial_for(ctx, meeting, supersedes) -> dict:
    """A superseding decision starts from the old one's question and links."""
    initial = {"decided_by": ctx.membership.user.pk}
    if supersedes is not None:
        initial |= {
            "question": supersedes.question,
            "options": "\n".join(supersedes.options),
            "requirements": ", ".join(
                f"#{n}" for n in supersedes.requirements.values_list("number", flat=True)
            ),
            "key_results": list(supersedes.key_results.values_list("pk", flat=True)),
        }
    return initial


def requirements_from(ctx, numbers: list[int]):
    from truce.requirements.models import Requirement

    found = list(Requirement.objects.filter(workspace=ctx.workspace, number__in=numbers))
    missing = sorted(set(numbers) - {r.number for r in found})
    if missing:
        raise ValidationFailed(
            fields={
                "requirements": [
                    _("No requirement with these numbers here: %(n)s")
                    % {"n": ", ".join(f"#{n}" for n in missing)}
                ]
            }
        )
    return found


def key_results_from(ctx, ids: list[int]):
    from truce.goals.models import KeyResult

    found = list(KeyResult.objects.filter(workspace=ctx.workspace, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed(fields={"key_results": [_("No key result with this id here.")]})
    return found


def campaigns_from(ctx, numbers: list[int]):
    from truce.resources.models import Campaign

    found = list(Campaign.objects.filter(workspace=ctx.workspace, number__in=numbers))
    if len(found) != len(set(numbers)):
        raise ValidationFailed(fields={"campaigns": [_("No campaign with this number here.")]})
    return found


def decider(ctx, user_id):
    from truce.accounts.models import User

    found = User.objects.filter(pk=user_id, memberships__workspace=ctx.workspace).first()
    if found is None:
        raise ValidationFailed(fields={"decided_by": [_("Choose a member of this workspace.")]})
    return found


def resolve(ctx, data: dict) -> dict:
    """Form data (numbers, model choices) -> keyword arguments of ``decision_record``."""
    data = dict(data)
    data["requirements"] = requirements_from(ctx, data.get("requirements") or [])
    data["campaigns"] = campaigns_from(ctx, data.get("campaigns") or [])
    data["key_results"] = list(data.get("key_results") or [])
    return data
