"""Abstract bases shared by every app: timestamps, optimistic versions, workspace scope."""

from __future__ import annotations

from contextlib import suppress
from typing import NamedTuple

from django.db import models
from django.db.models import F, OrderBy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from truce.core.errors import PreconditionFailed


class NullsLastIndex(models.Index):
    """An index whose descending columns put NULLs last, as the list sorts do
    (``F(...).desc(nulls_last=True)``). PostgreSQL needs that said in the index or it cannot
    walk it for such an order; SQLite already puts NULLs last when descending and rejects the
    clause in an index, so there it is left out."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            plain = [
                OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
                for e in self.expressions
            ]
            index = models.Index(*plain, name=self.name, condition=self.condition)
            return index.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(TimeStamped):
    """Optimistic concurrency: every write bumps ``version``; a stale writer is refused."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'W/"{self.pk}-{self.version}"'

    def save_versioned(self, *, expected_version: int | None, update_fields: list[str]) -> None:
        """Save ``update_fields`` only if the row still has ``expected_version``.

        The check and the write are one UPDATE, so two concurrent writers cannot both win.
        """
        manager = type(self)._default_manager
        row = manager.filter(pk=self.pk)
        if expected_version is not None:
            row = row.filter(version=expected_version)
        values = {name: getattr(self, name) for name in update_fields}
        if "updated_at" in {f.name for f in self._meta.fields}:
            from django.utils import timezone

            self.updated_at = timezone.now()
            values["updated_at"] = self.updated_at
        if row.update(version=F("version") + 1, **values) == 0:
            raise PreconditionFailed(current=manager.filter(pk=self.pk).first())
        self.version = (expected_version or self.version) + 1
        if expected_version is None:
            self.refresh_from_db(fields=["version"])


class ChangeRecord(models.Model):
    """One change to a work item: who, what, before and after. Written by services only."""

    class Verb(models.TextChoices):
        CREATED = "created", pgettext_lazy("history verb", "created")
        UPDATED = "updated", _("changed")
        STATUS = "status", _("moved")
        SCORED = "scored", _("scored")
        LINKED = "linked", _("linked")
        UNLINKED = "unlinked", _("unlinked")
        DELETED = "deleted", _("deleted")

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    verb = models.CharField(_("what"), max_length=20, choices=Verb.choices)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-created_at"]),
            # one kind of change over a time window (the health dashboard's decisions); with
            # the id (PostgreSQL: INCLUDE; SQLite indexes carry the rowid anyway) the dashboard's
            # newest-id and "added since" counts read the index alone (18 -> 3 ms at 18k moves)
            models.Index(
                fields=["workspace", "subject_type", "verb", "created_at"],
                name="change_ws_kind_time_idx",
                include=["id"],
            ),
        ]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.verb}"

    def labelled_changes(self) -> list[FieldChange]:
        """``changes`` with each key shown as its field's translated name (keys that are not
        model fields, like "RACI · Build", are already labels)."""
        from django.apps import apps
        from django.core.exceptions import FieldDoesNotExist
        from django.utils.text import capfirst

        model = next(
            (m for m in apps.get_models() if m._meta.model_name == self.subject_type), None
        )
        out = []
        for key, pair in self.changes.items():
            label = key
            if model is not None:
                with suppress(FieldDoesNotExist):
                    name = getattr(model._meta.get_field(key), "verbose_name", None)
                    label = capfirst(name) if name else key  # a reverse relation has none
            old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            out.append(FieldChange(key, str(label), old, new))
        return out


class FieldChange(NamedTuple):
    key: str
    label: str
    old: object
    new: object


class DomainEvent(models.Model):
    """Something that happened in a workspace, recorded in the same transaction as the change.

    ``truce.core.events.emit`` writes it; after commit a task hands it to every subscriber
    (in-app notifications, chat robots, outgoing webhooks). Subscribers keep their own
    delivery records keyed by the event id, so a retried dispatch never sends twice.
    """

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=64)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"
