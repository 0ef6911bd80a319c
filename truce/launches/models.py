"""Launches: a feature ships together with the campaign that promotes it.

A launch has a scope (requirements), campaigns, milestones with owners, a readiness checklist
per side, a three-seat go/no-go review, and after launch a review with key-result values before
and after. The rules live in ``truce.domain.launch``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Workspace
from truce.core.models import TimeStamped, Versioned
from truce.domain import launch as rules


class Status(models.TextChoices):
    PLANNING = rules.Status.PLANNING.value, pgettext_lazy("launch status", "Planning")
    READY = rules.Status.READY.value, pgettext_lazy("launch status", "Ready for review")
    GO = rules.Status.GO.value, pgettext_lazy("launch status", "Go")
    LAUNCHED = rules.Status.LAUNCHED.value, pgettext_lazy("launch status", "Launched")
    REVIEWED = rules.Status.REVIEWED.value, pgettext_lazy("launch status", "Reviewed")
    CANCELLED = rules.Status.CANCELLED.value, pgettext_lazy("launch status", "Cancelled")


class MilestoneKind(models.TextChoices):
    SPEC_FREEZE = rules.MilestoneKind.SPEC_FREEZE.value, _("Spec freeze")
    CODE_FREEZE = rules.MilestoneKind.CODE_FREEZE.value, _("Code freeze")
    QA = rules.MilestoneKind.QA.value, _("QA sign-off")
    RELEASE = rules.MilestoneKind.RELEASE.value, pgettext_lazy("milestone", "Release")
    CAMPAIGN_START = rules.MilestoneKind.CAMPAIGN_START.value, _("Campaign start")
    CAMPAIGN_END = rules.MilestoneKind.CAMPAIGN_END.value, _("Campaign end")
    CUSTOM = rules.MilestoneKind.CUSTOM.value, _("Custom")


class Side(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")


class Seat(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    LEAD = "lead", _("Lead")


class Launch(Versioned):
    Status = Status

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="launches")
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True, editable=False)
    target_date = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    requirements = models.ManyToManyField(
        "requirements.Requirement", blank=True, related_name="launches", verbose_name=_("scope")
    )
    campaigns = models.ManyToManyField(
        "resources.Campaign", blank=True, related_name="launches", verbose_name=_("campaigns")
    )
    # Votes of earlier rounds are kept; a launch sent back to planning starts a new round.
    review_round = models.PositiveIntegerField(default=1, editable=False)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["target_date", "number"]
        verbose_name = _("launch")
        verbose_name_plural = _("launches")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="launch_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="launch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"L{self.number} {self.name}"


class Milestone(Versioned):
    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    due = models.DateField(_("date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(self.get_kind_display())


class ChecklistTemplate(Versioned):
    """A reusable readiness checklist; the built-in ones are installed on first use."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("name (中文)"), max_length=120, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="checklist_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        zh = (get_language() or "").startswith("zh")
        return (self.name_zh if zh and self.name_zh else self.name) or self.name_zh


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("item"), max_length=200)
    text_zh = models.CharField(_("item (中文)"), max_length=200, blank=True)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    blocking = models.BooleanField(_("blocking"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class ReadinessItem(Versioned):
    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    blocking = models.BooleanField(_("blocking"), default=False)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["side", "position", "id"]
        verbose_name = _("readiness item")
        verbose_name_plural = _("readiness items")

    def __str__(self) -> str:
        return self.text


class Vote(TimeStamped):
    """One seat's go or no-go in one review round, with its reason. Never edited: a changed
    mind is a new vote."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveIntegerField()
    seat = models.CharField(_("seat"), max_length=20, choices=Seat.choices)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    go = models.BooleanField(_("go"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.launch_id} {self.seat} {'go' if self.go else 'no-go'}"


class Review(Versioned):
    """After launch: what went well and badly, lessons, and key-result values before/after."""

    launch = models.OneToOneField(Launch, on_delete=models.CASCADE, related_name="review")
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what went badly"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    lessons_html = models.TextField(blank=True, editable=False)
    decisions = models.ManyToManyField(
        "meetings.Decision", blank=True, related_name="launch_reviews", verbose_name=_("decisions")
    )

    class Meta:
        verbose_name = _("post-launch review")
        verbose_name_plural = _("post-launch reviews")

    def __str__(self) -> str:
        return f"review of {self.launch_id}"


class ReviewMetric(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="metrics")
    key_result = models.ForeignKey(
        "goals.KeyResult", on_delete=models.CASCADE, related_name="+", verbose_name=_("key result")
    )
    before = models.FloatField(_("before"), null=True, blank=True)
    after = models.FloatField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key_result"], name="review_metric_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.before} → {self.after}"
