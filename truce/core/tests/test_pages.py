import pytest
from django.test import Client
from django.urls import path

from conftest import client_for
from truce import urls as root_urls


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*root_urls.urlpatterns, path("boom/", boom)]
handler500 = root_urls.handler500


@pytest.mark.django_db
@pytest.mark.urls("truce.core.tests.test_pages")
def test_server_error_page_is_translated_and_leaks_nothing():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    r = client.get("/boom/")
    assert r.status_code == 500
    body = r.content.decode()
    assert "Server error" in body and "boom" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_api_docs_page_uses_local_assets(alice):
    r = client_for(alice).get("/api/v1/docs")
    body = r.content.decode()
    assert r.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn" not in body.lower()


@pytest.mark.django_db
def test_csrf_failure_page(alice):
    client = client_for(alice, enforce_csrf=True)
    r = client.post("/accounts/profile/", {"display_name": "x"})
    assert r.status_code == 403 and b"Form expired" in r.content
