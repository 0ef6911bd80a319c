import pytest
from django.test import Client
from django.urls import path

from conftest import client_for, remote_assets
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


def test_remote_assets_finds_what_another_host_serves():
    page = (
        '<script src="/static/a.js"></script><script src="https://cdn.example/p.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/f.css"><img src="data:image/png;base64,AA">'
        '<a href="https://example.com/">a link is not an asset</a>'
        '<input name="csrfmiddlewaretoken" value="xcdnx">'
    )
    assert remote_assets(page) == ["https://cdn.example/p.js", "//fonts.example/f.css"]


@pytest.mark.django_db
def test_api_docs_page_uses_local_assets(alice):
    r = client_for(alice).get("/api/v1/docs")
    body = r.content.decode()
    assert r.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert remote_assets(body) == []


@pytest.mark.django_db
def test_csrf_failure_page(alice):
    client = client_for(alice, enforce_csrf=True)
    r = client.post("/accounts/profile/", {"display_name": "x"})
    assert r.status_code == 403 and b"Form expired" in r.content
