"""Sync meetings (series, meetings, agenda, attendance), decisions, action items, iCal feeds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.accounts.models import Workspace
from truce.core.errors import Conflict
from truce.core.models import TimeStamped, Versioned


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every other week")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MeetingSeries(Versioned):
    """A regular sync: who meets, on which weekday, at what time, how often."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="meeting_series"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("purpose"), blank=True)
    cadence = models.CharField(
        _("how often"), max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    starts_on = models.DateField(_("first day"))
    until = models.DateField(_("last day"), null=True, blank=True)
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meeting_series", verbose_name=_("attendees")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="series_cadence_valid"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("meeting", "in progress")
    DONE = "done", pgettext_lazy("meeting", "done")


class MeetingQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> MeetingQuerySet:
        return self.filter(workspace=workspace)

    def attended_by(self, user) -> MeetingQuerySet:
        return self.filter(attendance__user=user)


class Meeting(Versioned):
    """One meeting of a series: its agenda, minutes and attendance. The agenda is generated
    from live data and frozen when the meeting starts."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_html = models.TextField(blank=True, editable=False)
    agenda_refreshed_at = models.DateTimeField(_("agenda generated"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="one_meeting_per_series_day"),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.series.title} · {self.date:%Y-%m-%d}"

    @property
    def agenda_frozen(self) -> bool:
        return self.status != MeetingStatus.SCHEDULED


class Severity(models.TextChoices):
    INFO = "info", _("info")
    WARNING = "warning", _("warning")
    CRITICAL = "critical", _("critical")


class AgendaItem(TimeStamped):
    """A point on a meeting's agenda: generated by a source (``source``/``key``) or added by
    hand (``source`` "manual"). Position orders the agenda."""

    MANUAL = "manual"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=40)
    key = models.CharField(max_length=80, blank=True)
    text = models.CharField(_("item"), max_length=500)
    link = models.CharField(max_length=500, blank=True)
    side = models.CharField(_("side"), max_length=20, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.text

    @property
    def manual(self) -> bool:
        return self.source == self.MANUAL


class Presence(models.TextChoices):
    UNKNOWN = "", _("not recorded")
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    LATE = "late", _("late")


class Attendance(models.Model):
    """An attendee of a meeting and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    presence = models.CharField(
        _("attendance"), max_length=10, choices=Presence.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_user"),
            models.CheckConstraint(
                condition=Q(presence__in=Presence.values), name="attendance_presence_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}: {self.presence}"


class DecisionQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> DecisionQuerySet:
        return self.filter(workspace=workspace)

    def current(self) -> DecisionQuerySet:
        return self.filter(superseded_by__isnull=True)


class Decision(models.Model):
    """A decision as recorded: never changed afterwards. A later decision may supersede it.

    Immutability holds at three levels: there is no update service or endpoint, ``save``
    refuses an existing row, and a database trigger refuses UPDATEs of the recorded fields
    (migration 0002)."""

    IMMUTABLE_FIELDS = (
        "number",
        "question",
        "options",
        "product_position",
        "product_rationale",
        "operations_position",
        "operations_rationale",
        "outcome",
        "rationale",
        "decided_at",
        "supersedes_id",
    )

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    question = models.CharField(_("question"), max_length=300)
    options = models.JSONField(_("options"), default=list, blank=True)
    product_position = models.TextField(_("product position"))
    product_rationale = models.TextField(_("product rationale"), blank=True)
    operations_position = models.TextField(_("operations position"))
    operations_rationale = models.TextField(_("operations rationale"), blank=True)
    outcome = models.TextField(_("decision"))
    rationale = models.TextField(_("why"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("meeting"),
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    requirements = models.ManyToManyField(
        "requirements.Requirement", blank=True, related_name="decisions"
    )
    key_results = models.ManyToManyField("goals.KeyResult", blank=True, related_name="decisions")
    campaigns = models.ManyToManyField("resources.Campaign", blank=True, related_name="decisions")
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="decision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"D{self.number} {self.question}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise Conflict(
                _("A recorded decision cannot be changed; record a new one that supersedes it.")
            )
        super().save(*args, **kwargs)

    @property
    def ref(self) -> str:
        return f"D{self.number}"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item", "open")
    DONE = "done", pgettext_lazy("action item", "done")
    CANCELLED = "cancelled", pgettext_lazy("action item", "cancelled")


class ActionItemQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> ActionItemQuerySet:
        return self.filter(workspace=workspace)

    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def overdue(self, today) -> ActionItemQuerySet:
        return self.open().filter(due__lt=today)


class ActionItem(Versioned):
    """Something someone promised to do by a date, from a meeting or a decision."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("meeting"),
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("decision"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "due"]),
            models.Index(fields=["owner", "status", "due"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == ActionStatus.OPEN and self.due < today


class CalendarFeed(TimeStamped):
    """A user's secret calendar URL: only a hash of the token is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
