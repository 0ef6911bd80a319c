"""Signing schemes of chat robots and Truce's own webhooks, checked against published examples
where a platform publishes one, and otherwise against an independent re-implementation.

The independent re-implementation builds HMAC-SHA256 from ``hashlib.sha256`` by the RFC 2104
construction (ipad/opad), instead of ``hmac.new`` which the code under test uses, and is
itself checked against RFC 4231's test case 2 first.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

from truce.domain import signing


def rfc2104_hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 composed by hand from hashlib (RFC 2104), a code path separate from hmac."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.sha256(bytes(k ^ 0x5C for k in key) + inner).digest()


def test_reference_hmac_matches_rfc_4231_test_case_2():
    """RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?"."""
    digest = rfc2104_hmac_sha256(b"Jefe", b"what do ya want for nothing?")
    assert digest.hex() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


# Feishu -----------------------------------------------------------------------------------


def test_feishu_sign_matches_an_independent_implementation():
    """Feishu's custom bot guide ("签名校验", open.feishu.cn/document/client-docs/bot-v3/
    add-custom-bot; mirrored at open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN)
    documents: timestamp + "\\n" + secret as the string to sign, HmacSHA256, then Base64; its
    Python sample calls hmac.new(key=string_to_sign, msg=b"") and prints the sign for the
    current time, so no fixed timestamp/secret/sign triple is published. We recompute the
    documented construction independently (RFC 2104 from hashlib) at the doc's example
    timestamp 1599360473."""
    timestamp, secret = 1599360473, "demo-secret-飞书"
    expected = base64.b64encode(
        rfc2104_hmac_sha256(f"{timestamp}\n{secret}".encode(), b"")
    ).decode()
    assert signing.feishu_sign(secret, timestamp) == expected


def test_feishu_sign_is_keyed_with_the_string_to_sign_not_the_secret():
    """The common mistake (reported by developers who reused DingTalk code, e.g.
    blog.csdn.net/zhanglili1993/article/details/136473704, error 19021) is keying with the
    secret; Feishu keys with the string to sign and signs an empty message."""
    dingtalk_style = base64.b64encode(
        rfc2104_hmac_sha256(b"s3cret", b"1599360473\ns3cret")
    ).decode()
    assert signing.feishu_sign("s3cret", 1599360473) != dingtalk_style


def test_feishu_signed_body_adds_timestamp_and_sign_as_strings():
    body = signing.feishu_signed_body({"msg_type": "text"}, "k", 1700000000)
    assert body["msg_type"] == "text"
    assert body["timestamp"] == "1700000000"
    assert body["sign"] == signing.feishu_sign("k", 1700000000)
    json.dumps(body)  # stays serialisable


# DingTalk ---------------------------------------------------------------------------------


def test_dingtalk_hmac_base64_urlencode_pipeline_matches_the_published_example():
    """DingTalk's server-API signature page (ding-doc.dingtalk.com/doc#/faquestions/hxs5v9)
    publishes a worked example of the same pipeline the robot "加签" uses — HMAC-SHA256 keyed
    with the secret, Base64, then URL-encoding: appSecret "testappSecret", timestamp
    1546084445901 → "HCbG3xNE3vzhO%2Bu7qCUL1jS5hsu2n5r2cFhnTrtyDAE%3D" (also the fixture of
    francistm/dingtalk-sdk spec/dingtalk_spec.rb). The robot signs "{timestamp}\\n{secret}"
    instead of the bare timestamp; the next test covers that string."""
    signed = quote_plus(signing.hmac_base64(b"testappSecret", b"1546084445901"))
    assert signed == "HCbG3xNE3vzhO%2Bu7qCUL1jS5hsu2n5r2cFhnTrtyDAE%3D"


