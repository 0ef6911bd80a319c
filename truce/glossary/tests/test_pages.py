"""Jargon is explained where people read: requirement descriptions, comments, campaigns."""

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.glossary import services
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_operations_jargon_in_a_requirement_is_explained_to_product(alice, admin, workspace):
    services.starter_import(ctx=access_workspace(admin, workspace.slug))
    r = requirement_create(
        ctx=access_workspace(alice, workspace.slug),
        title="裂变活动",
        description="靠**裂变**提升拉新，关注留存率。",
    )
    page = client_for(alice).get(reverse("requirements:detail", args=["spark", r.number]))
    html = page.content.decode()
    prose = html[html.index('<div class="prose">') :]
    assert 'class="gl-mark' in prose and "gl-pop" in prose
