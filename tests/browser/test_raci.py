"""The RACI matrix in a real browser: a row saves on change; a second Accountable is refused."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from truce.accounts.models import Membership
from truce.core.access import access_workspace
from truce.requirements import services
from truce.responsibilities.models import Assignment
from truce.responsibilities.services import activities_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page) -> None:
    """htmx wires up a swapped row once it has settled; choose the next letter after that."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_fill_a_row_and_refuse_a_second_accountable(page, alice, olivia, lena, workspace):
    req = services.requirement_create(ctx=access_workspace(alice, "spark"), title="新人礼包")
    release = next(a for a in activities_for(workspace) if a.key == "release")
    ids = {m.user.username: m.pk for m in Membership.objects.select_related("user")}
    sign_in(page, "alice")
    page.goto(f"/w/spark/requirements/{req.number}/raci/")
    row = f"#raci-row-{release.pk}"
    page.select_option(f"{row} #cell-{release.pk}-{ids['alice']}", "A")
    page.locator(f"{row} .field-error").wait_for()  # no R yet: refused, said in the row
    settled(page)
    page.select_option(f"{row} #cell-{release.pk}-{ids['lena']}", "R")
    page.locator(f"{row} .ok").wait_for()
    settled(page)
    assert {a.member_id: a.letter for a in Assignment.objects.all()} == {
        ids["alice"]: "A",
        ids["lena"]: "R",
    }
    page.select_option(f"{row} #cell-{release.pk}-{ids['olivia']}", "A")
    error = page.locator(f"{row} .field-error")
    error.wait_for()
    assert "Only one person can be Accountable" in error.inner_text()
    assert page.input_value(f"{row} #cell-{release.pk}-{ids['olivia']}") == "A"  # kept to fix
    assert not Assignment.objects.filter(member_id=ids["olivia"]).exists()
    page.problems.clear()  # the refusals answer 422 on purpose
    page.goto(f"/w/spark/requirements/{req.number}/")
    assert "Release: Alice" in page.locator(".raci-owners").inner_text()
