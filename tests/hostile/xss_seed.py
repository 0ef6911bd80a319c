"""Payloads in every user-editable text field of every Truce model, for the XSS browser test.

``user_text_fields()`` finds every ``CharField``/``TextField`` on the ``truce.*`` models by
introspection. A field is user text unless it has choices (a fixed value) or is named in
``NOT_USER_TEXT`` with the reason; so a field added later is seeded with payloads (and its pages
visited) without anyone remembering to, and a model added later with no row in the demo data
fails ``seed_payloads`` until a row is made for it in ``_extra_rows``.

``seed_payloads()`` builds the demo workspaces, adds the rows the demo lacks, overwrites every
user text field of every row with payloads (several per value, each field several times),
re-derives what is computed from them (sanitised Markdown, mention highlighting, search
columns), then drives a few services so that derived records (activity, inbox, history,
agendas, optimiser runs, a published plan, an import) are made from payload-laden data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from tests.hostile.xss_payloads import ALL, GLOSSARY_WORDS, PAYLOADS, SHORT, URL_PAYLOADS, Payload

# Text fields that no user writes (or that are validated down to harmless characters).
NOT_USER_TEXT: dict[str, str] = {
    "core.ChangeRecord.subject_type": "model name set by code",
    "core.DomainEvent.kind": "event kind set by code",
    "core.DomainEvent.subject_type": "model name set by code",
    "core.DomainEvent.url": "built with reverse()",
    "accounts.User.password": "a password hash",
    "accounts.User.username": "validated: letters, digits and @.+-_ only",
    "accounts.User.email": "validated e-mail address",
    "accounts.Workspace.slug": "validated slug",
    "accounts.Invitation.email": "validated e-mail address",
    "accounts.Invitation.token_hash": "a hash",
    "accounts.ApiToken.prefix": "generated",
    "accounts.ApiToken.token_hash": "a hash",
    "accounts.BrowserSession.session_key": "a session key made by Django",
    "accounts.User.totp_secret": "a generated base32 key",
    "accounts.RecoveryCode.code_hash": "a hash",
    "requirements.Requirement.description_html": "derived: sanitised Markdown",
    "requirements.Requirement.top_segment": "derived: A, B or C",
    "requirements.Requirement.search_text": "derived: search tokens, never shown",
    "requirements.Criterion.key": "validated slug",
    "customers.Feedback.search_text": "derived: search tokens, never shown",
    "responsibilities.Activity.key": "validated slug",
    "responsibilities.Activity.default_product": "validated RACI letters",
    "responsibilities.Activity.default_operations": "validated RACI letters",
    "goals.Signature.goal_hash": "a hash",
    "discussion.Comment.subject_type": "model name set by code",
    "discussion.Comment.body_html": "derived: sanitised Markdown with mentions",
    "discussion.Follow.subject_type": "model name set by code",
    "integrations.Delivery.kind": "event kind set by code",
    "glossary.Term.key": "derived: folded name for uniqueness, never shown",
    "glossary.Term.starter_key": "set by code from the starter glossary",
    "glossary.Term.search_text": "derived: search tokens, never shown",
    "meetings.MeetingSeries.timezone": "validated time zone name",
    "meetings.Meeting.minutes_html": "derived: sanitised Markdown",
    "meetings.AgendaItem.source": "agenda source name set by code",
    "meetings.AgendaItem.key": "agenda key set by code",
    "planning.RunItem.key": "item key set by code (r12, c3)",
    "planning.RunItem.search": "derived: search text of a run's item, never shown",
    "meetings.AgendaItem.side": "side set by code",
    "meetings.Decision.search_text": "derived: search tokens, never shown",
    "meetings.CalendarFeed.token_hash": "a hash",
    "resources.Campaign.description_html": "derived: sanitised Markdown",
    "planning.Run.stage": "solver stage name set by code",
    "planning.PeriodPlan.content_hash": "a hash",
    "planning.PeriodPlan.applied_hash": "a hash",
    "planning.PlanSignature.capacity": "signing capacity set by code",
    "planning.PlanSignature.plan_hash": "a hash",
    "interop.ImportJob.preset": "validated preset name",
    "interop.ImportJob.file_format": "detected format name",
    "interop.ImportJob.encoding": "detected encoding name",
    "interop.ImportJob.delimiter": "detected delimiter",
    "interop.ImportJob.language": "language code set by code",
    "interop.RestoreJob.slug": "validated slug (well formed and free before the job is made)",
    "interop.RestoreJob.language": "language code set by code",
    "interop.ExternalKey.source": "preset name set by code",
    "launches.Launch.description_html": "derived: sanitised Markdown",
    "launches.ChecklistTemplate.key": "validated slug",
    "launches.Review.lessons_html": "derived: sanitised Markdown",
    "conflicts.Conflict.key": "derived cause key set by code",
}

# Fields holding a link: they get URL_PAYLOADS, shaped to pass the fields' own checks.
URL_FIELDS = {"conflicts.Evidence.url", "meetings.AgendaItem.link", "integrations.Endpoint.url"}

# Markdown source -> the stored HTML rendered from it.
MARKDOWN_FIELDS = {
    "requirements.Requirement.description": "description_html",
    "discussion.Comment.body": "body_html",
    "resources.Campaign.description": "description_html",
    "launches.Launch.description": "description_html",
    "meetings.Meeting.minutes": "minutes_html",
    "launches.Review.lessons": "lessons_html",
}

KEEP_TERMS = set(GLOSSARY_WORDS)  # glossary terms whose names stay, so marking happens


def text_fields() -> Iterator[tuple[str, type[models.Model], models.Field]]:
    """Every CharField/TextField (e-mail and slug fields included) of the truce models."""
    for model in apps.get_models():
        if not model.__module__.startswith("truce."):
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField):
                yield f"{model._meta.label}.{f.name}", model, f


def user_text_fields() -> list[tuple[str, type[models.Model], models.Field]]:
    found = list(text_fields())
    labels = {label for label, _, _ in found}
    stale = (set(NOT_USER_TEXT) | URL_FIELDS | set(MARKDOWN_FIELDS)) - labels
    assert not stale, f"these fields no longer exist: {sorted(stale)}"
    return [
        (label, model, f)
        for label, model, f in found
        if not f.choices and label not in NOT_USER_TEXT
    ]


def contains_payload(value: str) -> bool:
    return any(p.text in value for p in ALL)


@dataclass
class Filler:
    """Hands out payloads in turn: Markdown fields go through the whole corpus (six to a
    value, one per paragraph), plain fields through it too (up to three a value, as many as
    the length allows), link fields through the link payloads. The first row of a field
    without a length limit gets every payload, one per paragraph, so that the page of each
    model's first object puts the whole corpus through that field's rendering."""

    markdown_at: int = 0
    plain_at: int = 0
    url_at: int = 0
    used: set[Payload] = field(default_factory=set)

    def markdown(self) -> str:
        parts = [PAYLOADS[(self.markdown_at + i) % len(PAYLOADS)] for i in range(6)]
        self.markdown_at += 6
        self.used.update(parts)
        return "\n\n".join(p.text for p in parts)

    def everything(self) -> str:
        self.used.update(PAYLOADS + SHORT)
        return "\n\n".join(p.text for p in PAYLOADS + SHORT)

    def url(self) -> str:
        p = URL_PAYLOADS[self.url_at % len(URL_PAYLOADS)]
        self.url_at += 1
        self.used.add(p)
        return p.text

    def plain(self, limit: int | None, avoid: set[str]) -> str:
        pool = PAYLOADS + SHORT
        for _ in range(len(pool)):
            start = self.plain_at
            self.plain_at += 1
            parts: list[Payload] = []
            room = limit or 10_000
            for i in range(len(pool)):
                p = pool[(start + i) % len(pool)]
                need = len(p.text) + (1 if parts else 0)
                if need <= room:
                    parts.append(p)
                    room -= need
                if len(parts) == 3:
                    break
            value = " ".join(p.text for p in parts)
            if parts and value not in avoid:
                self.used.update(parts)
                return value
        raise AssertionError(f"no fresh payload fits {limit} characters")


def _update(model, pk, values) -> None:
    model.objects.filter(pk=pk).update(**values)


def _copy_row(model, pk, values) -> None:
    """Append-only rows (the audit log; the database refuses changes): a copy carries them."""
    row = model.objects.get(pk=pk)
    row.pk = None
    row._state.adding = True
    for name, value in values.items():
        setattr(row, name, value)
    row.save(force_insert=True)


def _supersede_decision(model, pk, values) -> None:
    """Decisions are immutable (the database refuses changes): record one superseding it."""
    from truce.core.access import access_workspace
    from truce.meetings.records import decision_record

    old = model.objects.select_related("workspace").get(pk=pk)
    lead = access_workspace(old.decided_by, old.workspace.slug)
    taken = model.objects.filter(supersedes=old).exists()
    decision_record(
        ctx=lead,
        decided_by=old.decided_by,
        supersedes=None if taken else old,
        options=[SHORT[0].text, PAYLOADS[1].text],
        requirements=list(old.requirements.all()),
        campaigns=list(old.campaigns.all()),
        **values,
    )


_WRITERS = {"accounts.AuditEvent": _copy_row, "meetings.Decision": _supersede_decision}


def _unique(model: type[models.Model], f: models.Field) -> bool:
    constrained = {
        name
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint)
        for name in c.fields
    }
    return f.unique or f.name in constrained


def overwrite_all(filler: Filler) -> dict[str, int]:
    """Payloads into every user text field of every row; returns rows written per field."""
    written: dict[str, int] = {}
    updates: dict[tuple[type[models.Model], int], dict[str, str]] = {}
    for label, model, f in sorted(user_text_fields(), key=lambda x: x[0]):
        seen: set[str] = set()
        count = 0
        rows = model.objects.order_by("pk").values_list("pk", f.attname)
        for i, (pk, current) in enumerate(rows):
            if label.startswith("glossary.Term.term_") and current in KEEP_TERMS:
                continue
            if label in URL_FIELDS:
                value = filler.url()
            elif i == 0 and f.max_length is None:
                value = filler.everything()  # the first object's page shows the whole corpus
            elif label in MARKDOWN_FIELDS:
                value = filler.markdown()
            else:
                value = filler.plain(f.max_length, seen if _unique(model, f) else set())
            seen.add(value)
            updates.setdefault((model, pk), {})[f.attname] = value
            count += 1
        written[label] = count
    for (model, pk), values in updates.items():
        write = _WRITERS.get(model._meta.label, _update)
        write(model, pk, values)
    return written


def rederive() -> None:
    """Recompute what is stored from the overwritten text, as the services would."""
    from truce.accounts.models import User
    from truce.core.markdown import render_markdown
    from truce.core.text import index_text
    from truce.customers.models import Feedback
    from truce.discussion.mentions import highlight_mentions, mentioned_usernames
    from truce.discussion.models import Comment
    from truce.domain.glossary import fold
    from truce.glossary.models import Term
    from truce.requirements.models import Requirement

    for label, html_field in MARKDOWN_FIELDS.items():
        model = apps.get_model(label.rsplit(".", 1)[0])
        source = label.rsplit(".", 1)[1]
        for pk, text in model.objects.values_list("pk", source):
            model.objects.filter(pk=pk).update(**{html_field: render_markdown(text)})
    names = list(User.objects.values_list("username", flat=True))
    for c in Comment.objects.all():
        Comment.objects.filter(pk=c.pk).update(
            body_html=highlight_mentions(
                render_markdown(c.body), mentioned_usernames(c.body, names)
            )
        )
    for r in Requirement.objects.all():
        Requirement.objects.filter(pk=r.pk).update(search_text=index_text(r.title, r.description))
    for fb in Feedback.objects.select_related("customer"):
        name = fb.customer.name if fb.customer_id else ""
        Feedback.objects.filter(pk=fb.pk).update(search_text=index_text(fb.text, name))
    for t in Term.objects.all():
        described = [t.definition_zh, t.definition_en, t.equivalent_zh, t.equivalent_en]
        Term.objects.filter(pk=t.pk).update(search_text=fold(" ".join([*t.forms(), *described])))


def _extra_rows(users, tmp_dir) -> str:
    """Rows the demo does not make, so that their text fields carry payloads too; returns
    the secret of the invitation made."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    from truce.accounts.models import AuditAction, BrowserSession
    from truce.accounts.services import audit, invitation_create, token_create
    from truce.core.access import access_workspace
    from truce.interop import services as interop
    from truce.interop.models import ExternalKey, RestoreJob
    from truce.planning.models import Run, RunStatus
    from truce.planning.services import plan_publish
    from truce.requirements.models import Requirement

    admin = access_workspace(users["admin"], "spark")
    token_create(user=users["admin"], name="ci")
    # a live session of the admin's elsewhere: its user agent is shown on the security page
    store = SessionStore()
    store.create()
    BrowserSession.objects.create(user=users["admin"], session_key=store.session_key)
    _, token = invitation_create(ctx=admin, role="product", side="product", email="n@example.com")
    audit(action=AuditAction.values[0], actor=users["admin"], workspace=admin.workspace, target="x")
    first = Requirement.objects.filter(workspace=admin.workspace).first()
    ExternalKey.objects.create(
        workspace=admin.workspace, source="jira", key="X-1", requirement=first
    )
    run = Run.objects.filter(workspace=admin.workspace, status=RunStatus.DONE).first()
    plan_publish(ctx=admin, run=run)
    header = "标题,描述,<img src=x onerror=alert(1)>,</textarea><script>alert(1)</script>\n"
    body = '"<svg onload=alert(1)>","[x](javascript:alert(1))",x,y\n'
    upload = SimpleUploadedFile(
        '"><svg onload=alert(1)>需求.csv', (header + body).encode(), "text/csv"
    )
    with override_settings(MEDIA_ROOT=str(tmp_dir)):
        job = interop.import_upload(ctx=admin, kind="requirements", upload=upload)
        interop.import_start(ctx=admin, job=job, commit=False)
    # a refused restore: its file name and reason are shown on its page and the interop page
    RestoreJob.objects.create(
        workspace=admin.workspace, created_by=users["admin"], filename="backup.zip",
        slug="spark-copy", status=RestoreJob.State.FAILED, message="x",
    )  # fmt: skip
    return token


