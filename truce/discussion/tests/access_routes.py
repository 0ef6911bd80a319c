"""Access-matrix entries of discussion: see tests/test_access_matrix.py."""

from __future__ import annotations

PAGES: dict = {
    "discussion:comment_create": ("write", "post"),
    "discussion:comment_edit": ("write", "post"),
    "discussion:comment_delete": ("write", "post"),
    "discussion:thread": ("read", "get"),  # more of a thread, for htmx
    "discussion:follow": ("read", "post"),  # following changes only what the follower is told
    "discussion:mention_suggestions": ("read", "get"),
    "discussion:activity": ("read", "get"),
    "discussion:inbox": ("user", "get"),
    "discussion:read": ("user", "post"),  # someone else's notification is a 404 (tested)
    "discussion:read_all": ("user", "post"),
    "discussion:preferences": ("user", "get"),
}
W = "/api/v1/workspaces/{slug}"
OPERATIONS: dict = {
    f"GET {W}/comments": "read",
    f"POST {W}/comments": "write",
    f"GET {W}/comments/{{comment_id}}": "read",
    f"PATCH {W}/comments/{{comment_id}}": "write",
    f"DELETE {W}/comments/{{comment_id}}": "write",
    f"PUT {W}/following": "read",
    f"GET {W}/mention-suggestions": "read",
    f"GET {W}/activity": "read",
    "GET /api/v1/inbox": "user",
    "POST /api/v1/inbox/{notification_id}/read": "user",
    "POST /api/v1/inbox/read-all": "user",
    "GET /api/v1/notification-preferences": "user",
    "PUT /api/v1/notification-preferences": "user",
}


def world(ctx, base: dict) -> dict:
    """A comment by the admin mentioning alice on the requirement of the shared world, and
    alice's notification of it."""
    from truce.discussion import notify, services
    from truce.discussion.models import Notification
    from truce.requirements.models import Requirement

    req = Requirement.objects.get(workspace=ctx.workspace, number=base["number"])
    comment = services.comment_create(ctx=ctx, subject=req, body="@alice 请看")
    event = comment_event(comment)
    notify.notify_users(event, comment.mentioned.all(), "mention", email=False)
    notification = Notification.objects.get(event=event)
    return {
        "subject_type": "requirement",
        "subject_key": req.number,
        "comment_id": comment.pk,
        "notification_id": notification.pk,
    }


def comment_event(comment):
    from truce.core.models import DomainEvent

    return DomainEvent.objects.filter(kind="comment.created", data__comment_id=comment.pk).get()


def valid_body(op: str) -> dict | None:
    if op.endswith("/comments") and op.startswith("POST"):
        return {"subject": "requirement:1", "body": "x"}
    if "/comments/" in op:
        return {"body": "x"}
    if op.endswith("/following"):
        return {"subject": "requirement:1", "follow": True}
    if op.endswith("/notification-preferences"):
        return {"choices": {"mention": {"in_app": True, "email": False}}}
    return None
