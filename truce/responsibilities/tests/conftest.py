from __future__ import annotations

import pytest

from truce.accounts.models import Membership
from truce.core.access import access_workspace
from truce.requirements.services import requirement_create
from truce.responsibilities.services import activities_for


@pytest.fixture
def ctx(alice, olivia, lena, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def req(ctx):
    return requirement_create(ctx=ctx, title="新人礼包")


@pytest.fixture
def acts(workspace):
    return {a.key: a for a in activities_for(workspace)}


@pytest.fixture
def m(workspace):
    """Membership ids by username, as the matrix columns use them."""
    return {
        ms.user.username: ms.pk
        for ms in Membership.objects.filter(workspace=workspace).select_related("user")
    }