def test_dingtalk_robot_sign_matches_an_independent_implementation():
    """The robot security settings page (open.dingtalk.com/document/robots/
    customize-robot-security-settings) gives Java and Python samples that print a sign for
    the current time only (secret "this is secret"), so no fixed output is published: we
    recompute string_to_sign = f"{timestamp}\\n{secret}", HMAC-SHA256 keyed with the secret,
    Base64, URL-encode — with hashlib (RFC 2104) and urllib.parse.quote(safe="")."""
    timestamp, secret = 1577808000000, "SECthis is secret"
    digest = rfc2104_hmac_sha256(secret.encode(), f"{timestamp}\n{secret}".encode())
    expected = quote(base64.b64encode(digest).decode(), safe="")
    assert signing.dingtalk_sign(secret, timestamp) == expected


def test_dingtalk_signed_url_keeps_the_access_token_and_adds_timestamp_and_sign():
    url = signing.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", "SECx", 1577808000000
    )
    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1577808000000"]
    # parse_qs decodes once: the value is the plain base64 signature
    digest = rfc2104_hmac_sha256(b"SECx", b"1577808000000\nSECx")
    assert query["sign"] == [base64.b64encode(digest).decode()]


def test_dingtalk_signed_url_without_a_query():
    url = signing.dingtalk_signed_url("http://127.0.0.1:9/robot/send", "s", 1)
    assert urlsplit(url).query.startswith("timestamp=1&sign=")


# Truce's own signature ---------------------------------------------------------------------

BODY = json.dumps({"id": 7, "title": "灰度发布"}, ensure_ascii=False).encode()


def test_truce_signature_matches_an_independent_implementation():
    """Our own scheme, documented in truce/domain/signing.py: no outside example exists."""
    header = signing.truce_signature("whsec_test", 1700000000, BODY)
    digest = rfc2104_hmac_sha256(b"whsec_test", b"1700000000." + BODY).hex()
    assert header == f"t=1700000000,v1={digest}"


def test_receiver_verifies_a_fresh_signature():
    header = signing.truce_signature("whsec_test", 1700000000, BODY)
    assert signing.verify_truce_signature("whsec_test", header, BODY, now=1700000100)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("whsec_other", BODY, 1700000000),  # wrong secret
        ("whsec_test", BODY + b" ", 1700000000),  # body changed in transit
        ("whsec_test", BODY, 1700000000 + 301),  # replayed after the window
        ("whsec_test", BODY, 1700000000 - 301),  # from too far in the future
    ],
)
def test_receiver_refuses(secret, body, now):
    header = signing.truce_signature("whsec_test", 1700000000, BODY)
    assert not signing.verify_truce_signature(secret, header, body, now=now)


def test_replay_window_edges_are_inclusive():
    header = signing.truce_signature("k", 1000, b"{}")
    assert signing.verify_truce_signature("k", header, b"{}", now=1300)
    assert signing.verify_truce_signature("k", header, b"{}", now=1300, tolerance=300)
    assert not signing.verify_truce_signature("k", header, b"{}", now=1301)


def test_any_of_several_v1_signatures_may_match_during_rotation():
    good = signing.truce_signature("new", 1000, b"{}").split("v1=")[1]
    header = f"t=1000,v1={'0' * 64},v1={good}"
    assert signing.verify_truce_signature("new", header, b"{}", now=1000)


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "v1=00", "t=1000"])
def test_malformed_headers_are_refused(header):
    assert not signing.verify_truce_signature("k", header, b"{}", now=1000)


def test_generated_secrets_are_long_random_and_recognisable():
    a, b = signing.generate_secret(), signing.generate_secret()
    assert a != b and a.startswith("whsec_") and len(a) > 40


@pytest.mark.parametrize(
    ("secret", "masked"),
    [("", ""), ("short", "••••••••"), ("whsec_abcdefghijklmnop", "whsec_••••mnop")],
)
def test_mask_secret(secret, masked):
    assert signing.mask_secret(secret) == masked


def test_mask_of_a_platform_secret_shows_only_its_end():
    assert signing.mask_secret("SEC0123456789abcdef") == "••••cdef"
