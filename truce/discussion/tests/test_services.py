from __future__ import annotations

import pytest

from truce.core.access import access_workspace
from truce.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
)
from truce.core.models import DomainEvent
from truce.discussion import registry, services
from truce.discussion.access import access_comment, access_subject
from truce.discussion.models import Comment, Follow

pytestmark = pytest.mark.django_db


def test_comment_renders_markdown_mentions_members_and_follows(ctx, req, olivia):
    c = services.comment_create(
        ctx=ctx, subject=req, body="**注意** @olivia 看看 <script>x</script> @charlie"
    )
    assert "<strong>注意</strong>" in c.body_html and "<script>" not in c.body_html
    assert '<span class="mention">@olivia</span>' in c.body_html
    assert list(c.mentioned.all()) == [olivia]  # charlie is not a member here
    assert Follow.objects.filter(user=ctx.membership.user, subject_id=req.pk).exists()
    event = DomainEvent.objects.get(kind="comment.created")
    assert event.subject_type == "requirement" and event.subject_id == req.pk
    assert event.data["mentioned"] == [olivia.pk]
    assert event.data["subject"] == f"requirement:{req.number}"
    assert event.url.endswith(f"/requirements/{req.number}/?comment={c.pk}#comment-{c.pk}")


def test_key_results_have_threads_too(ctx, kr):
    c = services.comment_create(ctx=ctx, subject=kr, body="本周复购率上升")
    assert c.subject_type == "keyresult"
    assert registry.entry_for(kr).ref(kr) == f"keyresult:{kr.pk}"


def test_empty_or_huge_comment_is_refused(ctx, req):
    with pytest.raises(ValidationFailed) as exc:
        services.comment_create(ctx=ctx, subject=req, body="   ")
    assert "body" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.comment_create(ctx=ctx, subject=req, body="x" * 10001)


def test_viewer_cannot_comment(victor, req):
    with pytest.raises(PermissionDenied):
        services.comment_create(ctx=access_workspace(victor, "spark"), subject=req, body="hi")


def test_only_the_author_edits_and_versions_are_checked(ctx, octx, req, olivia, lena):
    c = services.comment_create(ctx=ctx, subject=req, body="first")
    with pytest.raises(PermissionDenied):
        services.comment_update(ctx=octx, comment=c, body="hijack", expected_version=1)
    services.comment_update(ctx=ctx, comment=c, body="@olivia second", expected_version=1)
    assert c.version == 2 and c.edited_at is not None
    with pytest.raises(PreconditionFailed):
        services.comment_update(ctx=ctx, comment=c, body="third", expected_version=1)
    services.comment_update(ctx=ctx, comment=c, body="@olivia @lena third", expected_version=2)
    edits = DomainEvent.objects.filter(kind="comment.edited").order_by("id")
    # each edit announces only the people it newly mentions
    assert [e.data["mentioned"] for e in edits] == [[olivia.pk], [lena.pk]]


def test_delete_keeps_a_marker_and_admins_may_delete(ctx, octx, req, admin):
    mine = services.comment_create(ctx=ctx, subject=req, body="@olivia 草稿")
    theirs = services.comment_create(ctx=octx, subject=req, body="运营意见")
    with pytest.raises(PermissionDenied):
        services.comment_delete(ctx=octx, comment=mine, expected_version=mine.version)
    services.comment_delete(ctx=ctx, comment=mine, expected_version=1)
    mine.refresh_from_db()
    assert mine.is_deleted and mine.body == "" and not mine.mentioned.exists()
    with pytest.raises(Conflict):
        services.comment_update(ctx=ctx, comment=mine, body="again", expected_version=2)
    admin_ctx = access_workspace(admin, "spark")
    services.comment_delete(ctx=admin_ctx, comment=theirs, expected_version=1)
    assert Comment.objects.filter(deleted_at__isnull=False).count() == 2


def test_follow_and_unfollow(octx, req, victor):
    services.follow_set(ctx=octx, subject=req, follow=True)
    services.follow_set(ctx=octx, subject=req, follow=True)
    assert Follow.objects.filter(subject_id=req.pk).count() == 1
    services.follow_set(ctx=octx, subject=req, follow=False)
    assert not Follow.objects.exists()
    services.follow_set(ctx=access_workspace(victor, "spark"), subject=req, follow=True)
    assert Follow.objects.filter(user=victor).exists()  # viewers may follow


def test_preferences_merge_validate_and_check_versions(alice):
    prefs = services.preferences_for(alice)
    assert prefs.wants("mention") == (True, True) and prefs.wants("comment") == (True, False)
    services.preferences_update(
        user=alice, choices={"comment": {"email": True}}, expected_version=prefs.version
    )
    prefs.refresh_from_db()
    assert prefs.wants("comment") == (True, True) and prefs.wants("mention") == (True, True)
    with pytest.raises(PreconditionFailed):
        services.preferences_update(user=alice, choices={}, expected_version=1)
    with pytest.raises(ValidationFailed):
        services.preferences_update(user=alice, choices={"spam": {}}, expected_version=2)


def test_subjects_and_comments_are_scoped_to_the_workspace(ctx, req, charlie, other_workspace):
    c = services.comment_create(ctx=ctx, subject=req, body="内部讨论")
    with pytest.raises(NotFound):
        access_subject(charlie, "spark", "requirement", req.number)
    with pytest.raises(NotFound):
        access_subject(charlie, "northwind", "requirement", req.number)
    with pytest.raises(NotFound):
        access_comment(charlie, "northwind", c.pk)
    with pytest.raises(NotFound):
        access_subject(ctx.membership.user, "spark", "nonsense", 1)


def test_parse_ref():
    assert registry.parse_ref("requirement:12") == ("requirement", 12)
    for bad in ("requirement", "requirement:x", "unknown:1", ":1", "requirement:-1", ""):
        with pytest.raises(NotFound):
            registry.parse_ref(bad)
