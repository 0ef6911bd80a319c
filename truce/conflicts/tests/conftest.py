from __future__ import annotations

import pytest

from truce.core.access import access_workspace
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def contested(ctx):
    """A requirement the two lenses disagree on (set directly: scoring has its own tests)."""
    r = requirement_create(ctx=ctx, title="推送频控")
    Requirement.objects.filter(pk=r.pk).update(
        contested=True,
        product_score=8.0,
        operations_score=2.0,
        contest_reasons=[{"code": "gap", "message_en": "Lenses differ by 6.0",
                          "message_zh": "两个视角相差 6.0"}],
    )  # fmt: skip
    r.refresh_from_db()
    return r
