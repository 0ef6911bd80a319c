"""One guarded HTTP POST with the standard library (urllib), for webhook deliveries.

Guards: only http(s); every connection's *actual* peer address is checked after connecting
(so a name that resolves to a private address, or re-resolves to one, is refused — not only
the first DNS answer); 5-second timeout; redirects are followed only to the same scheme, host
and port and only when they keep the POST (307/308), at most three times; responses are read
up to 64 KiB. Private and loopback addresses are allowed only when ``allow_private`` is true.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from truce.domain import webhooks

TIMEOUT = 5.0
MAX_BODY = 64 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "Truce-Webhooks/1.0 (+https://github.com/truce)"


class Refused(Exception):
    """The request was not made (or was cut off) for safety: never worth retrying as is.
    ``status`` is the HTTP status of a refused redirect."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    duration_ms: int = 0


def _check_peer(sock, allow_private: bool) -> None:
    address = sock.getpeername()[0]
    if not allow_private and webhooks.forbidden_address(address):
        sock.close()
        raise Refused(f"refused to connect to the non-public address {address}")


def _connection_classes(allow_private: bool):
    class GuardedHTTP(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            _check_peer(self.sock, allow_private)

    class GuardedHTTPS(http.client.HTTPSConnection):
        def connect(self):
            # the TCP connection is checked before TLS is negotiated over it
            http.client.HTTPConnection.connect(self)
            _check_peer(self.sock, allow_private)
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)

    return GuardedHTTP, GuardedHTTPS


def _opener(allow_private: bool):
    http_cls, https_cls = _connection_classes(allow_private)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_cls, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_cls, req, context=self._context)

    # build_opener would add the default ProxyHandler (a proxy would connect for us and
    # defeat the address check) and the redirect handler (``post`` decides on redirects
    # itself), so the opener is assembled by hand: every non-2xx becomes an HTTPError.
    opener = urllib.request.OpenerDirector()
    for handler in (
        HTTPHandler(),
        HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool = False,
    timeout: float = TIMEOUT,
) -> Response:
    """POST ``body``; return the response whatever its status. Raises Refused for unsafe
    targets and OSError (including timeouts) when no answer came."""
    if webhooks.url_problem("generic", url):
        raise Refused("only http and https URLs with a host are allowed")
    started = time.monotonic()
    opener = _opener(allow_private)
    for _hop in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, data=body, method="POST")
        for name, value in {"User-Agent": USER_AGENT, **headers}.items():
            request.add_header(name, value)
        try:
            with opener.open(request, timeout=timeout) as answer:
                return _response(answer.status, answer, started)
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location") if 300 <= error.code < 400 else None
            if not location:
                return _response(error.code, error, started)
            url = _follow(url, location, error.code)
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, Refused):
                raise reason from None
            raise OSError(str(reason)) from None
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def _follow(url: str, location: str, code: int) -> str:
    target = urljoin(url, location)
    if _origin(target) != _origin(url):
        message = f"HTTP {code}: redirect to another host ({webhooks.mask_url(target)})"
        raise Refused(message, status=code)
    if code not in (307, 308):
        raise Refused(f"HTTP {code}: a redirect that would drop the POST body", status=code)
    return target


def _response(status: int, stream, started: float) -> Response:
    try:
        raw = stream.read(MAX_BODY)
    except (OSError, http.client.HTTPException):
        raw = b""
    charset = stream.headers.get_content_charset() or "utf-8"
    return Response(
        status=status,
        body=raw.decode(charset, errors="replace"),
        headers=dict(stream.headers.items()),
        duration_ms=int((time.monotonic() - started) * 1000),
    )
