"""Responsibilities (RACI): activity templates, one row per activity of a work item, and cells.

Work items. A row points at its work item with one nullable foreign key per item type
(``requirement`` now; ``campaign`` and ``launch`` when those apps exist) and a check constraint
that exactly one is set. Real foreign keys keep what a generic (type, id) pair would lose:
cascading deletes, joins for the report in one query, and integrity in the database. Adding a
type is one nullable column, one term in ``row_has_one_subject`` and one unique constraint.

Rules. The pure rules are truce/domain/raci.py; the database holds the ones it can: one
Accountable per row (a conditional unique constraint) and one letter per person per row.
"At least one Responsible" spans several rows of ``Assignment``, so the service checks it when
it saves a whole row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Membership, Workspace
from truce.core.models import Versioned
from truce.domain import raci


class WorkType(models.TextChoices):
    FEATURE = raci.WorkType.FEATURE.value, pgettext_lazy("RACI work type", "Feature")
    CAMPAIGN = raci.WorkType.CAMPAIGN.value, _("Campaign")
    LAUNCH = raci.WorkType.LAUNCH.value, _("Launch")


class Letter(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class Activity(Versioned):
    """One step of a work type's template (需求评审, 开发, 推广…) with each side's usual letters."""

    WorkType = WorkType

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activities")
    work_type = models.CharField(_("work type"), max_length=20, choices=WorkType.choices)
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (中文)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    default_product = models.CharField(_("product side usually"), max_length=4, blank=True)
    default_operations = models.CharField(_("operations side usually"), max_length=4, blank=True)

    class Meta:
        ordering = ["work_type", "position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "work_type", "key"], name="activity_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(work_type__in=WorkType.values), name="activity_work_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name


class Row(Versioned):
    """One activity of one work item. Its version guards concurrent edits of the row's cells."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="rows")
    requirement = models.ForeignKey(
        "requirements.Requirement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="raci_rows",
    )

    class Meta:
        verbose_name = _("RACI row")
        verbose_name_plural = _("RACI rows")
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__isnull=False), name="row_has_one_subject"
            ),
            models.UniqueConstraint(
                fields=["requirement", "activity"],
                condition=Q(requirement__isnull=False),
                name="row_unique_per_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id}/{self.activity_id} v{self.version}"

    @property
    def etag(self) -> str:
        # Keyed by the activity, so a row that does not exist yet (version 0) has one too.
        return row_etag(self.activity_id, self.version)


def row_etag(activity_id: int, version: int) -> str:
    return f'W/"{activity_id}-{version}"'


class Assignment(models.Model):
    """One cell of the matrix: a member's letter for one row."""

    Letter = Letter

    row = models.ForeignKey(Row, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(_("role"), max_length=1, choices=Letter.choices)

    class Meta:
        ordering = ["row", "letter", "member"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["row", "member"], name="one_letter_per_member"),
            models.UniqueConstraint(
                fields=["row"], condition=Q(letter="A"), name="one_accountable_per_row"
            ),
            models.CheckConstraint(
                condition=Q(letter__in=Letter.values), name="assignment_letter_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row_id}: {self.member_id}={self.letter}"
