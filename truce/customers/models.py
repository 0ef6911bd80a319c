"""Customers (with ABC segment and churn risk) and their feedback (客户之声)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.models import Versioned


class Segment(models.TextChoices):
    A = "A", _("A (top value)")
    B = "B", _("B")
    C = "C", _("C")


class SegmentPolicy(Versioned):
    """A workspace's ABC thresholds: A = top share of value, B = the next share, C = the rest."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="segment_policy"
    )
    a_share = models.FloatField(
        _("A: share of value"),
        default=0.80,
        validators=[MinValueValidator(0.01), MaxValueValidator(0.99)],
    )
    b_share = models.FloatField(
        _("B: next share of value"),
        default=0.15,
        # B must hold some value: truce.domain.segments refuses an empty B band.
        validators=[MinValueValidator(0.01), MaxValueValidator(0.99)],
    )

    class Meta:
        verbose_name = _("segment thresholds")
        verbose_name_plural = _("segment thresholds")

    def __str__(self) -> str:
        return f"{self.workspace}: A {self.a_share:.0%}, B {self.b_share:.0%}"


class CustomerQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> CustomerQuerySet:
        return self.filter(workspace=workspace)


class Customer(Versioned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(_("name"), max_length=200)
    value = models.DecimalField(
        _("value"),
        max_digits=16,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Annual revenue, GMV or another measure of what this customer is worth."),
    )
    segment = models.CharField(
        _("segment"), max_length=1, choices=Segment.choices, default="C", editable=False
    )
    churn_risk = models.BooleanField(_("churn risk"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=100, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-value", "name"]
        indexes = [
            models.Index(fields=["workspace", "-value"]),
            models.Index(fields=["workspace", "segment"]),
            models.Index(fields=["workspace", "name"]),
        ]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    TICKET = "ticket", _("Support ticket")
    SURVEY = "survey", _("Survey")
    SALES = "sales", _("Sales")
    APP_STORE = "app_store", _("App store review")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Other")


class FeedbackQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> FeedbackQuerySet:
        return self.filter(workspace=workspace)

    def untriaged(self) -> FeedbackQuerySet:
        return self.filter(status=Feedback.State.NEW)


class Feedback(Versioned):
    """What a customer said, from a channel; triage links it to a requirement or dismisses it."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        LINKED = "linked", _("Linked to a requirement")
        DISMISSED = "dismissed", _("Dismissed")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(_("feedback"))
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name=_("customer"),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.NEW)
    requirement = models.ForeignKey(
        "requirements.Requirement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name=_("requirement"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        # The inbox and the API list newest first, of one status or of all: both orders
        # come straight from an index, so a page costs the same at any size.
        indexes = [
            models.Index(fields=["workspace", "status", "-received_on", "-id"]),
            models.Index(fields=["workspace", "-received_on", "-id"]),
            models.Index(fields=["workspace", "requirement"]),
            models.Index(fields=["workspace", "customer"]),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return self.text[:60]
