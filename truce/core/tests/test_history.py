import pytest
from django.utils import translation

from truce.core.access import access_workspace
from truce.core.history import history_of
from truce.requirements.services import requirement_create, requirement_update


@pytest.mark.django_db
def test_history_shows_field_names_in_the_readers_language(alice, workspace, client):
    ctx = access_workspace(alice, workspace.slug)
    r = requirement_create(ctx=ctx, title="灰度发布")
    requirement_update(ctx=ctx, requirement=r, expected_version=r.version, estimate_days=3)
    change = next(h for h in history_of(r) if h.changes)
    (c,) = [c for c in change.labelled_changes() if c.key == "estimate_days"]
    assert (c.old, c.new) == (None, "3")
    assert c.label == "Estimate (person-days)"
    with translation.override("zh-hans"):
        assert next(x for x in change.labelled_changes() if x.key == "estimate_days").label != (
            "estimate_days"
        )
    client.force_login(alice)
    page = client.get(f"/w/{workspace.slug}/requirements/{r.number}/").content.decode()
    assert "Estimate (person-days)" in page and "<code>estimate_days</code>" not in page
