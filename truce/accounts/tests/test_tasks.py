import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus

from truce.accounts.tasks import send_email


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_database_queue_and_worker_deliver_mail(settings):
    """The real backend: enqueue writes a row; the worker command picks it up and runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_email.enqueue(subject="早上好", body="body", to=["a@example.com"])
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mail.outbox] == ["早上好"]
