"""Argon2id at the cost OWASP's Password Storage Cheat Sheet names first (19 MiB, 2 passes, one
lane; ``TRUCE_ARGON2_*`` settings), instead of Django's 100 MiB over 8 lanes: one sign-in costs
about 25 ms of one core instead of 120 ms on all of them, so a burst of sign-ins (a team
arriving at 9:00, fifty users of the load test in ten seconds) no longer stalls every page of a
2-core server, and a flood of wrong passwords cannot take 100 MiB per attempt. Hashes made
with other parameters are re-hashed at their owner's next sign-in (Django's upgrade on login).

Passwords hashed with a pepper (ASVS 2.4.5): before Argon2id, the password is keyed with
HMAC-SHA256 under ``TRUCE_PASSWORD_PEPPER``, a secret kept out of the database (in the
environment), so a stolen copy of the database alone cannot be used to guess passwords.

Set the pepper and this hasher comes first: existing hashes keep working and are re-hashed
with the pepper the next time their owner signs in (Django's own upgrade on login). The pepper
cannot be changed or dropped without every peppered password failing: keep it with the
backups of the secret key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher
from django.core.exceptions import ImproperlyConfigured


def _pepper() -> bytes:
    pepper = getattr(settings, "TRUCE_PASSWORD_PEPPER", "") or ""
    if not pepper:
        raise ImproperlyConfigured(
            "a password hashed with a pepper needs TRUCE_PASSWORD_PEPPER, which is not set"
        )
    return pepper.encode()


def peppered(password: str) -> str:
    return hmac.new(_pepper(), password.encode(), hashlib.sha256).hexdigest()


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    """Django's Argon2id hasher (same algorithm name, so existing hashes are recognised) at
    the configured cost."""

    def __init__(self) -> None:
        self.memory_cost = settings.TRUCE_ARGON2_MEMORY_KIB
        self.time_cost = settings.TRUCE_ARGON2_TIME_COST
        self.parallelism = settings.TRUCE_ARGON2_PARALLELISM


class PepperedArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2_pepper"

    def encode(self, password, salt):
        return super().encode(peppered(password), salt)

    def verify(self, password, encoded):
        return super().verify(peppered(password), encoded)

    def harden_runtime(self, password, encoded):
        return super().harden_runtime(peppered(password), encoded)
