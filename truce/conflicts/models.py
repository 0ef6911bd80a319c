"""Conflict records and weekly collaboration-health snapshots.

A conflict holds the product position and the operations position with evidence, moves
open → discussing → escalated → decided, and closes only with a decision record
(``meetings.Decision``). The rules live in ``truce.domain.conflict``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Workspace
from truce.core.models import TimeStamped, Versioned
from truce.domain import conflict as rules


class Status(models.TextChoices):
    OPEN = rules.Status.OPEN.value, pgettext_lazy("conflict status", "Open")
    DISCUSSING = rules.Status.DISCUSSING.value, pgettext_lazy("conflict status", "Discussing")
    ESCALATED = rules.Status.ESCALATED.value, pgettext_lazy("conflict status", "Escalated")
    DECIDED = rules.Status.DECIDED.value, pgettext_lazy("conflict status", "Decided")


class Source(models.TextChoices):
    MANUAL = rules.Source.MANUAL.value, _("Opened by hand")
    CONTESTED = rules.Source.CONTESTED.value, _("Contested scores")
    OVERCOMMITTED = rules.Source.OVERCOMMITTED.value, _("Over-committed pool")
    RACI_OVERLAP = rules.Source.RACI_OVERLAP.value, _("RACI overlap")
    LAUNCH_CLASH = rules.Source.LAUNCH_CLASH.value, _("Launch date clash")


class Side(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")


class Conflict(Versioned):
    Status = Status
    Source = Source

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conflicts")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    key = models.CharField(max_length=200, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    product_position = models.TextField(_("product position"), blank=True)
    operations_position = models.TextField(_("operations position"), blank=True)
    requirement = models.ForeignKey(
        "requirements.Requirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
        verbose_name=_("requirement"),
    )
    campaign = models.ForeignKey(
        "resources.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
        verbose_name=_("campaign"),
    )
    launch = models.ForeignKey(
        "launches.Launch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
        verbose_name=_("launch"),
    )
    pool = models.ForeignKey(
        "resources.ResourcePool",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflicts",
        verbose_name=_("resource pool"),
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("decision"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="conflict_number_unique"),
            # one unresolved conflict per cause: detection may run twice at once
            models.UniqueConstraint(
                fields=["workspace", "key"],
                condition=~Q(key="") & ~Q(status="decided"),
                name="conflict_one_open_per_cause",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decision__isnull=False),
                name="conflict_decided_has_decision",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"K{self.number} {self.title}"

    @property
    def ref(self) -> str:
        return f"K{self.number}"


class Evidence(TimeStamped):
    """A link or a fact one side brings: a dashboard, a customer quote, a requirement."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="evidence")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    label = models.CharField(_("evidence"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.label


class HealthSnapshot(models.Model):
    """Measures that cannot be rebuilt from history later (the share of contested items, the
    capacity split), recorded once per workspace and week."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    values = models.JSONField(default=dict)
    taken_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "week"], name="snapshot_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.week}"
