"""A pepper in the password hash (ASVS 2.4.5): with TRUCE_PASSWORD_PEPPER set, passwords are
keyed with it before Argon2id, so the database alone does not let anyone test guesses; older
hashes are upgraded at their owner's next sign-in; without it nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from truce.accounts.hashers import PepperedArgon2PasswordHasher, peppered

PEPPERED = [
    "truce.accounts.hashers.PepperedArgon2PasswordHasher",
    "truce.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",  # the tests' own fast hasher
]
PEPPER = "a-secret-kept-in-the-environment"


@override_settings(PASSWORD_HASHERS=PEPPERED, TRUCE_PASSWORD_PEPPER=PEPPER)
def test_a_peppered_hash_needs_the_pepper_to_check_a_guess():
    encoded = make_password("hunter2-hunter2")
    assert encoded.startswith("argon2_pepper$argon2id$")
    assert check_password("hunter2-hunter2", encoded)
    assert not check_password("hunter3-hunter3", encoded)
    bare = "$" + encoded.split("$", 1)[1]  # what a stolen database holds
    with pytest.raises(VerificationError):
        PasswordHasher().verify(bare, "hunter2-hunter2")  # the password alone does not match
    assert PasswordHasher().verify(bare, peppered("hunter2-hunter2"))
    with override_settings(TRUCE_PASSWORD_PEPPER="another"):
        assert not check_password("hunter2-hunter2", encoded)


@override_settings(PASSWORD_HASHERS=PEPPERED, TRUCE_PASSWORD_PEPPER="")
def test_a_peppered_hash_without_the_pepper_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="TRUCE_PASSWORD_PEPPER"):
        PepperedArgon2PasswordHasher().encode("x", "saltsaltsaltsalt")


def test_older_hashes_are_peppered_at_the_next_sign_in(alice):
    assert alice.password.startswith("md5$")
    with override_settings(PASSWORD_HASHERS=PEPPERED, TRUCE_PASSWORD_PEPPER=PEPPER):
        r = Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
        assert r.status_code == 302
        alice.refresh_from_db()
        assert alice.password.startswith("argon2_pepper$")
        assert alice.check_password(PASSWORD)


def test_the_setting_puts_the_peppered_hasher_first(tmp_path):
    def first_hasher(**env) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TRUCE_")}
        clean.update({"DJANGO_SETTINGS_MODULE": "truce.settings", "TRUCE_DATA_DIR": str(tmp_path)})
        probe = "from truce import settings; print(settings.PASSWORD_HASHERS[0])"
        done = subprocess.run(
            [sys.executable, "-c", probe], env=clean | env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert first_hasher(TRUCE_PASSWORD_PEPPER=PEPPER).endswith("PepperedArgon2PasswordHasher")
    assert first_hasher().endswith(".Argon2PasswordHasher")
