"""Signatures of outgoing chat-robot and webhook requests, exactly as each platform documents.

Pure Python (no Django). Every function takes the time explicitly, so tests can pin it.

Feishu (飞书) custom bot, "签名校验" in the custom bot guide
(https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
    string_to_sign = f"{timestamp}\\n{secret}"        timestamp in *seconds*
    sign = base64(HMAC-SHA256(key=string_to_sign, msg=b""))
    sent as "timestamp" and "sign" fields of the JSON body; valid for one hour.
    Note the unusual shape: the string to sign is the HMAC *key* and the message is empty.

DingTalk (钉钉) custom robot, "加签" in the robot security settings
(https://open.dingtalk.com/document/robots/customize-robot-security-settings):
    string_to_sign = f"{timestamp_ms}\\n{secret}"     timestamp in *milliseconds*
    sign = urlencode(base64(HMAC-SHA256(key=secret, msg=string_to_sign)))
    sent as the query parameters "timestamp" and "sign"; valid for one hour.

WeCom (企业微信) group robot and Slack incoming webhooks are not signed: the credential is
the webhook URL itself (WeCom's ``key=`` parameter, Slack's path), so the URL is a secret.

Truce's own signed webhooks (the "generic" kind), in the manner of Stripe's scheme:
    Truce-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key=secret, msg=f"{t}.{body}")>
    Truce-Event: <event kind>          Truce-Delivery: <delivery id, stable across retries>

How a receiver verifies (``verify_truce_signature`` does exactly this):
    1. Read the raw request body as bytes (before any JSON parsing).
    2. Split the Truce-Signature header on "," into key=value pairs; take ``t`` and every ``v1``
       (there may be several while a secret is being rotated).
    3. Compute HMAC-SHA256 with your endpoint secret over ``f"{t}.".encode() + body`` and
       compare its hex digest to each ``v1`` in constant time (hmac.compare_digest).
    4. Refuse the request if ``|now - t|`` exceeds your replay window (5 minutes by default),
       and remember Truce-Delivery ids you have processed: retries resend the same id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote_plus, urlsplit, urlunsplit

SIGNATURE_HEADER = "Truce-Signature"
EVENT_HEADER = "Truce-Event"
DELIVERY_HEADER = "Truce-Delivery"
REPLAY_WINDOW = 300  # seconds a receiver should accept between the signed time and now
SECRET_PREFIX = "whsec_"


def hmac_base64(key: bytes, message: bytes) -> str:
    """base64(HMAC-SHA256(key, message)): the core both Chinese platforms build on."""
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


def feishu_sign(secret: str, timestamp: int) -> str:
    """The ``sign`` field of a Feishu custom bot request made at ``timestamp`` (seconds)."""
    return hmac_base64(f"{timestamp}\n{secret}".encode(), b"")


def feishu_signed_body(body: dict, secret: str, timestamp: int) -> dict:
    """``body`` plus the ``timestamp`` and ``sign`` fields Feishu checks (both strings)."""
    return {**body, "timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded ``sign`` query parameter of a DingTalk robot request."""
    return quote_plus(hmac_base64(secret.encode(), f"{timestamp_ms}\n{secret}".encode()))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """``url`` (which already carries ``access_token``) with ``timestamp`` and ``sign`` added."""
    parts = urlsplit(url)
    extra = f"timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def generate_secret() -> str:
    """A new secret for a generic webhook: 256 random bits, recognisable by its prefix."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def mask_secret(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it."""
    if not secret:
        return ""
    if len(secret) <= 12:
        return "•" * 8
    head = SECRET_PREFIX if secret.startswith(SECRET_PREFIX) else ""
    return f"{head}••••{secret[-4:]}"


def truce_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the ``Truce-Signature`` header for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def parse_signature_header(header: str) -> tuple[int | None, list[str]]:
    """(t, [v1, …]) from a ``Truce-Signature`` header; t is None when missing or malformed."""
    timestamp, signatures = None, []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def verify_truce_signature(
    secret: str, header: str, body: bytes, *, now: int, tolerance: int = REPLAY_WINDOW
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and was made within ``tolerance``
    seconds of ``now`` (either side, for clock skew). Receivers call this with the raw body."""
    timestamp, signatures = parse_signature_header(header or "")
    if timestamp is None or not signatures or abs(now - timestamp) > tolerance:
        return False
    expected = truce_signature(secret, timestamp, body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
