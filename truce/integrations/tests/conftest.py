"""A local HTTP receiver on 127.0.0.1 (no internet in tests) and endpoints pointing at it.

The private-address allowance is switched on only through ``allow_private`` (settings
override), so every other test runs with the production default: loopback refused.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from truce.core.access import access_workspace
from truce.integrations import services


@dataclass
class Reply:
    status: int = 200
    body: str | dict = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Receiver:
    """Records every request; answers with queued replies, then with ``default``."""

    def __init__(self):
        self.requests: list[Received] = []
        self.replies: list[Reply] = []
        self.default = Reply()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def reply(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                reply = receiver.replies.pop(0) if receiver.replies else receiver.default
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body
                raw = (json.dumps(payload) if isinstance(payload, dict) else payload).encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):  # keep test output quiet
                pass

        return Handler


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def allow_private(settings):
    settings.TRUCE_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def admin_ctx(admin, workspace):
    return access_workspace(admin, workspace.slug)


@pytest.fixture
def make_endpoint(admin_ctx, allow_private):
    def make(kind="generic", url="", **extra):
        endpoint, _secret = services.endpoint_create(
            ctx=admin_ctx, name=extra.pop("name", f"{kind} robot"), kind=kind, url=url, **extra
        )
        return endpoint

    return make


@pytest.fixture
def deferring_tasks(settings):
    """A backend that records tasks (with run_after) instead of running them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.results.clear()
    return backend
