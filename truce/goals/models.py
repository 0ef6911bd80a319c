"""Goals (OKR): periods, objectives, key results, check-ins, links to work, and sign-offs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Workspace
from truce.core.models import TimeStamped, Versioned


class GoalSide(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    JOINT = "joint", _("Joint")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Capacity(models.TextChoices):
    """In which capacity someone signs a period's goal set."""

    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    LEAD = "lead", _("Lead")


class GoalSettings(Versioned):
    """Per-workspace rules of joint planning."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="goal_settings"
    )
    requires_lead_signature = models.BooleanField(
        _("a lead must sign too"),
        default=True,
        help_text=_("When off, product and operations signatures are enough."),
    )

    class Meta:
        verbose_name = _("goal settings")
        verbose_name_plural = _("goal settings")

    def __str__(self) -> str:
        return f"{self.workspace} · goals"


class PeriodQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> PeriodQuerySet:
        return self.filter(workspace=workspace)


class Period(Versioned):
    """A planning period (a quarter or custom dates) whose goal set both sides sign."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("name"), max_length=80)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="period_dates_valid"),
            models.UniqueConstraint(fields=["workspace", "name"], name="period_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Objective(Versioned):
    """What we want to achieve and why; owned by one side or by both (joint)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    side = models.CharField(
        _("side"), max_length=20, choices=GoalSide.choices, default=GoalSide.JOINT
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent objective"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=GoalSide.values), name="objective_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class KeyResult(Versioned):
    """A measurable result: from baseline towards target; check-ins move ``current``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("metric"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    baseline = models.FloatField(_("baseline"))
    target = models.FloatField(pgettext_lazy("key result", "target"))
    current = models.FloatField(_("current"))
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    confidence = models.FloatField(
        _("confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    weight = models.FloatField(
        _("weight"), default=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="key_result_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A reading of a key result: the value now, how confident the owner is, and why."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField(_("value"))
    confidence = models.FloatField(
        _("confidence"), validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.value}"


class KeyResultLink(TimeStamped):
    """A requirement expected to move a key result, and by how much (in words or numbers)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="links")
    requirement = models.ForeignKey(
        "requirements.Requirement", on_delete=models.CASCADE, related_name="key_result_links"
    )
    contribution = models.CharField(_("expected contribution"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("key result link")
        verbose_name_plural = _("key result links")
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "requirement"], name="key_result_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id} → {self.key_result_id}"


class Signature(models.Model):
    """Someone's sign-off of a period's goal set as it was (``goal_hash``). Kept forever; it
    counts only while the goal set still hashes the same."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    capacity = models.CharField(_("signed as"), max_length=20, choices=Capacity.choices)
    goal_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "signer", "goal_hash"], name="one_signature_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} signed by {self.signer_id}"
