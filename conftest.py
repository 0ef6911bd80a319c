"""Shared fixtures: the personas of STYLE.md in the workspace "spark", charlie elsewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from truce.accounts.models import Membership, Role, Side, User, Workspace

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services run outside a request use the default language (zh-hans); tests read English
    unless they switch on purpose with translation.override."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_caches_and_rate_limits(settings):
    """Caches live in the process, across tests (API rate counts, password confirmation
    failures): each test starts with empty ones, and with API rate limits no test reaches
    (tests/hostile/test_rate_limits.py sets low ones)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    settings.TRUCE_API_RATE = "1000000/min"
    settings.TRUCE_API_RATE_ANON = "1000000/min"
    for cache in caches.all():
        if isinstance(cache, LocMemCache):  # never a shared Redis
            cache.clear()


def make_user(username: str, language: str = "en", **extra) -> User:
    user = User(
        username=username,
        email=f"{username}@example.com",
        language=language,
        display_name=extra.pop("display_name", username.title()),
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def workspace(db) -> Workspace:
    return Workspace.objects.create(name="星火电商", slug="spark")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return Workspace.objects.create(name="Northwind", slug="northwind")


def _member(workspace, username, role, side, language="en"):
    user = make_user(username, language)
    Membership.objects.create(workspace=workspace, user=user, role=role, side=side)
    return user


@pytest.fixture
def admin(workspace) -> User:
    return _member(workspace, "admin", Role.ADMIN, Side.PRODUCT)


@pytest.fixture
def alice(workspace) -> User:
    return _member(workspace, "alice", Role.PRODUCT, Side.PRODUCT)


@pytest.fixture
def olivia(workspace) -> User:
    return _member(workspace, "olivia", Role.OPERATIONS, Side.OPERATIONS)


@pytest.fixture
def lena(workspace) -> User:
    return _member(workspace, "lena", Role.LEAD, Side.PRODUCT)


@pytest.fixture
def victor(workspace) -> User:
    return _member(workspace, "victor", Role.VIEWER, Side.OPERATIONS)


@pytest.fixture
def charlie(other_workspace) -> User:
    return _member(other_workspace, "charlie", Role.ADMIN, Side.OPERATIONS)


@pytest.fixture
def personas(admin, alice, olivia, lena, victor, charlie) -> dict[str, User]:
    return {
        "admin": admin,
        "alice": alice,
        "olivia": olivia,
        "lena": lena,
        "victor": victor,
        "charlie": charlie,
    }


def client_for(user: User | None, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return client_for


_ASSET_URL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I
)
_OTHER_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def remote_assets(html: str) -> list[str]:
    """Scripts, stylesheets, images and frames the page loads from another host.

    A page must load everything from its own ``/static/``: self-hosted installs
    often have no internet, and the CSP allows only ``'self'``. (Searching the
    page for "cdn" is not a test: a random CSRF token can contain it.)
    """
    return [url for url in _ASSET_URL.findall(html) if _OTHER_HOST.match(url)]
