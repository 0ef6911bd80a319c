"""Audit retention (ASVS 8.3.8): with TRUCE_AUDIT_KEEP_DAYS set, events older than that go
(worker, hourly, or the command), and the expiry itself is on record; at 0 nothing goes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from truce.accounts.models import AppendOnly, AuditAction, AuditEvent
from truce.accounts.services import audit, audit_expire
from truce.core import jobs


def _event_days_ago(days: int, user) -> AuditEvent:
    when = timezone.now() - timedelta(days=days)
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit(action=AuditAction.SIGNED_IN, actor=user, target=user)


def test_old_events_go_and_the_expiry_is_recorded(alice):
    old, edge, recent = (_event_days_ago(d, alice) for d in (400, 364, 10))
    assert audit_expire(days=0) == 0 and AuditEvent.objects.count() == 3
    assert audit_expire(days=365) == 1
    left = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in left and {edge.pk, recent.pk} <= left
    expired = AuditEvent.objects.get(action=AuditAction.AUDIT_EXPIRED)
    assert expired.data == {"deleted": 1, "days": 365}
    assert audit_expire(days=365) == 0  # nothing more: nothing recorded either
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPIRED).count() == 1
    with pytest.raises(AppendOnly):  # the usual way still refuses
        AuditEvent.objects.all().delete()


@override_settings(TRUCE_AUDIT_KEEP_DAYS=90)
def test_the_worker_and_the_command_expire_by_the_setting(alice):
    _event_days_ago(100, alice)
    jobs.purge_pass()
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNED_IN).exists()
    _event_days_ago(50, alice)
    out = StringIO()
    call_command("expire_audit", "--days", "30", stdout=out)
    assert "Deleted 1 audit events" in out.getvalue()
    with pytest.raises(CommandError, match="at least 30"):
        call_command("expire_audit", "--days", "7")


@override_settings(TRUCE_AUDIT_KEEP_DAYS=0)
def test_by_default_nothing_goes(alice):
    _event_days_ago(3000, alice)
    jobs.purge_pass()
    call_command("expire_audit", stdout=StringIO())
    assert AuditEvent.objects.filter(action=AuditAction.SIGNED_IN).count() == 1


def test_the_log_pages_say_how_long_entries_are_kept(admin, workspace, as_user):
    client = as_user(admin)
    with override_settings(TRUCE_AUDIT_KEEP_DAYS=365):
        page = client.get(reverse("accounts:audit", args=[workspace.slug])).content.decode()
        assert "Entries are kept for 365 days, then deleted automatically." in page
        admin.language = "zh-hans"
        admin.save(update_fields=["language"])
        page = client.get(reverse("accounts:security")).content.decode()
        assert "记录保留 365 天，之后自动删除。" in page
    page = client.get(reverse("accounts:security")).content.decode()
    assert 'id="audit-retention"' not in page


def test_a_setting_under_30_days_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="truce.settings", TRUCE_DATA_DIR=str(tmp_path),
        TRUCE_AUDIT_KEEP_DAYS="7",
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", "import truce.settings"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "TRUCE_AUDIT_KEEP_DAYS must be 0" in done.stderr
