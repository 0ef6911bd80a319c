"""Comments on work items, who follows them, and each person's notifications and preferences.

A comment thread is keyed by (subject type, subject id): the type is the subject model's
``model_name`` and the id its primary key, the same pair DomainEvent and ChangeRecord use, so
threads, events and history of one item line up. Which models are commentable is decided in
``truce.discussion.registry``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.models import Versioned


class Category(models.TextChoices):
    """What a notification is about; each person turns categories on or off per channel."""

    MENTION = "mention", _("Someone mentions me")
    COMMENT = "comment", _("Comments on items I own or follow")
    CHANGE = "change", _("Changes to items I own or follow")
    DECISION = "decision", _("Decisions")
    SIGNOFF = "signoff", _("Plan sign-off requests")
    ACTION_ITEM = "action_item", _("Action items for me")


# Defaults when a person has not chosen: in-app always; e-mail for what asks something of them.
EMAIL_BY_DEFAULT = {Category.MENTION, Category.SIGNOFF, Category.ACTION_ITEM}


class CommentQuerySet(models.QuerySet):
    def on(self, subject_type: str, subject_id: int) -> CommentQuerySet:
        return self.filter(subject_type=subject_type, subject_id=subject_id)


class Comment(Versioned):
    """One message in an item's thread. Deleting keeps the row (and a "deleted" marker in the
    thread) so replies that quote it still make sense; only the text is removed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=10000)
    body_html = models.TextField(blank=True, editable=False)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentioned")
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["workspace", "subject_type", "subject_id", "created_at"]),
            # the health dashboard's comments over a time window, newest id and count from the
            # index alone (it scanned the table: 3 reads of 9k rows at the large seed)
            models.Index(
                fields=["workspace", "created_at"], name="comment_ws_time_idx", include=["id"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id}: {self.body[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Follow(models.Model):
    """A person wants to hear about an item: comments and changes. Commenting follows it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_type", "subject_id"], name="follow_once"
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.subject_type}#{self.subject_id}"


class NotificationQuerySet(models.QuerySet):
    def inbox_of(self, user) -> NotificationQuerySet:
        """What the person sees in the inbox: not rows kept only for e-mail, nor anything from
        a workspace they have left."""
        return self.filter(recipient=user, in_app=True, workspace__memberships__user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One event told to one person. Unique per (event, recipient), so a re-dispatched event
    adds nothing; ``emailed_at`` is claimed atomically before the e-mail goes out, so it is
    never sent twice either."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("core.DomainEvent", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    in_app = models.BooleanField(default=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="notification_category_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                condition=Q(in_app=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.event_id}"


class Preferences(Versioned):
    """A person's choices, per category and channel: ``{"mention": {"in_app": true, "email":
    true}, ...}``. A category missing from ``choices`` follows the defaults (see ``wants``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    choices = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}"

    def wants(self, category: str) -> tuple[bool, bool]:
        """(in the inbox, by e-mail) for ``category``."""
        chosen = self.choices.get(category) or {}
        return (
            bool(chosen.get("in_app", True)),
            bool(chosen.get("email", category in EMAIL_BY_DEFAULT)),
        )
