"""Allocation scenarios, their optimiser runs, and the period plans both sides sign.

A scenario says which requirements and campaigns compete (a filter and hand-picked items), over
which periods, with which weights and fairness floors. Running it persists a ``Run`` that holds
its inputs and every result the pages show (selection, baseline, explanations, Pareto points),
so nothing is solved again to display it. Publishing a run makes it the period's ``PeriodPlan``;
it is agreed when product, operations and a lead sign the plan as it is (its content hash).

Items are named by keys: ``R<number>`` for a requirement, ``C<number>`` for a campaign.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.jobs import JobStates, Tracked
from truce.core.models import Versioned


class SideFilter(models.TextChoices):
    ANY = "", _("Both sides")
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")


class ScenarioQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> ScenarioQuerySet:
        return self.filter(workspace=workspace)


def _weight(label):
    return models.FloatField(
        label, default=1.0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


def _floor(label):
    return models.FloatField(
        label, default=0.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )


class Scenario(Versioned):
    """A named question: which of these candidates do we fund in these periods?"""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    period = models.ForeignKey(
        "goals.Period",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
        verbose_name=_("planning period"),
    )
    horizon = models.JSONField(_("periods"), default=list, blank=True)
    statuses = models.JSONField(_("statuses"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    side = models.CharField(
        _("side"), max_length=20, choices=SideFilter.choices, default="", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    include_campaigns = models.BooleanField(_("include campaigns"), default=True)
    picked = models.JSONField(_("hand-picked items"), default=list, blank=True)
    mandatory = models.JSONField(_("mandatory items"), default=list, blank=True)
    excluded = models.JSONField(_("excluded items"), default=list, blank=True)
    product_weight = _weight(_("weight of product value"))
    operations_weight = _weight(_("weight of operations value"))
    customer_weight = _weight(_("weight of customer demand"))
    product_floor = _floor(_("fairness floor for product"))
    operations_floor = _floor(_("fairness floor for operations"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="scenario_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("run status", "Queued")
    RUNNING = "running", pgettext_lazy("run status", "Running")
    DONE = "done", pgettext_lazy("run status", "Done")
    FAILED = "failed", pgettext_lazy("run status", "Failed")


class Run(Tracked, Versioned):
    """One solve of a scenario: inputs as they were, progress while it runs, and the results.

    ``inputs`` and ``result`` are the JSON documents of truce.planning.engine; ``result`` holds
    the selection (which adopting a Pareto point replaces), the optimal selection, values,
    usage, the greedy baseline, explanations and the Pareto points. A run whose worker was
    killed is marked failed and ``interrupted`` by the reaper (truce.core.jobs), with no
    result; starting the scenario again makes a new run."""

    Status = RunStatus
    job_states = JobStates(
        queued=RunStatus.QUEUED, running=(RunStatus.RUNNING,), failed=RunStatus.FAILED
    )
    job_task = ("truce.planning.tasks.execute_run", "run_id")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(_("number"))
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    # what the pages show besides the item rows (truce.planning.layout), written with result
    summary = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "number"], name="run_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="run_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["scenario", "-id"])]

    def __str__(self) -> str:
        return f"{self.scenario_id} #{self.number}"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def display_error(self) -> str:
        """Why it failed, in the reader's language when the run was interrupted."""
        if self.interrupted:
            return gettext("The worker stopped while this run was in progress; run it again.")
        return self.error


class RunItem(models.Model):
    """One candidate of a finished run as its pages show it (truce.planning.layout): written
    with the run's result and again when it changes, so a page reads the rows it shows (the
    most valuable first, or those a search finds) instead of the run's whole documents."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=12)
    index = models.PositiveIntegerField()  # order in the run's inputs
    position = models.PositiveIntegerField()  # rank by weighted value
    funded = models.BooleanField()
    search = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("run item")
        verbose_name_plural = _("run items")
        constraints = [
            models.UniqueConstraint(fields=["run", "key"], name="run_item_key_unique"),
        ]
        indexes = [models.Index(fields=["run", "funded", "position"])]

    def __str__(self) -> str:
        return f"{self.run_id} {self.key}"


class PeriodPlan(Versioned):
    """The published plan of a planning period: a snapshot of one run's selection.

    Publishing another run (or the same run after adopting another point) replaces the content,
    which changes ``content_hash`` and so reopens the sign-off."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    period = models.OneToOneField(
        "goals.Period", on_delete=models.CASCADE, related_name="plan", verbose_name=_("period")
    )
    scenario = models.ForeignKey(Scenario, null=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey(Run, null=True, on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"))
    applied_hash = models.CharField(max_length=64, blank=True)
    apply_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("period plan")
        verbose_name_plural = _("period plans")

    def __str__(self) -> str:
        return f"{self.period_id} plan"


class PlanSignature(models.Model):
    """A sign-off of a plan's content as it was (``plan_hash`` and the items then). Kept
    forever; it counts only while the plan still hashes the same."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(PeriodPlan, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    capacity = models.CharField(_("signed as"), max_length=20)
    plan_hash = models.CharField(max_length=64)
    items = models.JSONField(default=list)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("plan signature")
        verbose_name_plural = _("plan signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "signer", "plan_hash"], name="one_plan_signature_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} signed by {self.signer_id}"
