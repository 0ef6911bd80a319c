"""What meetings keeps in a workspace backup (see truce/interop/registry.py).

Series (attendees by username), meetings, attendance, decisions, action items and agenda
items. Decisions are immutable (``save`` refuses existing rows, a trigger refuses UPDATEs):
restore only INSERTs them. A decision supersedes an earlier one, and the archive inserts a
key to an earlier row of the same model directly (see truce/interop/archive.py), so the
``supersedes`` one-to-one never needs the UPDATE pass.

Generated agenda items carry ids in their key ("keyresult:4", "action:7", "pool:2:…",
"conflict:3", "launch:1") and some in their link (key results, action items, pools): both are
remapped on restore, so a frozen agenda links to the restored items and a live one merges
with its sources as before. Requirements are keyed and linked by number, stable per
workspace. Links also carry the workspace slug, rewritten to the new one.

Calendar feeds are not here: a feed is a user's (one per person, across workspaces) and its
token hash is unique; it has no path to a workspace, so it is in no workspace backup.
"""

from __future__ import annotations

from truce.interop.registry import Entry
from truce.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSeries,
)

AGENDA_REFS = (
    ("key", "keyresult:", "goals.keyresult"),
    ("key", "action:", "meetings.actionitem"),
    ("key", "pool:", "resources.resourcepool"),
    ("key", "conflict:", "conflicts.conflict"),
    ("key", "launch:", "launches.launch"),
    ("link", "/w/*/goals/key-results/", "goals.keyresult"),
    ("link", "/w/*/actions/", "meetings.actionitem"),
    ("link", "/w/*/resources/", "resources.resourcepool"),
)

BACKUP = [
    Entry(MeetingSeries),
    Entry(Meeting),
    Entry(Attendance, scope="meeting__workspace"),
    Entry(Decision),
    Entry(ActionItem),
    Entry(AgendaItem, scope="meeting__workspace", slug_links=("link",), id_refs=AGENDA_REFS),
]
