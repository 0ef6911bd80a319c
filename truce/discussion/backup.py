"""What discussion keeps in a workspace backup (see truce/interop/registry.py).

Comments and follows name their item by (subject type, subject id), remapped on restore like
a foreign key; the people a comment mentions are kept by username. Notifications are kept too
(read and unread, with the time each was e-mailed, so a restored inbox reads the same and
nothing is e-mailed again); they point at the workspace's domain events, so they are
restored after them. Per-person notification preferences belong to the user, not to a
workspace, and are not part of any workspace backup.
"""

from __future__ import annotations

from truce.discussion.models import Comment, Follow, Notification
from truce.interop.registry import Entry

SUBJECT = (("subject_type", "subject_id"),)

BACKUP = [
    Entry(Comment, generic=SUBJECT),
    Entry(Follow, generic=SUBJECT),
    Entry(Notification),
]
