"""Time-based one-time passwords (RFC 6238, the codes of authenticator apps: 6 digits, a new
one every 30 seconds, HMAC-SHA1) and recovery codes. Standard library only.

A code is accepted for the step it belongs to and one step either side (clock drift), and
only for a step later than the last one accepted, so a code seen over someone's shoulder
cannot be used again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_SALT_BYTES = 4
"""A random 32-bit salt per recovery code: a code has about 49 bits, short of the 112 that
ASVS 2.6.2 asks of a look-up secret, which it then asks to be salted that way before hashing."""
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    """A random 160-bit key, base32 as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def step_of(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def clean(code: str) -> str:
    """What the person typed, without spaces or dashes, lower case."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def matching_step(secret: str, code: str, timestamp: float, after: int = 0) -> int | None:
    """The step ``code`` belongs to, if it is within the drift of ``timestamp`` and later than
    ``after`` (the last step accepted); else None."""
    code = clean(code)
    if not secret or not re.fullmatch(rf"\d{{{DIGITS}}}", code):
        return None
    now = step_of(timestamp)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address a QR code carries (Google Authenticator's key URI format)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The key in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Single-use codes for when the phone is lost: ``xxxxx-xxxxx`` (about 49 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str, salt: str | None = None) -> str:
    """``salt$sha256(salt + code)`` with a new random salt unless one is given: one table of the
    hashes of every possible code no longer reveals them all."""
    salt = salt if salt is not None else secrets.token_hex(RECOVERY_SALT_BYTES)
    digest = hashlib.sha256((salt + clean(code)).encode()).hexdigest()
    return f"{salt}${digest}"


def recovery_code_matches(code: str, stored: str) -> bool:
    """Whether ``code`` is the one ``stored`` was made from. A value without a salt was stored
    before codes were salted: a plain SHA-256 of the code."""
    salt, salted, _ = stored.partition("$")
    if salted:
        expected = hash_recovery_code(code, salt)
    else:
        expected = hashlib.sha256(clean(code).encode()).hexdigest()
    return hmac.compare_digest(expected, stored)


def is_recovery_code(code: str) -> bool:
    return bool(re.fullmatch(rf"[{_RECOVERY_ALPHABET}]{{10}}", clean(code)))
