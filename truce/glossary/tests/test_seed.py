from __future__ import annotations

import pytest

from truce.glossary.models import Term
from truce.glossary.seed import OWN_TERMS, seed
from truce.glossary.starter import STARTER

pytestmark = pytest.mark.django_db


def test_demo_seed_loads_the_starter_and_own_terms_once(workspace, admin, alice, victor):
    users = {"admin": admin, "alice": alice, "victor": victor}
    seed(workspace, {"language": "zh-hans"}, users)
    seed(workspace, {"language": "zh-hans"}, users)
    assert Term.objects.count() == len(STARTER) + len(OWN_TERMS["zh-hans"])
    assert Term.objects.filter(term_zh="星火日", side="operations").exists()


def test_demo_seed_skips_a_workspace_without_admin_or_lead(other_workspace):
    seed(other_workspace, {"language": "en"}, {})
    assert not Term.objects.exists()
