"""Scorecards and scores in the app; the arithmetic is truce/domain/scoring.py.

Each requirement stores its lens scores, priority and contested flag so lists can filter and
sort by them; ``requirement_rescore`` keeps those in step with the Score rows.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.errors import PermissionDenied, ValidationFailed
from truce.core.models import ChangeRecord
from truce.domain import scoring as domain
from truce.requirements.models import Criterion, Requirement, Score, Scorecard


def scorecard_for(workspace) -> tuple[Scorecard, list[Criterion]]:
    """The workspace's scorecard and criteria (one query); the default preset is installed on
    first use, for workspaces created before scoring existed or outside the services."""
    criteria = list(
        Criterion.objects.filter(workspace=workspace).select_related("workspace__scorecard")
    )
    if criteria:
        try:
            return criteria[0].workspace.scorecard, criteria
        except Scorecard.DoesNotExist:
            pass
    with transaction.atomic():
        card, _ = Scorecard.objects.get_or_create(workspace=workspace)
        if not criteria:
            _install_criteria(workspace, domain.default_scorecard())
    return card, list(Criterion.objects.filter(workspace=workspace))


def _install_criteria(workspace, preset: domain.Scorecard) -> None:
    Criterion.objects.bulk_create(
        [
            Criterion(
                workspace=workspace,
                key=c.key,
                label=c.label,
                label_zh=c.label_zh,
                lens=c.lens.value,
                weight=c.weight,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                lower_is_better=c.lower_is_better,
                position=i,
            )
            for i, c in enumerate(preset.criteria)
        ]
    )


def to_domain(card: Scorecard, criteria: list[Criterion]) -> domain.Scorecard:
    return domain.Scorecard(
        criteria=tuple(
            domain.Criterion(
                key=c.key,
                label=c.label,
                label_zh=c.label_zh,
                lens=c.lens,
                weight=c.weight,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                direction=domain.Direction.LOWER_BETTER
                if c.lower_is_better
                else domain.Direction.HIGHER_BETTER,
            )
            for c in criteria
        ),
        method=card.method,
        lens_weights=domain.LensWeights(card.product_weight, card.operations_weight),
        contested_threshold=card.contested_threshold,
        disagreement_threshold=card.disagreement_threshold,
    )


def evaluate_requirement(requirement: Requirement, card=None, criteria=None):
    if card is None:
        card, criteria = scorecard_for(requirement.workspace)
    keys = {c.pk: c.key for c in criteria}
    rows = Score.objects.filter(requirement=requirement).values_list(
        "criterion_id", "scorer_id", "value"
    )
    scores = [domain.Score(keys[cid], str(uid), v) for cid, uid, v in rows if cid in keys]
    scores = _with_goal_fit(requirement, card, criteria, scores)
    return domain.evaluate(to_domain(card, criteria), scores)


FIT_KEY = "strategic_fit"


def derives_fit(card: Scorecard, criteria: list[Criterion]) -> Criterion | None:
    """The strategic-fit criterion when the scorecard derives it from goals, else None."""
    if not card.fit_from_goals:
        return None
    return next((c for c in criteria if c.key == FIT_KEY), None)


def _with_goal_fit(requirement, card, criteria, scores: list) -> list:
    """Replace hand scores of strategic fit by the value derived from linked key results."""
    fit = derives_fit(card, criteria)
    if fit is None:
        return scores
    from truce.goals.services import strategic_fit_for

    share = strategic_fit_for(requirement) / 10  # the suggestion is on a 0–10 scale
    value = fit.scale_min + share * (fit.scale_max - fit.scale_min)
    return [s for s in scores if s.criterion_key != FIT_KEY] + [
        domain.Score(FIT_KEY, "goals", value)
    ]


def _derived(evaluation: domain.Evaluation) -> dict:
    return {
        "product_score": evaluation.product.score,
        "operations_score": evaluation.operations.score,
        "priority": evaluation.priority,
        "contested": evaluation.contested,
        "contest_reasons": [
            {
                "code": r.code,
                "lens": r.lens,
                "criterion": r.criterion_key,
                "gap": r.gap,
                "message_en": r.message_en,
                "message_zh": r.message_zh,
            }
            for r in evaluation.reasons
        ],
    }


def requirement_rescore(requirement: Requirement, card=None, criteria=None) -> domain.Evaluation:
    """Store the derived fields. Not a user edit, so the version is not bumped."""
    evaluation = evaluate_requirement(requirement, card, criteria)
    fields = _derived(evaluation)
    Requirement.objects.filter(pk=requirement.pk).update(**fields)
    for name, value in fields.items():
        setattr(requirement, name, value)
    return evaluation


def _check_may_score(ctx: WorkspaceAccess, criteria: list[Criterion]) -> None:
    for c in criteria:
        if not domain.may_score(ctx.role, c.lens):
            raise PermissionDenied(
                _("Your role may not score “%(criterion)s” (%(lens)s).")
                % {
                    "criterion": c.label_zh if get_language() == "zh-hans" else c.label,
                    "lens": c.get_lens_display(),
                }
            )


def _validated(criteria_by_key: dict, values: dict) -> dict[Criterion, float]:
    fields: dict[str, list[str]] = {}
    out = {}
    for key, value in values.items():
        criterion = criteria_by_key.get(key)
        if criterion is None:
            fields[key] = [_("Unknown criterion.")]
            continue
        if value is None:
            out[criterion] = None
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            fields[key] = [
                _("Enter a score from %(low)s to %(high)s.")
                % {"low": f"{criterion.scale_min:g}", "high": f"{criterion.scale_max:g}"}
            ]
        out[criterion] = value
    if fields:
        raise ValidationFailed(fields=fields)
    return out


@transaction.atomic
def scores_set(
    *,
    ctx: WorkspaceAccess,
    requirement: Requirement,
    values: dict[str, float | None],
    note: str = "",
) -> domain.Evaluation:
    """Record the actor's scores (None clears one); re-derive the requirement's lens scores."""
    # One scorer at a time per requirement: each derives the combined scores from every
    # scorer's rows as committed, so two people scoring at once cannot drop each other's.
    list(Requirement.objects.select_for_update().filter(pk=requirement.pk).values_list("pk"))
    card, criteria = scorecard_for(ctx.workspace)
    if derives_fit(card, criteria) and FIT_KEY in values:
        message = _(
            "Strategic fit follows the linked key results in this workspace; link the "
            "requirement to a key result instead."
        )
        raise ValidationFailed(fields={FIT_KEY: [message]})
    chosen = _validated({c.key: c for c in criteria}, values)
    _check_may_score(ctx, list(chosen))
    actor = ctx.membership.user
    existing = {
        s.criterion_id: s
        for s in Score.objects.filter(
            requirement=requirement, scorer=actor, criterion__in=list(chosen)
        )
    }
    changes = {}
    for criterion, value in chosen.items():
        old = existing.get(criterion.pk)
        if (old.value if old else None) == value:
            continue
        changes[criterion.key] = [old.value if old else None, value]
        if value is None:
            old.delete()
        elif old is None:
            Score.objects.create(
                workspace=ctx.workspace,
                requirement=requirement,
                criterion=criterion,
                scorer=actor,
                value=value,
                note=note[:300],
            )
        else:
            old.value, old.note = value, note[:300] or old.note
            old.save(update_fields=["value", "note", "updated_at"])
    if changes:
        history.record(
            workspace=ctx.workspace,
            actor=actor,
            subject=requirement,
            verb=ChangeRecord.Verb.SCORED,
            changes=changes,
        )
    evaluation = requirement_rescore(requirement, card, criteria)
    if changes:
        from django.urls import reverse

        from truce.core import events

        events.emit(
            workspace=ctx.workspace,
            kind="requirement.scored",
            actor=actor,
            subject=requirement,
            title=requirement.title,
            url=reverse("requirements:detail", args=[ctx.workspace.slug, requirement.number]),
            data={"number": requirement.number, "contested": requirement.contested,
                  "scores": changes},
        )  # fmt: skip
    return evaluation


def scores_of(requirement: Requirement, criteria: list[Criterion]) -> dict[int, list[Score]]:
    """Every score of the requirement by criterion id, with the scorer (one query)."""
    out: dict[int, list[Score]] = {c.pk: [] for c in criteria}
    for s in Score.objects.filter(requirement=requirement).select_related("scorer"):
        out.setdefault(s.criterion_id, []).append(s)
    return out


@transaction.atomic
def scorecard_update(
    *,
    ctx: WorkspaceAccess,
    expected_version: int | None,
    method: str,
    product_weight: float,
    operations_weight: float,
    contested_threshold: float,
    disagreement_threshold: float,
    weights: dict[str, float] | None = None,
    fit_from_goals: bool | None = None,
) -> Scorecard:
    """Admins and leads tune the scorecard; switching method installs that preset's criteria
    (scores of criteria that the new preset also has are kept). Every requirement is rescored."""
    if not (ctx.is_admin or ctx.role == "lead"):
        raise PermissionDenied(_("Only admins and leads can change the scorecard."))
    card, criteria = scorecard_for(ctx.workspace)
    if product_weight + operations_weight <= 0:
        raise ValidationFailed(
            fields={"product_weight": [_("The two lens weights cannot both be 0.")]}
        )
    method_changed = method != card.method
    card.method, card.product_weight, card.operations_weight = (
        method,
        product_weight,
        operations_weight,
    )
    card.contested_threshold, card.disagreement_threshold = (
        contested_threshold,
        disagreement_threshold,
    )
    if fit_from_goals is not None:
        card.fit_from_goals = fit_from_goals
    _clean(card)
    card.save_versioned(
        expected_version=expected_version,
        update_fields=[
            "method",
            "product_weight",
            "operations_weight",
            "contested_threshold",
            "disagreement_threshold",
            "fit_from_goals",
        ],
    )
    if method_changed:
        _switch_preset(ctx.workspace, domain.preset(method), criteria)
    elif weights:
        _set_weights(criteria, weights)
    _check_domain(card)
    from truce.requirements.tasks import rescore_workspace

    transaction.on_commit(lambda: rescore_workspace.enqueue(workspace_id=ctx.workspace.pk))
    return card


def _clean(obj) -> None:
    from django.core.exceptions import ValidationError

    from truce.core.errors import validation_from_django

    try:
        obj.full_clean()
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _switch_preset(workspace, preset: domain.Scorecard, criteria: list[Criterion]) -> None:
    """Install the preset's criteria. Scores survive only where the criterion keeps its key and
    its scale; a 7 on a 0–10 scale means nothing on a 0–100 one."""
    same = {
        c.key
        for c in preset.criteria
        for old in criteria
        if old.key == c.key and (old.scale_min, old.scale_max) == (c.scale_min, c.scale_max)
    }
    Score.objects.filter(workspace=workspace).exclude(criterion__key__in=same).delete()
    Criterion.objects.filter(workspace=workspace).exclude(
        key__in={c.key for c in preset.criteria}
    ).delete()
    existing = {c.key: c for c in criteria}
    for i, c in enumerate(preset.criteria):
        row = existing.get(c.key) or Criterion(workspace=workspace, key=c.key)
        row.label, row.label_zh, row.lens, row.weight = c.label, c.label_zh, c.lens.value, c.weight
        row.scale_min, row.scale_max = c.scale_min, c.scale_max
        row.lower_is_better, row.position = c.lower_is_better, i
        row.save()


def _set_weights(criteria: list[Criterion], weights: dict[str, float]) -> None:
    for c in criteria:
        if c.key in weights and weights[c.key] != c.weight:
            if weights[c.key] < 0:
                raise ValidationFailed(fields={c.key: [_("Weights cannot be negative.")]})
            c.weight = weights[c.key]
            c.save(update_fields=["weight"])


def _check_domain(card: Scorecard) -> None:
    try:
        to_domain(card, list(Criterion.objects.filter(workspace=card.workspace)))
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


def rescore_all(workspace, progress=None, batch_size: int = 2000) -> int:
    """Re-derive every requirement's lens scores (after a scorecard change): one read of the
    scores and one bulk update per batch, so 100k requirements take seconds, not minutes."""
    card, criteria = scorecard_for(workspace)
    dcard = to_domain(card, criteria)
    keys = {c.pk: c.key for c in criteria}
    ids = list(Requirement.objects.filter(workspace=workspace).values_list("pk", flat=True))
    fields = ["product_score", "operations_score", "priority", "contested", "contest_reasons"]
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        by_req: dict[int, list] = {pk: [] for pk in chunk}
        rows = Score.objects.filter(requirement_id__in=chunk).values_list(
            "requirement_id", "criterion_id", "scorer_id", "value"
        )
        for rid, cid, uid, value in rows:
            if cid in keys:
                by_req[rid].append(domain.Score(keys[cid], str(uid), value))
        updates = []
        for pk, scores in by_req.items():
            scores = _with_goal_fit(Requirement(pk=pk), card, criteria, scores)
            r = Requirement(pk=pk, **_derived(domain.evaluate(dcard, scores)))
            updates.append(r)
        Requirement.objects.bulk_update(updates, fields, batch_size=500)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


def scoring_panel(ctx: WorkspaceAccess, requirement: Requirement) -> dict:
    """Both lenses side by side: each criterion's scores, who gave them, and the actor's own."""
    card, criteria = scorecard_for(ctx.workspace)
    by_criterion = scores_of(requirement, criteria)
    me = ctx.membership.user_id
    derived = derives_fit(card, criteria)
    lenses = []
    for lens in (domain.Lens.PRODUCT, domain.Lens.OPERATIONS):
        rows = []
        for c in (c for c in criteria if c.lens == lens.value):
            scores = by_criterion.get(c.pk, [])
            mine = next((s.value for s in scores if s.scorer_id == me), None)
            mean = sum(s.value for s in scores) / len(scores) if scores else None
            row = {"criterion": c, "scores": scores, "mine": mine, "mean": mean}
            if derived is not None and c.pk == derived.pk:
                fit = _with_goal_fit(requirement, card, criteria, [])[-1].value
                row.update(scores=[], mine=None, mean=fit, derived=True)
            rows.append(row)
        lenses.append(
            {
                "lens": lens.value,
                "rows": rows,
                "may_score": ctx.can_write and domain.may_score(ctx.role, lens),
            }
        )
    return {
        "card": card,
        "lenses": lenses,
        "may_score_any": any(lens["may_score"] for lens in lenses),
    }
