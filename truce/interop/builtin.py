"""Backup declarations of the apps that existed before the backup registry (see registry.py).

An app may move its entry into its own ``truce/<app>/backup.py`` (``BACKUP = [...]``); that
module then replaces the entry here. New apps declare theirs in their own ``backup.py``.
"""

from __future__ import annotations

from truce.accounts.models import AuditEvent, Invitation, Membership
from truce.core.models import ChangeRecord, DomainEvent
from truce.customers.models import Customer, Feedback, SegmentPolicy
from truce.goals.models import (
    CheckIn,
    GoalSettings,
    KeyResult,
    KeyResultLink,
    Objective,
    Period,
    Signature,
)
from truce.interop.registry import Entry
from truce.requirements.models import Criterion, Requirement, Score, Scorecard, Tag
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool
from truce.responsibilities.models import Activity, Assignment, Row

SUBJECT = (("subject_type", "subject_id"),)

BUILTIN: dict[str, list[Entry]] = {
    "accounts": [
        Entry(Membership),
        Entry(Invitation, regenerate=("token_hash",)),
        Entry(AuditEvent),
    ],
    "requirements": [
        Entry(Tag),
        Entry(Scorecard),
        Entry(Criterion),
        Entry(Requirement),
        Entry(Score),
    ],
    "customers": [Entry(SegmentPolicy), Entry(Customer), Entry(Feedback)],
    "goals": [
        Entry(GoalSettings),
        Entry(Period),
        Entry(Objective),
        Entry(KeyResult),
        Entry(CheckIn),
        Entry(KeyResultLink),
        Entry(Signature),
    ],
    "responsibilities": [
        Entry(Activity),
        Entry(Row),
        Entry(Assignment, scope="row__workspace"),
    ],
    "resources": [
        Entry(ResourcePool),
        Entry(Capacity, scope="pool__workspace"),
        Entry(Campaign),
        Entry(Demand, scope="pool__workspace"),
    ],
    "core": [
        Entry(ChangeRecord, generic=SUBJECT),
        Entry(DomainEvent, generic=SUBJECT, slug_links=("url",)),
    ],
}
