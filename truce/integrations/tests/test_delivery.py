"""Dispatch, sending, signing on the wire, platform answers, retries, rate limits and the
network guards — against a real HTTP server on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from truce.core import events
from truce.core.models import DomainEvent
from truce.core.tasks import dispatch_event
from truce.domain import signing
from truce.integrations import sender, services, transport
from truce.integrations.models import Attempt, Delivery, DeliveryStatus, SendMark

from .conftest import Reply

pytestmark = pytest.mark.django_db


def _emit(workspace, actor, kind="requirement.created", title="灰度发布 <新版>"):
    return events.emit(
        workspace=workspace,
        kind=kind,
        actor=actor,
        title=title,
        url=f"/w/{workspace.slug}/requirements/7/",
        data={"number": 7},
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run ``fn`` and every on-commit callback it queues (event dispatch, task enqueue)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


# Dispatch ---------------------------------------------------------------------------------


def test_an_event_is_delivered_once_even_when_dispatched_again(
    receiver, make_endpoint, send, workspace, alice
):
    endpoint = make_endpoint("generic", receiver.url())
    event = send(_emit, workspace, alice)
    assert len(receiver.requests) == 1
    send(events.dispatch, event)
    send(dispatch_event.enqueue, event_id=event.pk)
    assert Delivery.objects.filter(event=event, endpoint=endpoint).count() == 1
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get(event=event)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1


def test_only_enabled_endpoints_of_the_workspace_that_want_the_kind_get_it(
    receiver, make_endpoint, send, workspace, alice, charlie, other_workspace
):
    wants = make_endpoint("generic", receiver.url("/wants"), events=["requirement."])
    make_endpoint("generic", receiver.url("/not"), name="decisions", events=["decision.recorded"])
    make_endpoint("generic", receiver.url("/off"), name="off", events=["*"], enabled=False)
    send(_emit, workspace, alice)
    send(_emit, other_workspace, charlie)
    assert [r.path for r in receiver.requests] == ["/wants"]
    assert Delivery.objects.get().endpoint == wants


# What goes over the wire ------------------------------------------------------------------


def test_generic_webhook_envelope_and_headers_verify_at_the_receiver(
    receiver, make_endpoint, send, workspace, alice
):
    endpoint = make_endpoint("generic", receiver.url())
    event = send(_emit, workspace, alice)
    request, delivery = receiver.requests[0], Delivery.objects.get()
    assert request.headers["Truce-Event"] == "requirement.created"
    assert request.headers["Truce-Delivery"] == str(delivery.uid)
    assert signing.verify_truce_signature(
        endpoint.secret, request.headers["Truce-Signature"], request.body, now=int(time.time())
    )
    body = request.json()
    assert body == {
        "id": event.pk,
        "kind": "requirement.created",
        "workspace": {"slug": "spark", "name": workspace.name},
        "actor": {"username": "alice", "name": "Alice"},
        "subject": None,
        "title": "灰度发布 <新版>",
        "url": sender_base() + "/w/spark/requirements/7/",
        "data": {"number": 7},
        "created_at": event.created_at.isoformat(),
    }


def sender_base():
    from django.conf import settings

    return settings.BASE_URL


def test_feishu_post_message_is_signed_in_the_body(receiver, make_endpoint, send, workspace, alice):
    endpoint = make_endpoint(
        "feishu", receiver.url("/open-apis/bot/v2/hook/abc"), secret="fs-secret", language="en"
    )
    send(_emit, workspace, alice)
    body = receiver.requests[0].json()
    assert body["msg_type"] == "post"
    assert abs(int(body["timestamp"]) - time.time()) < 60
    assert body["sign"] == signing.feishu_sign(endpoint.secret, int(body["timestamp"]))
    post = body["content"]["post"]["en_us"]
    assert post["title"] == "New requirement"
    texts = [item for line in post["content"] for item in line]
    assert {"tag": "text", "text": "灰度发布 <新版>"} in texts
    link = next(item for item in texts if item["tag"] == "a")
    assert link["href"] == sender_base() + "/w/spark/requirements/7/"
    assert link["text"] == "Open in Truce"


def test_feishu_message_in_chinese_uses_the_zh_cn_locale(
    receiver, make_endpoint, send, workspace, alice
):
    make_endpoint("feishu", receiver.url("/open-apis/bot/v2/hook/abc"), language="zh-hans")
    send(_emit, workspace, alice)
    body = receiver.requests[0].json()
    assert "sign" not in body  # no secret, no signature
    assert list(body["content"]["post"]) == ["zh_cn"]


def test_dingtalk_markdown_signed_in_the_query(receiver, make_endpoint, send, workspace, alice):
    make_endpoint(
        "dingtalk", receiver.url("/robot/send?access_token=tok"), secret="SECdemo", language="en"
    )
    send(_emit, workspace, alice)
    request = receiver.requests[0]
    query = parse_qs(urlsplit(request.path).query)
    assert query["access_token"] == ["tok"]
    expected = signing.dingtalk_sign("SECdemo", int(query["timestamp"][0]))
    assert request.path.endswith(f"&sign={expected}")
    markdown = request.json()["markdown"]
    assert request.json()["msgtype"] == "markdown" and markdown["title"] == "New requirement"
    assert "灰度发布 <新版>" in markdown["text"]
    assert f"[Open in Truce]({sender_base()}/w/spark/requirements/7/)" in markdown["text"]


def test_wecom_markdown_is_not_signed(receiver, make_endpoint, send, workspace, alice):
    make_endpoint("wecom", receiver.url("/cgi-bin/webhook/send?key=k-1"), language="en")
    send(_emit, workspace, alice, title="[Q3] 拉新")
    request = receiver.requests[0]
    assert request.path == "/cgi-bin/webhook/send?key=k-1"
    content = request.json()["markdown"]["content"]
    assert content.startswith("**New requirement**")
    assert "［Q3］ 拉新" in content  # brackets cannot open a Markdown link
    assert "Alice · " in content


def test_slack_blocks_escape_angle_brackets(receiver, make_endpoint, send, workspace, alice):
    make_endpoint("slack", receiver.url("/services/T1/B2/xyz"), language="en")
    send(_emit, workspace, alice)
    body = receiver.requests[0].json()
    section = body["blocks"][0]["text"]["text"]
    assert "灰度发布 &lt;新版&gt;" in section
    assert section.startswith("*New requirement*\n<" + sender_base())
    assert body["text"].startswith("New requirement: 灰度发布 <新版>")


def test_test_message_is_sent_to_a_disabled_endpoint(receiver, make_endpoint, send, admin_ctx):
    endpoint = make_endpoint("wecom", receiver.url("/cgi-bin/webhook/send?key=k"), enabled=False)
    receiver.reply(Reply(body={"errcode": 0, "errmsg": "ok"}))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    content = receiver.requests[0].json()["markdown"]["content"]
    assert "已配置成功" in content and "[查看](" in content  # the endpoint speaks Chinese


# Platform answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "path", "reply", "status", "retry_in"),
    [
        (
            "feishu",
            "/open-apis/bot/v2/hook/a",
            {"code": 19021, "msg": "sign match fail"},
            "failed",
            None,
        ),
        (
            "feishu",
            "/open-apis/bot/v2/hook/a",
            {"code": 11232, "msg": "frequency limit"},
            "retrying",
            60,
        ),
        ("feishu", "/open-apis/bot/v2/hook/a", {"code": 0, "msg": "success"}, "succeeded", None),
        (
            "dingtalk",
            "/robot/send?access_token=t",
            {"errcode": 130101, "errmsg": "send too fast"},
            "retrying",
            600,
        ),
        (
            "dingtalk",
            "/robot/send?access_token=t",
            {"errcode": 310000, "errmsg": "keywords not in content"},
            "failed",
            None,
        ),
        (
            "wecom",
            "/cgi-bin/webhook/send?key=k",
            {"errcode": 93000, "errmsg": "invalid webhook url"},
            "failed",
            None,
        ),
        ("wecom", "/cgi-bin/webhook/send?key=k", {"errcode": 0, "errmsg": "ok"}, "succeeded", None),
    ],
)
def test_platform_error_bodies_behind_http_200(
    receiver, make_endpoint, send, admin_ctx, kind, path, reply, status, retry_in
):
    endpoint = make_endpoint(kind, receiver.url(path))
    receiver.reply(Reply(200, reply))
    before = timezone.now()
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == status
    attempt = Attempt.objects.get(delivery=delivery)
    assert attempt.status_code == 200 and attempt.delivered is (status == "succeeded")
    assert str(reply.get("code", reply.get("errcode"))) in attempt.response_excerpt
    if retry_in:
        waited = (delivery.next_attempt_at - before).total_seconds()
        assert retry_in <= waited < retry_in + 5
    else:
        assert delivery.next_attempt_at is None


def test_slack_429_honours_retry_after(receiver, make_endpoint, send, admin_ctx):
    endpoint = make_endpoint("slack", receiver.url("/services/T/B/x"))
    receiver.reply(Reply(429, "rate_limited", {"Retry-After": "900"}))
    before = timezone.now()
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert 900 <= (delivery.next_attempt_at - before).total_seconds() < 905


# Retries ----------------------------------------------------------------------------------


def test_retries_back_off_then_give_up(receiver, make_endpoint, send, admin_ctx):
    endpoint = make_endpoint("generic", receiver.url())
    receiver.default = Reply(500, "down")
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    waits = []
    for _ in range(10):
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.RETRYING:
            break
        last = Attempt.objects.filter(delivery=delivery).first().started_at
        waits.append(round((delivery.next_attempt_at - last).total_seconds()))
        early = delivery.next_attempt_at - timedelta(seconds=1)
        assert sender.attempt_delivery(delivery.pk, now=early) == "skipped"
        sender.attempt_delivery(delivery.pk, now=delivery.next_attempt_at)
    assert waits == [60, 300, 1800, 7200, 43200]
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 6
    assert len(receiver.requests) == 6
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [6, 5, 4, 3, 2, 1]


def test_a_retry_that_succeeds(receiver, make_endpoint, send, admin_ctx):
    endpoint = make_endpoint("generic", receiver.url())
    receiver.reply(Reply(503, "busy"), Reply(204, ""))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert sender.attempt_delivery(delivery.pk, now=delivery.next_attempt_at) == "delivered"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.last_status_code == 204


def test_redeliver_starts_a_fresh_series_and_keeps_the_log(
    receiver, make_endpoint, send, admin_ctx
):
    endpoint = make_endpoint("feishu", receiver.url("/open-apis/bot/v2/hook/a"))
    receiver.reply(Reply(200, {"code": 19021, "msg": "sign match fail"}))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    receiver.reply(Reply(200, {"code": 0, "msg": "success"}))
    send(services.delivery_redeliver, ctx=admin_ctx, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert delivery.attempt_log.count() == 2


def test_a_due_delivery_is_sent_by_one_worker_only(receiver, make_endpoint, admin_ctx):
    endpoint = make_endpoint("generic", receiver.url())
    delivery = services.endpoint_test(ctx=admin_ctx, endpoint=endpoint)  # not yet sent
    assert sender.attempt_delivery(delivery.pk) == "delivered"
    assert sender.attempt_delivery(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_a_claim_abandoned_by_a_crashed_worker_is_taken_over(receiver, make_endpoint, admin_ctx):
    endpoint = make_endpoint("generic", receiver.url())
    delivery = services.endpoint_test(ctx=admin_ctx, endpoint=endpoint)
    claimed = timezone.now() - timedelta(minutes=11)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=claimed)
    assert sender.attempt_delivery(delivery.pk) == "delivered"


def test_the_sweep_sends_what_is_due(receiver, make_endpoint, admin_ctx, send):
    endpoint = make_endpoint("generic", receiver.url())
    receiver.reply(Reply(500, "down"))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    assert sender.deliver_due() == 0  # not due yet
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    call_command("deliver_webhooks")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 2


def test_a_delivery_for_an_endpoint_disabled_meanwhile_is_not_sent(
    receiver, make_endpoint, workspace, alice, admin_ctx
):
    endpoint = make_endpoint("generic", receiver.url())
    _emit(workspace, alice)  # dispatched on commit, which never comes here
    events.dispatch(DomainEvent.objects.get())  # creates the delivery, queues on commit
    services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=None, enabled=False)
    delivery = Delivery.objects.get()
    assert sender.attempt_delivery(delivery.pk) == "cancelled"
    assert receiver.requests == []


# Rate limits ------------------------------------------------------------------------------


def test_a_send_over_the_limit_is_re_enqueued_with_run_after(
    receiver, make_endpoint, admin_ctx, deferring_tasks
):
    endpoint = make_endpoint("dingtalk", receiver.url("/robot/send?access_token=t"))
    now = timezone.now()
    for i in range(20):  # DingTalk: 20 per minute
        assert sender.acquire_slot(endpoint, now - timedelta(seconds=50 - i)) is None
    delivery = services.endpoint_test(ctx=admin_ctx, endpoint=endpoint)
    assert sender.attempt_delivery(delivery.pk, now=now) == "throttled"
    assert receiver.requests == []
    delivery.refresh_from_db()
    expected = now - timedelta(seconds=50) + timedelta(seconds=60)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert abs((delivery.next_attempt_at - expected).total_seconds()) < 0.01
    queued = deferring_tasks.results[-1]
    assert queued.kwargs == {"delivery_id": delivery.pk}
    assert queued.task.run_after == delivery.next_attempt_at
    receiver.reply(Reply(200, {"errcode": 0, "errmsg": "ok"}))
    assert sender.attempt_delivery(delivery.pk, now=delivery.next_attempt_at) == "delivered"


def test_feishu_five_per_second(make_endpoint):
    endpoint = make_endpoint("feishu", "http://127.0.0.1:9/open-apis/bot/v2/hook/a")
    now = timezone.now()
    assert all(sender.acquire_slot(endpoint, now) is None for _ in range(5))
    wait = sender.acquire_slot(endpoint, now)
    assert wait is not None and abs((wait - now).total_seconds() - 1) < 0.01
    assert SendMark.objects.filter(endpoint=endpoint).count() == 5


def test_generic_limit_is_configurable(make_endpoint):
    endpoint = make_endpoint("generic", "http://127.0.0.1:9/x", rate_per_minute=2)
    now = timezone.now()
    assert sender.acquire_slot(endpoint, now) is None
    assert sender.acquire_slot(endpoint, now) is None
    assert sender.acquire_slot(endpoint, now) is not None
    assert sender.acquire_slot(endpoint, now + timedelta(seconds=61)) is None


def test_the_window_forgets_old_sends(make_endpoint):
    endpoint = make_endpoint("slack", "http://127.0.0.1:9/services/T/B/x")
    now = timezone.now()
    sender.acquire_slot(endpoint, now - timedelta(hours=1))
    assert sender.acquire_slot(endpoint, now) is None
    assert SendMark.objects.filter(endpoint=endpoint).count() == 1


# Network guards ---------------------------------------------------------------------------


def test_loopback_is_refused_at_connect_time_without_the_allowance(
    receiver, make_endpoint, send, admin_ctx, settings
):
    endpoint = make_endpoint("generic", receiver.url())
    settings.TRUCE_WEBHOOKS_ALLOW_PRIVATE = False
    settings.DEBUG = False
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED  # refused: not worth retrying
    assert "non-public address 127.0.0.1" in delivery.last_error
    assert receiver.requests == []


def test_a_name_resolving_to_loopback_is_refused(receiver):
    port = receiver.server.server_address[1]
    with pytest.raises(transport.Refused, match="non-public"):
        transport.post(f"http://localhost:{port}/", b"{}", {}, allow_private=False)
    assert receiver.requests == []


def test_debug_allows_private_addresses(settings):
    settings.DEBUG, settings.TRUCE_WEBHOOKS_ALLOW_PRIVATE = True, False
    assert sender.allow_private()
    settings.DEBUG = False
    assert not sender.allow_private()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/"])
def test_only_http_and_https(url):
    with pytest.raises(transport.Refused):
        transport.post(url, b"{}", {}, allow_private=True)


def test_redirect_to_another_host_is_not_followed(receiver, make_endpoint, send, admin_ctx):
    endpoint = make_endpoint("generic", receiver.url())
    receiver.reply(Reply(302, "", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code == 302
    assert "another host" in delivery.last_error
    assert len(receiver.requests) == 1


def test_same_host_307_is_followed_with_the_body(receiver):
    receiver.reply(Reply(307, "", {"Location": "/moved"}), Reply(200, "ok"))
    answer = transport.post(receiver.url("/hook"), b'{"a":1}', {}, allow_private=True)
    assert answer.status == 200
    assert [(r.path, r.body) for r in receiver.requests] == [
        ("/hook", b'{"a":1}'),
        ("/moved", b'{"a":1}'),
    ]


def test_a_redirect_that_would_drop_the_body_is_refused(receiver):
    receiver.reply(Reply(301, "", {"Location": "/moved"}))
    with pytest.raises(transport.Refused, match="drop the POST body"):
        transport.post(receiver.url(), b"{}", {}, allow_private=True)


def test_a_slow_receiver_times_out_and_is_retried(
    receiver, make_endpoint, send, admin_ctx, settings
):
    receiver.server.handle_error = lambda *args: None  # the late reply hits a closed socket
    settings.TRUCE_WEBHOOKS_TIMEOUT = 0.3
    endpoint = make_endpoint("generic", receiver.url())
    receiver.reply(Reply(200, "late", delay=1.0))
    delivery = send(services.endpoint_test, ctx=admin_ctx, endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error.startswith("no answer")
    assert delivery.last_status_code is None


def test_https_checks_the_address_before_the_tls_handshake(receiver):
    port = receiver.server.server_address[1]
    with pytest.raises(transport.Refused, match="non-public"):
        transport.post(f"https://127.0.0.1:{port}/", b"{}", {}, allow_private=False)


def test_https_to_a_plain_http_server_fails_the_handshake_and_is_retryable(receiver):
    receiver.server.handle_error = lambda *args: None  # the TLS hello is not HTTP
    port = receiver.server.server_address[1]
    with pytest.raises(OSError):
        transport.post(f"https://127.0.0.1:{port}/", b"{}", {}, allow_private=True, timeout=2)


def test_a_new_requirement_reaches_a_webhook_subscribed_to_requirements(
    receiver, make_endpoint, send, workspace, alice
):
    from truce.core.access import access_workspace
    from truce.requirements.services import requirement_create

    make_endpoint("generic", receiver.url())
    ctx = access_workspace(alice, workspace.slug)
    r = send(requirement_create, ctx=ctx, title="推送频控")
    (request,) = receiver.requests
    body = request.json()
    assert body["kind"] == "requirement.created" and body["data"]["number"] == r.number
    assert body["title"] == f"#{r.number} 推送频控"
