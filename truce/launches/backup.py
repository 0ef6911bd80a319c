"""What launches keeps in a workspace backup (see truce/interop/registry.py): launches with
their scope (requirements) and campaigns, milestones, readiness checklists, every vote of
every review round, post-launch reviews with their key-result values, and the workspace's
checklist templates."""

from __future__ import annotations

from truce.interop.registry import Entry
from truce.launches.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Launch,
    Milestone,
    ReadinessItem,
    Review,
    ReviewMetric,
    Vote,
)

BACKUP = [
    Entry(ChecklistTemplate),
    Entry(ChecklistTemplateItem, scope="template__workspace"),
    Entry(Launch),
    Entry(Milestone, scope="launch__workspace"),
    Entry(ReadinessItem, scope="launch__workspace"),
    Entry(Vote, scope="launch__workspace"),
    Entry(Review, scope="launch__workspace"),
    Entry(ReviewMetric, scope="review__launch__workspace"),
]
