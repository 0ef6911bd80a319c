import pytest

from truce.accounts.models import Workspace
from truce.responsibilities.models import Assignment, Row
from truce.responsibilities.selectors import workspace_report
from truce.seed import seed_demo


@pytest.mark.django_db
def test_demo_raci_fills_matrices_leaves_a_gap_and_is_idempotent():
    seed_demo()
    rows, letters = Row.objects.count(), Assignment.objects.count()
    seed_demo()
    assert (Row.objects.count(), Assignment.objects.count()) == (rows, letters)
    spark = Workspace.objects.get(slug="spark")
    report = workspace_report(spark, 5)
    assert Row.objects.filter(workspace=spark).count() >= 3 * 8
    assert report["gap_count"] > 0  # the demo's fourth requirement still needs owners
    assert report["handoff_count"] > 0
    for row in Row.objects.filter(workspace=spark).prefetch_related("assignments"):
        assert [a.letter for a in row.assignments.all()].count("A") <= 1
