"""Writes of integrations: endpoints (admins only), test messages and redeliveries.

A generic webhook gets a generated secret, returned once by the call that made it (create,
or update with ``rotate_secret``); afterwards only a masked form is shown. Chat-platform
secrets are the ones the platform displays ("SEC…" for DingTalk), entered by the admin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import AuditAction
from truce.accounts.services import audit
from truce.core.access import WorkspaceAccess
from truce.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    validation_from_django,
)
from truce.domain import signing, webhooks
from truce.integrations.models import (
    DEFAULT_EVENTS,
    Delivery,
    DeliveryStatus,
    Endpoint,
    Kind,
    MessageLanguage,
)
from truce.integrations.sender import allow_private, schedule

UNSIGNED = (Kind.WECOM, Kind.SLACK)
MAX_RATE = 600


def _require_admin(ctx: WorkspaceAccess) -> None:
    if not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can manage integrations."))


def _url_errors(kind: str, url: str) -> list[str]:
    problem = webhooks.url_problem(kind, url)
    if problem == "scheme":
        return [_("Use an address starting with https:// (or http://).")]
    if problem == "host":
        return [_("The address needs a host name.")]
    if problem == "credentials":
        return [_("Do not put a user name or password in the address.")]
    if problem == "shape":
        label = Kind(kind).label if kind in Kind.values else kind
        example = webhooks.EXAMPLES.get(kind, "")
        return [
            _("This is not a %(platform)s address; it should look like %(example)s.")
            % {"platform": label, "example": example}
        ]
    host = urlsplit(url).hostname or ""
    if not allow_private() and webhooks.literal_host_forbidden(host):
        return [_("Private, loopback and link-local addresses are not allowed.")]
    return []


def parse_events(items) -> list[str]:
    """Normalise event filters: "requirement" → "requirement.", duplicates dropped."""
    if isinstance(items, str):
        items = items.replace(",", " ").split()
    seen: list[str] = []
    for item in items:
        normal = webhooks.normalize_filter(str(item))
        if normal and normal not in seen:
            seen.append(normal)
    return seen


def _event_errors(events: list[str]) -> list[str]:
    if not events:
        return [_("Choose at least one kind of event, or * for all.")]
    message = _(
        "“%(item)s” is not an event filter: use a prefix such as “requirement.”, "
        "a kind such as “launch.go”, or * for all."
    )
    return [message % {"item": item} for item in events if not webhooks.filter_valid(item)]


def _validate(endpoint: Endpoint) -> None:
    errors: dict[str, list[str]] = {}
    if url_errors := _url_errors(endpoint.kind, endpoint.url):
        errors["url"] = url_errors
    if event_errors := _event_errors(endpoint.events):
        errors["events"] = event_errors
    if endpoint.kind in UNSIGNED and endpoint.secret:
        errors["secret"] = [_("This platform does not sign messages: its URL is the secret.")]
    if not 1 <= endpoint.rate_per_minute <= MAX_RATE:
        errors["rate_per_minute"] = [
            _("Between 1 and %(max)d messages per minute.") % {"max": MAX_RATE}
        ]
    try:
        endpoint.full_clean(
            exclude=["workspace", "created_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in validation_from_django(exc).fields.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(fields=errors)


def _save(endpoint: Endpoint, save) -> None:
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise ValidationFailed(
            fields={"name": [_("Another endpoint of this workspace has this name.")]}
        ) from None


@transaction.atomic
def endpoint_create(
    *,
    ctx: WorkspaceAccess,
    name: str,
    kind: str,
    url: str,
    events=None,
    enabled: bool = True,
    language: str = MessageLanguage.ZH_HANS,
    secret: str = "",
    rate_per_minute: int = webhooks.DEFAULT_GENERIC_PER_MINUTE,
) -> tuple[Endpoint, str | None]:
    """Create an endpoint; returns it and, for a generic webhook, its new secret (shown once)."""
    _require_admin(ctx)
    revealed = None
    secret = (secret or "").strip()
    if kind == Kind.GENERIC and not secret:
        secret = revealed = signing.generate_secret()
    endpoint = Endpoint(
        workspace=ctx.workspace,
        name=(name or "").strip(),
        kind=kind,
        url=(url or "").strip(),
        secret=secret,
        events=parse_events(DEFAULT_EVENTS if events is None else events),
        enabled=enabled,
        language=language,
        rate_per_minute=rate_per_minute,
        created_by=ctx.membership.user,
    )
    _validate(endpoint)
    _save(endpoint, endpoint.save)
    _audit(ctx, AuditAction.ENDPOINT_CREATED, endpoint)
    return endpoint, revealed


def _audit(ctx: WorkspaceAccess, action: str, endpoint: Endpoint, **data) -> None:
    """The audit log gets the endpoint's kind and host, never its URL: chat robots carry
    their access token in it."""
    audit(
        action=action, actor=ctx.membership.user, workspace=ctx.workspace,
        target=endpoint.name, kind=endpoint.kind, host=urlsplit(endpoint.url).hostname or "",
        **data,
    )  # fmt: skip


EDITABLE = ("name", "url", "events", "enabled", "language", "rate_per_minute")


@transaction.atomic
def endpoint_update(
    *,
    ctx: WorkspaceAccess,
    endpoint: Endpoint,
    expected_version: int | None,
    secret: str | None = None,
    rotate_secret: bool = False,
    **changes,
) -> tuple[Endpoint, str | None]:
    """Change an endpoint. ``secret=None`` keeps the secret, "" clears it (not for generic
    webhooks, which are always signed); ``rotate_secret`` generates a new one and returns it."""
    _require_admin(ctx)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(fields={f: [_("This cannot be changed.")] for f in unknown})
    for field, value in changes.items():
        if field == "events":
            value = parse_events(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(endpoint, field, value)
    revealed = None
    if rotate_secret and endpoint.kind == Kind.GENERIC:
        endpoint.secret = revealed = signing.generate_secret()
    elif secret is not None:
        endpoint.secret = secret.strip()
        if endpoint.kind == Kind.GENERIC and not endpoint.secret:
            raise ValidationFailed(fields={"secret": [_("A generic webhook is always signed.")]})
    _validate(endpoint)
    fields = [*changes, "secret"]
    _save(
        endpoint,
        lambda: endpoint.save_versioned(expected_version=expected_version, update_fields=fields),
    )
    changed = sorted(changes) + (["secret"] if rotate_secret or secret is not None else [])
    _audit(ctx, AuditAction.ENDPOINT_CHANGED, endpoint, fields=changed)
    return endpoint, revealed


@transaction.atomic
def endpoint_delete(
    *, ctx: WorkspaceAccess, endpoint: Endpoint, expected_version: int | None = None
) -> None:
    """Delete an endpoint with its delivery log."""
    _require_admin(ctx)
    # The version check takes the row lock, so nobody changes the endpoint until it is gone.
    endpoint.save_versioned(expected_version=expected_version, update_fields=[])
    endpoint.delete()
    _audit(ctx, AuditAction.ENDPOINT_DELETED, endpoint)


@transaction.atomic
def endpoint_test(*, ctx: WorkspaceAccess, endpoint: Endpoint) -> Delivery:
    """Queue a test message; it is sent even while the endpoint is disabled, so an admin can
    check the setup before switching it on."""
    _require_admin(ctx)
    delivery = Delivery.objects.create(
        workspace=ctx.workspace,
        endpoint=endpoint,
        kind="truce.test",
        title=_("Test message from Truce"),
        requested_by=ctx.membership.user,
    )
    transaction.on_commit(lambda: schedule(delivery))
    return delivery


@transaction.atomic
def delivery_redeliver(*, ctx: WorkspaceAccess, delivery: Delivery) -> Delivery:
    """Send a delivery again, whatever became of it, with a fresh set of attempts. Its log
    keeps the earlier attempts."""
    _require_admin(ctx)
    if not delivery.endpoint.enabled and not delivery.is_test:
        raise Conflict(_("The endpoint is disabled; enable it before redelivering."))
    updated = (
        Delivery.objects.filter(pk=delivery.pk)
        .exclude(status=DeliveryStatus.SENDING)
        .update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            requested_by=ctx.membership.user,
            updated_at=timezone.now(),
        )
    )
    if not updated:
        raise Conflict(_("This delivery is being sent right now."))
    delivery.refresh_from_db()
    transaction.on_commit(lambda: schedule(delivery))
    return delivery
