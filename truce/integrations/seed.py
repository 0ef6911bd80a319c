"""Demo integrations: a Feishu group robot in the Chinese workspace, a signed webhook in the
English one. Both are *disabled*, so the demo never sends anything; each shows a short
delivery log (one delivered, one refused) recorded through the same code as real attempts,
for the workspace's latest events or, where there are none yet, for test messages."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from truce.accounts.models import Membership, Role
from truce.core.access import access_workspace
from truce.core.models import DomainEvent
from truce.domain import webhooks
from truce.integrations import services
from truce.integrations.models import Delivery, Endpoint, Kind
from truce.integrations.sender import record_attempt
from truce.integrations.transport import Response

SPECS = {
    "zh-hans": {
        "name": "产品运营群 · 飞书机器人",
        "kind": Kind.FEISHU,
        "url": "https://open.feishu.cn/open-apis/bot/v2/hook/00000000-0000-demo-0000-000000000000",
        "secret": "demo-secret-not-real",
        "test_title": "来自 Truce 的测试消息",
        "answers": [
            (200, {"code": 0, "msg": "success", "data": {}}),
            (
                200,
                {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                },
            ),
        ],
    },
    "en": {
        "name": "Growth data warehouse",
        "kind": Kind.GENERIC,
        "url": "https://hooks.northwind.example/truce",
        "secret": "",
        "test_title": "Test message from Truce",
        "answers": [(200, "ok"), (302, "")],
    },
}


def seed(ws, spec, users) -> None:
    admin = Membership.objects.filter(workspace=ws, role=Role.ADMIN).select_related("user").first()
    spec_here = SPECS.get(spec.get("language", "en"))
    if admin is None or spec_here is None:
        return
    if Endpoint.objects.filter(workspace=ws, name=spec_here["name"]).exists():
        return
    ctx = access_workspace(admin.user, ws.slug)
    endpoint, _secret = services.endpoint_create(
        ctx=ctx,
        name=spec_here["name"],
        kind=spec_here["kind"],
        url=spec_here["url"],
        secret=spec_here["secret"],
        language=spec["language"],
        enabled=False,
    )
    _log(ctx, endpoint, spec_here["answers"], spec_here["test_title"])


def _log(ctx, endpoint: Endpoint, answers, test_title: str) -> None:
    """Deliveries written directly (never queued: nothing is sent) with one recorded attempt
    each; the outcomes are final, so no retry is scheduled either."""
    events = [
        e
        for e in DomainEvent.objects.filter(workspace=ctx.workspace).order_by("-created_at")[:50]
        if endpoint.wants(e.kind)
    ][: len(answers)]
    now = timezone.now()
    for index, (status, body) in enumerate(answers):
        event = events[index] if index < len(events) else None
        delivery = Delivery.objects.create(
            workspace=ctx.workspace,
            endpoint=endpoint,
            event=event,
            kind=event.kind if event else "truce.test",
            title=event.title if event else test_title,
            requested_by=None if event else ctx.membership.user,
        )
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        outcome = webhooks.classify_response(endpoint.kind, status, text)
        if status == 302:
            reason = "HTTP 302: redirect to another host (https://login.northwind.example/…)"
            outcome = webhooks.Outcome(False, False, reason)
        started = now - timedelta(hours=2 - index)
        answer = Response(status=status, body=text, duration_ms=180 + 40 * index)
        record_attempt(delivery, outcome=outcome, answer=answer, started_at=started)