def _commentable(subject) -> bool:
    from truce.core.errors import NotFound
    from truce.discussion import registry

    try:
        registry.entry_for(subject)
    except NotFound:
        return False
    return True


def _derived_records(users) -> None:
    """Make records whose text is copied from payload-laden objects: comments that mention
    the admin (inbox, activity), an edit (history), a fresh agenda, new optimiser runs."""
    from django.utils import timezone

    from truce.conflicts.models import Conflict
    from truce.core.access import access_workspace
    from truce.discussion.services import comment_create
    from truce.goals.models import KeyResult
    from truce.launches.models import Launch
    from truce.meetings.models import Decision, Meeting, MeetingStatus
    from truce.meetings.services import agenda_refresh
    from truce.planning.models import Scenario
    from truce.planning.services import run_start
    from truce.requirements.models import Requirement
    from truce.requirements.services import requirement_update
    from truce.resources.models import Campaign

    olivia = access_workspace(users["olivia"], "spark")
    lena = access_workspace(users["lena"], "spark")
    mentions = [p.text for p in PAYLOADS if p.kind in ("mention", "glossary")]
    subjects = [
        Requirement.objects.filter(workspace=olivia.workspace).order_by("number").first(),
        Campaign.objects.filter(workspace=olivia.workspace).first(),
        Launch.objects.filter(workspace=olivia.workspace).first(),
        Decision.objects.filter(workspace=olivia.workspace).first(),
        KeyResult.objects.filter(workspace=olivia.workspace).first(),
        Meeting.objects.filter(workspace=olivia.workspace).first(),
        Conflict.objects.filter(workspace=olivia.workspace).first(),
    ]
    everything = "\n\n".join(p.text for p in PAYLOADS + SHORT)
    for i, subject in enumerate(s for s in subjects if s is not None and _commentable(s)):
        body = f"@admin {mentions[i % len(mentions)]}\n\n{mentions[(i + 1) % len(mentions)]}"
        comment_create(ctx=olivia, subject=subject, body=body if i else f"@admin {everything}")
    first = subjects[0]
    requirement_update(
        ctx=lena,
        requirement=first,
        expected_version=None,
        title=f"{first.title[:150]} {SHORT[0].text}",
        description=first.description + "\n\n" + PAYLOADS[0].text,
    )
    upcoming = (
        Meeting.objects.filter(
            workspace=lena.workspace,
            status=MeetingStatus.SCHEDULED,
            date__gte=timezone.localdate(),
        )
        .order_by("date")
        .first()
    )
    if upcoming is not None:
        agenda_refresh(ctx=lena, meeting=upcoming)
    for scenario in Scenario.objects.filter(workspace=lena.workspace):
        run_start(ctx=lena, scenario=scenario)


@dataclass(frozen=True)
class Seeded:
    filler: Filler
    invitation_token: str  # the raw secret of an invitation to the "spark" workspace
    password: str  # of the demo personas


def seed_payloads(tmp_dir) -> Seeded:
    """The demo workspaces with payloads everywhere."""
    from truce.seed import DEMO_PASSWORD, seed_demo

    users = seed_demo()
    token = _extra_rows(users, tmp_dir)
    filler = Filler()
    written = overwrite_all(filler)
    empty = sorted(label for label, n in written.items() if n == 0)
    assert not empty, f"no row carries these fields; make one in _extra_rows: {empty}"
    rederive()
    _derived_records(users)
    return Seeded(filler=filler, invitation_token=token, password=DEMO_PASSWORD)


def fields_without_payloads() -> list[str]:
    """User text fields in which no row holds a payload (expected: none)."""
    missing = []
    for label, model, f in user_text_fields():
        values = model.objects.values_list(f.attname, flat=True)
        if not any(contains_payload(v or "") for v in values):
            missing.append(label)
    return missing
