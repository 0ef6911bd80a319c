"""The requirements pool (需求池): requirements, tags, the scorecard, criteria and scores."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Side, Workspace
from truce.core.models import NullsLastIndex, TimeStamped, Versioned


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    RELEASED = "released", _("Released")
    REVIEWED = "reviewed", _("Reviewed")
    REJECTED = "rejected", _("Rejected")
    ON_HOLD = "on_hold", _("On hold")


class Kind(models.TextChoices):
    FEATURE = "feature", _("Feature")
    IMPROVEMENT = "improvement", _("Improvement")
    BUG = "bug", _("Bug")
    TECH_DEBT = "tech_debt", _("Tech debt")
    EXPERIMENT = "experiment", _("Experiment")


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique")]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class RequirementQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> RequirementQuerySet:
        return self.filter(workspace=workspace)

    def visible_to(self, user) -> RequirementQuerySet:
        return (
            self.filter(workspace__memberships__user=user) if user.is_authenticated else self.none()
        )

    def open(self) -> RequirementQuerySet:
        return self.exclude(status__in=[Status.RELEASED, Status.REVIEWED, Status.REJECTED])


class Requirement(Versioned):
    """A piece of work someone asked for; both sides score it, customers' demand backs it."""

    Status = Status
    Kind = Kind

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="requirements")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FEATURE)
    origin_side = models.CharField(_("origin"), max_length=20, choices=Side.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_requirements",
        verbose_name=pgettext_lazy("requirement", "owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
    )
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        verbose_name=_("prerequisites"),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="requirements", verbose_name=_("tags")
    )
    estimate_days = models.DecimalField(
        _("estimate (person-days)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    estimate_budget = models.DecimalField(
        _("estimate (budget)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Derived from scores and feedback by services; stored so lists filter and sort by index.
    product_score = models.FloatField(_("product lens"), null=True, blank=True, editable=False)
    operations_score = models.FloatField(
        _("operations lens"), null=True, blank=True, editable=False
    )
    priority = models.FloatField(_("priority"), null=True, blank=True, editable=False)
    contested = models.BooleanField(_("contested"), default=False, editable=False)
    contest_reasons = models.JSONField(default=list, blank=True, editable=False)
    demand_value = models.DecimalField(
        _("customer demand"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    demand_customers = models.PositiveIntegerField(default=0, editable=False)
    top_segment = models.CharField(max_length=1, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"], name="requirement_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="requirement_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "-number"]),
            models.Index(fields=["workspace", "-priority"]),
            models.Index(fields=["workspace", "contested", "-number"]),
            # contested by priority (workspace home, the contested list's default order): without
            # it PostgreSQL walks the priority index from its NULLs and filters 80k rows for 5
            NullsLastIndex(
                "workspace",
                "contested",
                F("priority").desc(nulls_last=True),
                F("number").desc(),
                name="requirement_contested_prio",
            ),
            models.Index(fields=["workspace", "owner", "-number"]),
            models.Index(fields=["workspace", "-updated_at"]),
            models.Index(fields=["workspace", "-demand_value"]),
            models.Index(fields=["workspace", "origin_side", "-number"]),
            models.Index(fields=["workspace", "top_segment", "-number"]),
            # the contested share of the health dashboard counts scored requirements only
            models.Index(
                fields=["workspace", "status", "contested"],
                condition=Q(product_score__isnull=False, operations_score__isnull=False),
                name="requirement_scored_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def ref(self) -> str:
        return f"#{self.number}"


class Lens(models.TextChoices):
    PRODUCT = "product", _("Product lens")
    OPERATIONS = "operations", _("Operations lens")


class Scorecard(Versioned):
    """How a workspace scores: the method, lens weights and contested thresholds."""

    class Method(models.TextChoices):
        WEIGHTED = "weighted", _("Weighted scoring")
        RICE = "rice", "RICE"
        WSJF = "wsjf", "WSJF"

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="scorecard")
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.WEIGHTED
    )
    product_weight = models.FloatField(
        _("product lens weight"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    operations_weight = models.FloatField(
        _("operations lens weight"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    contested_threshold = models.FloatField(
        _("contested when lens scores differ by more than"),
        default=0.3,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
    )
    fit_from_goals = models.BooleanField(
        _("derive strategic fit from the linked key results"),
        default=False,
        help_text=_(
            "When on, nobody scores strategic fit by hand: it follows the key results a "
            "requirement moves (more for joint objectives and key results at risk)."
        ),
    )
    disagreement_threshold = models.FloatField(
        _("contested when scorers of one criterion differ by more than"),
        default=0.4,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
    )

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"{self.workspace} · {self.get_method_display()}"


class Criterion(models.Model):
    """One thing a lens looks at, e.g. reach (运营) or effort (产品, lower is better)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label (English)"), max_length=80)
    label_zh = models.CharField(_("label (中文)"), max_length=80)
    lens = models.CharField(_("lens"), max_length=20, choices=Lens.choices)
    weight = models.FloatField(_("weight"), default=1, validators=[MinValueValidator(0)])
    scale_min = models.FloatField(_("lowest score"), default=0)
    scale_max = models.FloatField(_("highest score"), default=10)
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lens", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="criterion_key_unique"),
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="criterion_scale_valid"
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.label


class Score(TimeStamped):
    """One person's score of one criterion for one requirement; re-scoring replaces it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.FloatField(_("score"))
    note = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "criterion", "scorer"], name="one_score_per_scorer"
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.requirement_id}/{self.criterion_id}: {self.value}"
