"""Argon2id at OWASP's cost (19 MiB, 2 passes, 1 lane, from TRUCE_ARGON2_*): new hashes carry
it, hashes made at Django's heavier default still sign in and are re-hashed at the configured
cost, and settings below OWASP's least are refused at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import argon2
import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from truce.accounts.hashers import Argon2PasswordHasher

ARGON2 = ["truce.accounts.hashers.Argon2PasswordHasher"]


def _parameters(encoded: str) -> argon2.Parameters:
    return argon2.extract_parameters("$" + encoded.split("$", 1)[1])


@override_settings(PASSWORD_HASHERS=ARGON2)
def test_new_hashes_use_owasps_cost():
    encoded = make_password("hunter2-hunter2")
    assert encoded.startswith("argon2$argon2id$")
    used = _parameters(encoded)
    assert (used.memory_cost, used.time_cost, used.parallelism) == (19456, 2, 1)
    assert check_password("hunter2-hunter2", encoded)
    assert not check_password("hunter3-hunter3", encoded)


@override_settings(
    PASSWORD_HASHERS=ARGON2,
    TRUCE_ARGON2_MEMORY_KIB=47104,
    TRUCE_ARGON2_TIME_COST=1,
    TRUCE_ARGON2_PARALLELISM=1,
)
def test_the_cost_follows_the_settings():
    used = _parameters(Argon2PasswordHasher().encode("x", Argon2PasswordHasher().salt()))
    assert (used.memory_cost, used.time_cost, used.parallelism) == (47104, 1, 1)


def test_a_hash_at_djangos_default_cost_signs_in_and_is_rehashed(alice):
    from django.contrib.auth.hashers import Argon2PasswordHasher as Django

    heavy = Django().encode(PASSWORD, Django().salt())  # 100 MiB over 8 lanes
    assert _parameters(heavy).memory_cost == 102400
    alice.password = heavy
    alice.save(update_fields=["password"])
    with override_settings(PASSWORD_HASHERS=ARGON2):
        assert Argon2PasswordHasher().must_update(heavy)
        r = Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        assert r.status_code == 302
        alice.refresh_from_db()
        assert _parameters(alice.password).memory_cost == 19456
        assert alice.check_password(PASSWORD)
        assert not Argon2PasswordHasher().must_update(alice.password)


@pytest.mark.parametrize(
    "env",
    [
        {"TRUCE_ARGON2_MEMORY_KIB": "4096"},
        {"TRUCE_ARGON2_TIME_COST": "0"},
        {"TRUCE_ARGON2_PARALLELISM": "0"},
    ],
)
def test_a_cost_below_owasps_least_is_refused_at_start_up(env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "truce.settings", "TRUCE_DATA_DIR": str(tmp_path)})
    done = subprocess.run(
        [sys.executable, "-c", "from truce import settings"],
        env=clean | env,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "TRUCE_ARGON2_" in done.stderr
