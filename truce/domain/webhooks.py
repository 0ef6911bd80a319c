"""Rules of outgoing webhook delivery: retry schedule, per-platform rate limits, how to read a
platform's answer, the expected shape of each platform's webhook URL, and which network
addresses a webhook may never reach.

Pure Python (no Django): the integrations app hands in times as floats (Unix seconds),
status codes and response text, and gets plain values back.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# Retries ----------------------------------------------------------------------------------

# Seconds to wait before the 2nd, 3rd, … attempt: 1 min, 5 min, 30 min, 2 h, 12 h.
BACKOFF: tuple[int, ...] = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS = len(BACKOFF) + 1


def retry_delay(attempts_made: int, retry_after: float | None = None) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` failures, or None when the
    delivery has used all its attempts. A platform's Retry-After is respected when longer."""
    if attempts_made < 1 or attempts_made >= MAX_ATTEMPTS:
        return None
    delay = float(BACKOFF[attempts_made - 1])
    return max(delay, retry_after or 0.0)


# Rate limits ------------------------------------------------------------------------------

Limits = tuple[tuple[int, int], ...]  # (at most this many sends, per this many seconds), …

# Feishu custom bot: 100/min and 5/s per bot (custom bot guide, "注意事项").
# DingTalk custom robot: 20/min, exceeding it blocks the robot for 10 minutes.
# WeCom group robot: 20/min ("消息发送频率限制").
# Slack incoming webhooks: 1 message per second per webhook, short bursts tolerated.
PLATFORM_LIMITS: dict[str, Limits] = {
    "feishu": ((5, 1), (100, 60)),
    "dingtalk": ((20, 60),),
    "wecom": ((20, 60),),
    "slack": ((1, 1),),
}
DEFAULT_GENERIC_PER_MINUTE = 60


def limits_for(kind: str, per_minute: int | None = None) -> Limits:
    if kind in PLATFORM_LIMITS:
        return PLATFORM_LIMITS[kind]
    return ((max(1, per_minute or DEFAULT_GENERIC_PER_MINUTE), 60),)


def longest_window(limits: Limits) -> int:
    return max(seconds for _count, seconds in limits)


def next_free_slot(sent: Sequence[float], now: float, limits: Limits) -> float | None:
    """Sliding-window check. ``sent`` holds the times of earlier sends. Returns None when a
    send at ``now`` stays within every limit, else the earliest time one would."""
    wait_until = None
    for count, seconds in limits:
        recent = sorted(t for t in sent if now - seconds < t <= now)
        if len(recent) >= count:
            # the send that must leave the window before another fits
            frees_at = recent[len(recent) - count] + seconds
            wait_until = frees_at if wait_until is None else max(wait_until, frees_at)
    return wait_until


# Reading the platform's answer ------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one attempt's response means: delivered, worth retrying, or not (and why)."""

    delivered: bool
    retry: bool = False
    reason: str = ""
    retry_after: float | None = None


DELIVERED = Outcome(delivered=True)

# Documented error codes that a retry cannot fix (wrong secret, keyword, IP list, bad body,
# unknown robot); anything else non-zero is retried. Rate-limit codes carry their wait.
_PERMANENT_CODES = {
    "feishu": {9499, 19001, 19002, 19021, 19022, 19024},
    "dingtalk": {300001, 310000, 400101, 400102},
    "wecom": {40008, 40058, 93000, 93004, 93008},
}
_RATE_LIMIT_CODES = {"feishu": {11232: 60.0}, "dingtalk": {130101: 600.0}, "wecom": {45009: 60.0}}
_CODE_FIELD = {"feishu": ("code", "StatusCode"), "dingtalk": ("errcode",), "wecom": ("errcode",)}
_MESSAGE_FIELD = {"feishu": ("msg", "StatusMessage"), "dingtalk": ("errmsg",), "wecom": ("errmsg",)}
_RETRYABLE_STATUS = {408, 425, 429}


