"""Resource pools with capacity per period, operations campaigns, and demands on the pools.

Periods are buckets of a pool's granularity (week, month, quarter) named by their first day,
so a pool's capacity and an item's demand meet on ``(pool, start)``: exactly the optimiser's
``(pool, period)`` slot.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Workspace
from truce.core.models import Versioned


class PoolKind(models.TextChoices):
    DAYS = "days", _("Person-days")
    MONEY = "money", _("Money")
    CUSTOM = "custom", _("Custom unit")


class PoolSide(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    SHARED = "shared", _("Shared")


class Granularity(models.TextChoices):
    WEEK = "week", _("Weeks")
    MONTH = "month", _("Months")
    QUARTER = "quarter", _("Quarters")


class ResourcePool(Versioned):
    """Something scarce both sides draw on: engineering days, a marketing budget, push slots."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="resource_pools"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=PoolKind.choices)
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("For example 元, CNY, slots.")
    )
    side = models.CharField(_("owned by"), max_length=20, choices=PoolSide.choices)
    granularity = models.CharField(
        _("period length"), max_length=10, choices=Granularity.choices, default=Granularity.MONTH
    )
    description = models.TextField(_("description"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("resource pool")
        verbose_name_plural = _("resource pools")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="pool_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Capacity(models.Model):
    """What a pool offers in one period (``start`` is the period's first day)."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.CASCADE, related_name="capacities")
    start = models.DateField(_("period"))
    amount = models.DecimalField(
        _("capacity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["pool", "start"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "start"], name="capacity_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="capacity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.start}: {self.amount}"


class Channel(models.TextChoices):
    PUSH = "push", pgettext_lazy("campaign channel", "Push")
    SMS = "sms", pgettext_lazy("campaign channel", "SMS")
    COMMUNITY = "community", pgettext_lazy("campaign channel", "Community")
    PAID = "paid", pgettext_lazy("campaign channel", "Paid ads")
    EVENT = "event", pgettext_lazy("campaign channel", "Event")
    CONTENT = "content", pgettext_lazy("campaign channel", "Content")
    EMAIL = "email", pgettext_lazy("campaign channel", "E-mail")
    OTHER = "other", pgettext_lazy("campaign channel", "Other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    PROPOSED = "proposed", pgettext_lazy("campaign status", "Proposed")
    SCHEDULED = "scheduled", pgettext_lazy("campaign status", "Scheduled")
    RUNNING = "running", pgettext_lazy("campaign status", "Running")
    DONE = "done", pgettext_lazy("campaign status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("campaign status", "Cancelled")


SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(10)]


class CampaignQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> CampaignQuerySet:
        return self.filter(workspace=workspace)

    def open(self) -> CampaignQuerySet:
        return self.exclude(status__in=[CampaignStatus.DONE, CampaignStatus.CANCELLED])


class Campaign(Versioned):
    """An operations initiative. It needs the features it promotes (a coupling in plans)."""

    Status = CampaignStatus
    Channel = Channel

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_campaigns",
        verbose_name=_("owner"),
    )
    expected_reach = models.PositiveIntegerField(_("expected reach"), null=True, blank=True)
    expected_new_users = models.PositiveIntegerField(_("expected new users"), null=True, blank=True)
    expected_revenue = models.DecimalField(
        _("expected revenue"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The operations lens (0–10, like a requirement's lens scores); product may add its view.
    operations_score = models.FloatField(
        _("operations lens"), null=True, blank=True, validators=SCORE_RANGE
    )
    product_score = models.FloatField(
        _("product lens"), null=True, blank=True, validators=SCORE_RANGE
    )
    promotes = models.ManyToManyField(
        "requirements.Requirement",
        blank=True,
        related_name="campaigns",
        verbose_name=_("promotes"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="campaign_number_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="campaign_dates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"C{self.number} {self.title}"

    @property
    def ref(self) -> str:
        return f"C{self.number}"


class Demand(Versioned):
    """What a requirement or a campaign needs from a pool in one period (``start`` is the
    first day of one of the pool's periods)."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.CASCADE, related_name="demands")
    start = models.DateField(_("period"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    requirement = models.ForeignKey(
        "requirements.Requirement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="demands",
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="demands"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pool", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__isnull=False, campaign__isnull=True)
                | Q(requirement__isnull=True, campaign__isnull=False),
                name="demand_one_owner",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="demand_not_negative"),
            models.UniqueConstraint(
                fields=["requirement", "pool", "start"],
                condition=Q(requirement__isnull=False),
                name="demand_requirement_unique",
            ),
            models.UniqueConstraint(
                fields=["campaign", "pool", "start"],
                condition=Q(campaign__isnull=False),
                name="demand_campaign_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} {self.start}: {self.amount}"
