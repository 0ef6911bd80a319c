import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.templatetags.nav import GROUPS

pytestmark = pytest.mark.django_db


def test_every_module_is_in_the_navigation_and_marks_its_group(admin, victor):
    page = client_for(admin).get(reverse("launches:list", args=["spark"])).content.decode()
    for _label, links in GROUPS:
        for link in links:
            assert f'href="{reverse(link.url_name, args=["spark"])}"' in page, link.url_name
    nav = page[page.index('<nav class="mainnav"') : page.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    assert 'class="navgroup active"' in page
    viewer = client_for(victor).get(reverse("accounts:overview", args=["spark"])).content.decode()
    assert reverse("accounts:audit", args=["spark"]) not in viewer  # admin-only links hidden
    assert 'class="navgroup active"' not in viewer
