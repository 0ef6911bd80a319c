"""Import jobs (upload → column mapping → dry run → commit), the keys of imported items, and
restore jobs (a backup on its way to becoming a new workspace)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.jobs import JobStates, Tracked, keep_files_for
from truce.core.models import TimeStamped


class ImportKind(models.TextChoices):
    REQUIREMENTS = "requirements", _("Requirements")
    CUSTOMERS = "customers", _("Customers")
    FEEDBACK = "feedback", _("Feedback")


class ImportJobQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> ImportJobQuerySet:
        return self.filter(workspace=workspace)


class ImportJob(Tracked, TimeStamped):
    """One uploaded file on its way into a workspace. The run row a page polls: a dry run
    checks every row and keeps the errors; a commit checks again and writes all rows in one
    transaction, or none of them. A process killed while running one leaves it to the reaper
    (truce.core.jobs), which marks it failed and ``interrupted``; it can then run again."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        QUEUED = "queued", _("Waiting for a worker")
        CHECKING = "checking", _("Checking rows")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing was imported")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ImportKind.choices)
    preset = models.CharField(_("preset"), max_length=20, blank=True)
    filename = models.CharField(_("file"), max_length=255)
    file = models.FileField(upload_to="imports/", max_length=255, blank=True)
    file_format = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list, blank=True)
    # {column index (as text): target name}; "tags" may appear on several columns.
    mapping = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.UPLOADED
    )
    committed = models.BooleanField(default=False)
    # what the last start asked for: a commit (True) or a dry run; a retry does the same
    commit_requested = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warning_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    timings = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    job_states = JobStates(
        queued=State.QUEUED, running=(State.CHECKING, State.IMPORTING), failed=State.FAILED
    )
    job_task = ("truce.interop.tasks.run_import", "job_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    @property
    def running(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.CHECKING, self.State.IMPORTING)

    @property
    def can_retry(self) -> bool:
        """Failed without row errors (interrupted, or crashed): the same start can be retried."""
        return self.status == self.State.FAILED and not self.error_count and bool(self.file)

    @property
    def upload_removed(self) -> bool:
        """The kept file was removed (``truce.core.jobs.purge_files``): nothing can run again."""
        return self.status != self.State.DONE and not self.file

    @property
    def display_message(self) -> str:
        """The outcome in words, in the reader's language when the job was interrupted."""
        if self.interrupted and self.upload_removed:
            return gettext(
                "The process running this import stopped before it finished; nothing was "
                "imported. The uploaded file has since been removed: upload it again."
            )
        if self.interrupted:
            return gettext(
                "The process running this import stopped before it finished; nothing was "
                "imported. Run it again."
            )
        if self.upload_removed and not self.message:
            return gettext(
                "The uploaded file has been removed because this import was left unused for "
                "%(days)s days: upload it again."
            ) % {"days": keep_files_for().days}
        return self.message

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress_done / self.rows_total)) if self.rows_total else 0


class RestoreJob(Tracked, TimeStamped):
    """A backup on its way to becoming a new workspace. A small backup is restored inside the
    request that uploads it; a bigger one by the worker while the page polls. The restore is
    one transaction that also marks the job done: a process killed while restoring leaves no
    workspace behind, the reaper marks the job failed and ``interrupted``, and it can run
    again from the stored file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RESTORING = "restoring", _("Restoring")
        DONE = "done", _("Restored")
        FAILED = "failed", _("Nothing was restored")

    # the workspace whose admin started it (its admins see the job); the copy is `restored`
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    file = models.FileField(upload_to="restores/", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    slug = models.SlugField(_("short name"), max_length=50)
    status = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    restored = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)
    errors = models.JSONField(default=dict, blank=True)  # field -> messages of a refusal
    language = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    job_states = JobStates(queued=State.QUEUED, running=(State.RESTORING,), failed=State.FAILED)
    job_task = ("truce.interop.tasks.run_restore", "job_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]
        verbose_name = _("restore")

    @property
    def running(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RESTORING)

    @property
    def can_retry(self) -> bool:
        """Interrupted (or crashed) with the file still here: the same restore can run again."""
        return self.status == self.State.FAILED and bool(self.file)

    @property
    def display_message(self) -> str:
        if self.interrupted and not self.file:
            return gettext(
                "The process running this restore stopped before it finished; nothing was "
                "restored. The uploaded backup has since been removed: upload it again."
            )
        if self.interrupted:
            return gettext(
                "The process running this restore stopped before it finished; nothing was "
                "restored. Run it again."
            )
        return self.message

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress_done / self.rows_total)) if self.rows_total else 0


class ExternalKey(models.Model):
    """The key an item had in the tool it came from (a Jira issue key, a ZenTao story id), so
    importing the same export twice is refused instead of doubling the pool."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    requirement = models.ForeignKey(
        "requirements.Requirement", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "key"], name="external_key_unique"
            )
        ]
        verbose_name = _("external key")
        verbose_name_plural = _("external keys")

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"
