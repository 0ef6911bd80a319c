import io

import pytest

from truce import cli
from truce.accounts.models import Membership, User, Workspace
from truce.core.progress import Progress


@pytest.mark.django_db
def test_seed_is_idempotent_and_creates_personas(capsys):
    assert cli.main(["seed"]) == 0
    assert cli.main(["seed"]) == 0
    assert Workspace.objects.filter(slug__in=["spark", "northwind"]).count() == 2
    roles = dict(
        Membership.objects.filter(workspace__slug="spark").values_list("user__username", "role")
    )
    assert roles == {
        "admin": "admin",
        "alice": "product",
        "olivia": "operations",
        "lena": "lead",
        "victor": "viewer",
    }
    assert User.objects.get(username="alice").language == "zh-hans"
    from truce.customers.models import Feedback
    from truce.requirements.models import Requirement

    spark = Requirement.objects.filter(workspace__slug="spark")
    assert spark.filter(contested=True).count() >= 2  # the demo shows the two sides disagreeing
    assert spark.filter(demand_customers__gt=0).exists()
    assert Feedback.objects.filter(status="new").exists()  # something waits for triage
    from truce.goals.models import Signature

    assert Signature.objects.filter(period__workspace__slug="spark").count() == 3
    assert "Seeding" in capsys.readouterr().err


@pytest.mark.django_db
def test_createadmin_with_workspace(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-very-good-password-1\n"))
    assert cli.main(["createadmin", "boss", "--workspace", "运营中心", "--password-stdin"]) == 0
    m = Membership.objects.get(user__username="boss")
    assert m.role == "admin" and m.workspace.name == "运营中心"
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    assert cli.main(["createadmin", "weak", "--password-stdin"]) == 2
    assert "error" in capsys.readouterr().err
    assert not User.objects.filter(username="weak").exists()


def test_progress_bar_reports_counts():
    out = io.StringIO()
    with Progress("Importing", 3, stream=out) as bar:
        for _ in range(3):
            bar.advance()
    assert out.getvalue().startswith("Importing: 3/3 in ")


def test_parser_lists_every_command():
    parser = cli.build_parser()
    help_text = parser.format_help()
    for command in ["demo", "serve", "worker", "seed", "createadmin", "nrp", "manage"]:
        assert command in help_text
