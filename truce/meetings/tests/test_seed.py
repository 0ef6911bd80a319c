import pytest
from django.utils import timezone

from truce.accounts.models import Workspace
from truce.meetings.models import ActionItem, AgendaItem, Decision, Meeting, MeetingSeries
from truce.seed import seed_demo


@pytest.mark.django_db
def test_demo_meetings_tell_the_story_and_seed_is_idempotent():
    seed_demo()
    counts = (MeetingSeries.objects.count(), Meeting.objects.count(), ActionItem.objects.count())
    seed_demo()
    assert (MeetingSeries.objects.count(), Meeting.objects.count(), ActionItem.objects.count()) == (
        counts
    )
    spark = Workspace.objects.get(slug="spark")
    today = timezone.localdate()
    series = MeetingSeries.objects.get(workspace=spark, title="产品运营周会")
    past = Meeting.objects.get(series=series, status="done")
    assert "结论" in past.minutes_html and past.attendance.filter(presence="late").exists()
    decision = Decision.objects.get(meeting=past)
    assert decision.product_position and decision.operations_position
    assert decision.requirements.get().contested
    assert ActionItem.objects.filter(meeting=past).count() == 2
    assert ActionItem.objects.overdue(today).filter(meeting=past).count() == 1
    upcoming = Meeting.objects.filter(series=series, date__gt=today).order_by("date").first()
    sources = set(AgendaItem.objects.filter(meeting=upcoming).values_list("source", flat=True))
    assert {"contested", "key_results", "overdue"} <= sources
    northwind = Workspace.objects.get(slug="northwind")
    assert MeetingSeries.objects.get(workspace=northwind).title == "Weekly product & growth sync"
