"""Outgoing endpoints (chat robots and signed webhooks) and the log of what was sent to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.models import DomainEvent, TimeStamped, Versioned
from truce.domain import webhooks


class Kind(models.TextChoices):
    FEISHU = "feishu", _("Feishu group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WECOM = "wecom", _("WeCom group robot")
    SLACK = "slack", _("Slack incoming webhook")
    GENERIC = "generic", _("Signed webhook (generic)")


class MessageLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


DEFAULT_EVENTS = ["requirement.", "decision.recorded", "plan.", "launch.go", "comment.created"]


class EndpointQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> EndpointQuerySet:
        return self.filter(workspace=workspace)


class Endpoint(Versioned):
    """Where a workspace's events are sent: a group robot of a chat platform, or any HTTPS
    receiver that verifies Truce's signature. Only admins see the URL and the secret."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("platform"), max_length=20, choices=Kind.choices)
    url = models.CharField(_("webhook URL"), max_length=1000)
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    language = models.CharField(
        _("message language"),
        max_length=10,
        choices=MessageLanguage.choices,
        default=MessageLanguage.ZH_HANS,
    )
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"), default=webhooks.DEFAULT_GENERIC_PER_MINUTE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("outgoing endpoint")
        verbose_name_plural = _("outgoing endpoints")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="endpoint_name_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="endpoint_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_url(self) -> str:
        return webhooks.mask_url(self.url)

    @property
    def limits(self) -> webhooks.Limits:
        return webhooks.limits_for(self.kind, self.rate_per_minute)

    def wants(self, kind: str) -> bool:
        return webhooks.matches(self.events, kind)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    RETRYING = "retrying", _("will retry")
    SUCCEEDED = "succeeded", _("delivered")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("not sent")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class Delivery(TimeStamped):
    """One message to one endpoint about one event (or a test message). At most one per
    (event, endpoint), so dispatching an event again never sends it twice; its attempts and
    their answers are kept for the delivery log."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        DomainEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("event"), max_length=64)
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                condition=Q(event__isnull=False),
                name="delivery_once_per_event_endpoint",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.endpoint_id}"

    @property
    def is_test(self) -> bool:
        return self.event_id is None


class Attempt(models.Model):
    """One HTTP request of a delivery and what came back (or why none did)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    delivered = models.BooleanField(_("delivered"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class SendMark(models.Model):
    """When a request went to an endpoint: the shared sliding window of its rate limit, so
    every worker process sees the same count."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["endpoint", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint_id} @ {self.sent_at:%H:%M:%S}"
