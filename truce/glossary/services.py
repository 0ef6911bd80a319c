"""Writes to the glossary: create, change and delete terms, import the starter glossary.

A term's spellings (both names and every alias) are unique in its workspace after folding
(case, width, spacing), so one word in a text can only ever mean one term: a duplicate is
refused with a message on the field that repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from truce.core import events, history
from truce.core.access import WorkspaceAccess
from truce.core.errors import (
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
    validation_from_django,
)
from truce.core.models import ChangeRecord
from truce.domain.glossary import fold
from truce.glossary.models import Term
from truce.glossary.starter import STARTER

TEXT_FIELDS = [
    "term_zh",
    "term_en",
    "side",
    "definition_zh",
    "definition_en",
    "equivalent_zh",
    "equivalent_en",
    "example_zh",
    "example_en",
]
FIELDS = [*TEXT_FIELDS, "aliases"]
MAX_ALIASES = 20


def _check_write(ctx: WorkspaceAccess) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def clean_aliases(aliases) -> list[str]:
    """Stripped, without empties or repeats (after folding), at most ``MAX_ALIASES``."""
    out: dict[str, str] = {}
    for alias in aliases or []:
        alias = " ".join(str(alias).split())
        if alias and fold(alias) not in out:
            out[fold(alias)] = alias
    if len(out) > MAX_ALIASES:
        raise ValidationFailed(
            fields={"aliases": [_("At most %(n)d aliases.") % {"n": MAX_ALIASES}]}
        )
    if any(len(alias) > 80 for alias in out.values()):
        raise ValidationFailed(fields={"aliases": [_("An alias has at most 80 characters.")]})
    return list(out.values())


def _claimed_forms(workspace, exclude_pk=None) -> dict[str, Term]:
    """Folded spelling → the term that has it, for every other term of the workspace."""
    others = Term.objects.for_workspace(workspace).only("term_zh", "term_en", "aliases")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return {fold(form): t for t in others for form in t.forms()}


def _check_unique(term: Term, claimed: dict[str, Term]) -> None:
    errors: dict[str, list[str]] = {}
    spellings = [("term_zh", term.term_zh), ("term_en", term.term_en)]
    spellings += [("aliases", alias) for alias in term.aliases]
    for field_name, form in spellings:
        key = fold(form)
        if not key:
            continue
        holder = claimed.get(key)
        if holder is not None:
            message = _("“%(form)s” is already in the glossary as “%(term)s”.") % {
                "form": form,
                "term": holder.name,
            }
            errors.setdefault(field_name, []).append(message)
    if errors:
        raise ValidationFailed(fields=errors)


def _validate(term: Term, claimed: dict[str, Term]) -> None:
    for name in TEXT_FIELDS:
        setattr(term, name, (getattr(term, name) or "").strip())
    names = {fold(term.term_zh), fold(term.term_en)}
    term.aliases = [a for a in clean_aliases(term.aliases) if fold(a) not in names]
    errors: dict[str, list[str]] = {}
    if not term.term_zh and not term.term_en:
        errors["term_zh"] = [_("Give the term in Chinese, in English, or both.")]
    if not term.definition_zh and not term.definition_en:
        errors["definition_zh"] = [_("Explain the term in at least one language.")]
    for name in ("definition_zh", "definition_en", "example_zh", "example_en"):
        limit = Term._meta.get_field(name).max_length  # TextField limits are not enforced
        if len(getattr(term, name)) > limit:  # by full_clean, so they are checked here
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    if errors:
        raise ValidationFailed(fields=errors)
    try:
        term.full_clean(exclude=["workspace", "key", "search_text", "created_by"])
    except ValidationError as exc:
        raise validation_from_django(exc) from None
    _check_unique(term, claimed)
    term.key = fold(term.term_zh or term.term_en)[:80]
    described = [term.definition_zh, term.definition_en, term.equivalent_zh, term.equivalent_en]
    term.search_text = fold(" ".join([*term.forms(), *described]))


def _url(term: Term) -> str:
    return reverse("glossary:detail", args=[term.workspace.slug, term.pk])


def _insert(ctx: WorkspaceAccess, term: Term) -> Term:
    field = "term_zh" if term.term_zh else "term_en"
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError:  # a concurrent writer added the same name a moment ago
        raise ValidationFailed(
            fields={field: [_("This term is already in the glossary.")]}
        ) from None
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=term,
        verb=ChangeRecord.Verb.CREATED,
        changes=history.snapshot(term, ["term_zh", "term_en", "side"]),
    )
    return term


@transaction.atomic
def term_create(
    *,
    ctx: WorkspaceAccess,
    side: str,
    term_zh: str = "",
    term_en: str = "",
    aliases: list[str] | tuple[str, ...] = (),
    definition_zh: str = "",
    definition_en: str = "",
    equivalent_zh: str = "",
    equivalent_en: str = "",
    example_zh: str = "",
    example_en: str = "",
) -> Term:
    _check_write(ctx)
    term = Term(
        workspace=ctx.workspace,
        created_by=ctx.membership.user,
        side=side,
        term_zh=term_zh,
        term_en=term_en,
        aliases=list(aliases),
        definition_zh=definition_zh,
        definition_en=definition_en,
        equivalent_zh=equivalent_zh,
        equivalent_en=equivalent_en,
        example_zh=example_zh,
        example_en=example_en,
    )
    _validate(term, _claimed_forms(ctx.workspace))
    _insert(ctx, term)
    events.emit(
        workspace=ctx.workspace,
        kind="term.created",
        actor=ctx.membership.user,
        subject=term,
        title=term.name,
        url=_url(term),
        data={"side": term.side},
    )
    return term


@transaction.atomic
def term_update(
    *, ctx: WorkspaceAccess, term: Term, expected_version: int | None, **changes
) -> Term:
    """Change any of ``FIELDS``; a stale ``expected_version`` raises PreconditionFailed."""
    _check_write(ctx)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    before = history.snapshot(term, FIELDS)
    for name, value in changes.items():
        setattr(term, name, list(value or []) if name == "aliases" else (value or ""))
    _validate(term, _claimed_forms(ctx.workspace, exclude_pk=term.pk))
    try:
        with transaction.atomic():
            term.save_versioned(
                expected_version=expected_version,
                update_fields=[*FIELDS, "key", "search_text"],
            )
    except IntegrityError:
        raise ValidationFailed(
            fields={"term_zh": [_("This term is already in the glossary.")]}
        ) from None
    diff = history.diff(before, history.snapshot(term, FIELDS))
    if diff:
        history.record(
            workspace=ctx.workspace,
            actor=ctx.membership.user,
            subject=term,
            verb=ChangeRecord.Verb.UPDATED,
            changes=diff,
        )
        events.emit(
            workspace=ctx.workspace,
            kind="term.changed",
            actor=ctx.membership.user,
            subject=term,
            title=term.name,
            url=_url(term),
            data={"fields": sorted(diff)},
        )
    return term


@transaction.atomic
def term_delete(*, ctx: WorkspaceAccess, term: Term, expected_version: int | None) -> None:
    _check_write(ctx)
    current = Term.objects.select_for_update().filter(pk=term.pk).first()
    if current is None or (expected_version is not None and current.version != expected_version):
        raise PreconditionFailed(current=current)
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=term,
        verb=ChangeRecord.Verb.DELETED,
        changes={"term_zh": [term.term_zh, None], "term_en": [term.term_en, None]},
    )
    events.emit(
        workspace=ctx.workspace,
        kind="term.deleted",
        actor=ctx.membership.user,
        subject=term,
        title=term.name,
        url=reverse("glossary:list", args=[ctx.workspace.slug]),
    )
    current.delete()


@dataclass(frozen=True)
class ImportResult:
    created: list[Term]
    skipped: list[str]  # starter terms left out: already imported, or a spelling is taken


@transaction.atomic
def starter_import(*, ctx: WorkspaceAccess) -> ImportResult:
    """Add the starter glossary's terms this workspace does not have yet. A starter term is
    left out when it was imported before or one of its spellings belongs to another term, so
    importing again adds nothing and never changes the workspace's own definitions."""
    _check_write(ctx)
    imported = set(
        Term.objects.for_workspace(ctx.workspace)
        .exclude(starter_key="")
        .values_list("starter_key", flat=True)
    )
    claimed = _claimed_forms(ctx.workspace)
    created, skipped = [], []
    for entry in STARTER:
        fields = {k: v for k, v in entry.items() if k != "key"}
        term = Term(
            workspace=ctx.workspace,
            created_by=ctx.membership.user,
            starter_key=entry["key"],
            **fields,
        )
        if entry["key"] in imported or any(fold(f) in claimed for f in term.forms()):
            skipped.append(term.name)
            continue
        _validate(term, claimed)
        created.append(_insert(ctx, term))
        claimed.update({fold(form): term for form in term.forms()})
    if created:
        events.emit(
            workspace=ctx.workspace,
            kind="glossary.imported",
            actor=ctx.membership.user,
            title=_("Starter glossary imported"),
            url=reverse("glossary:list", args=[ctx.workspace.slug]),
            data={"created": [t.pk for t in created], "skipped": len(skipped)},
        )
    return ImportResult(created, skipped)