def classify_response(
    kind: str, status: int, body: str, headers: Mapping[str, str] | None = None
) -> Outcome:
    """Interpret an HTTP answer. Feishu, DingTalk and WeCom answer HTTP 200 with an error
    code in the JSON body, so a 200 alone is not success for them."""
    retry_after = _retry_after(headers or {})
    if kind in _CODE_FIELD:
        coded = _platform_code(kind, body)
        if coded is not None:
            return _classify_code(kind, *coded, retry_after=retry_after)
    if 200 <= status < 300:
        if kind in _CODE_FIELD:
            return Outcome(False, True, f"HTTP {status} without the platform's result code")
        return DELIVERED
    reason = f"HTTP {status}" + (f": {body.strip()[:200]}" if body.strip() else "")
    retry = status >= 500 or status in _RETRYABLE_STATUS or kind == "generic"
    return Outcome(False, retry, reason, retry_after if retry else None)


def _platform_code(kind: str, body: str) -> tuple[int, str] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for field in _CODE_FIELD[kind]:
        if isinstance(data.get(field), int):
            message = next((str(data[m]) for m in _MESSAGE_FIELD[kind] if data.get(m)), "")
            return data[field], message
    return None


def _classify_code(kind: str, code: int, message: str, *, retry_after) -> Outcome:
    if code == 0:
        return DELIVERED
    reason = f"{kind} error {code}" + (f": {message[:200]}" if message else "")
    if code in _RATE_LIMIT_CODES[kind]:
        wait = max(_RATE_LIMIT_CODES[kind][code], retry_after or 0.0)
        return Outcome(False, True, reason, wait)
    return Outcome(False, code not in _PERMANENT_CODES[kind], reason, retry_after)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return min(float(value), 86400.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: the backoff schedule is close enough


# Webhook URLs ------------------------------------------------------------------------------

# The path and query every platform's webhook URL has; the host is not checked, so a
# self-hosted gateway or Lark (open.larksuite.com) works too.
_SHAPES = {
    "feishu": (re.compile(r"^/open-apis/bot/v2/hook/[\w.~-]+/?$"), None),
    "dingtalk": (re.compile(r"^/robot/send/?$"), "access_token"),
    "wecom": (re.compile(r"^/cgi-bin/webhook/send/?$"), "key"),
    "slack": (re.compile(r"^/services/[\w-]+/[\w-]+/[\w-]+/?$"), None),
}
EXAMPLES = {
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/<token>",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=<token>",
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>",
    "slack": "https://hooks.slack.com/services/T…/B…/…",
    "generic": "https://example.com/truce-webhook",
}


def url_problem(kind: str, url: str) -> str | None:
    """None when ``url`` fits ``kind``; else "scheme", "host", "credentials" or "shape"."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        return "shape"
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not parts.hostname:
        return "host"
    if parts.username or parts.password:
        return "credentials"
    if kind not in _SHAPES:
        return None
    path, required = _SHAPES[kind]
    if not path.match(parts.path):
        return "shape"
    if required and not parse_qs(parts.query).get(required, [""])[0].strip():
        return "shape"
    return None


def mask_url(url: str) -> str:
    """Scheme and host only: chat-robot URLs carry their credential in the path or query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "…"
    if not parts.scheme or not parts.netloc:
        return "…"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…"


def forbidden_address(address: str) -> bool:
    """True for addresses a webhook must not reach unless explicitly allowed: loopback,
    private ranges, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
    multicast, unspecified and reserved ones — anything not globally routable."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def literal_host_forbidden(host: str) -> bool:
    """For validating a URL without DNS: "localhost" names and literal non-global addresses."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a name: checked after resolution, at send time
    return forbidden_address(host)


# Event filters ----------------------------------------------------------------------------

_FILTER = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(?:[a-z][a-z0-9_.]*)?)$")


def normalize_filter(item: str) -> str:
    """ "requirement" means every requirement event: the prefix "requirement."."""
    item = item.strip().lower()
    return item if item == "*" or "." in item or not item else item + "."


def filter_valid(item: str) -> bool:
    """A filter is "*", a prefix ending in "." ("requirement.") or a full kind ("launch.go")."""
    return bool(_FILTER.match(item))


def matches(filters: Sequence[str], kind: str) -> bool:
    return any(f == "*" or kind == f or (f.endswith(".") and kind.startswith(f)) for f in filters)
