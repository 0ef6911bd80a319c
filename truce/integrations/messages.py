"""What each platform receives: a short readable message in the endpoint's language with a
link back to Truce, or (generic webhooks) a JSON envelope; signed as the platform requires."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from truce.domain import signing
from truce.integrations.models import Delivery, Kind

TEST_KIND = "truce.test"

HEADLINES = {
    "requirement.created": gettext_lazy("New requirement"),
    "requirement.changed": gettext_lazy("Requirement changed"),
    "requirement.status": gettext_lazy("Requirement moved"),
    "comment.created": gettext_lazy("New comment"),
    "decision.recorded": gettext_lazy("Decision recorded"),
    "plan.signed": gettext_lazy("Plan signed"),
    "plan.published": gettext_lazy("Plan published"),
    "launch.go": gettext_lazy("Launch approved (go)"),
    TEST_KIND: gettext_lazy("Test message from Truce"),
}
WECOM_MAX_BYTES = 4096  # WeCom refuses markdown content longer than this


@dataclass(frozen=True)
class Outgoing:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Message:
    headline: str
    title: str
    meta: str
    link: str
    link_text: str


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.BASE_URL + url


def _message(delivery: Delivery) -> Message:
    event, endpoint = delivery.event, delivery.endpoint
    workspace = delivery.workspace.name
    if delivery.is_test or event is None:
        title = _("If you can read this, “%(name)s” is set up.") % {"name": endpoint.name}
        link = reverse("integrations:endpoint", args=[delivery.workspace.slug, endpoint.pk])
        return Message(
            str(HEADLINES[TEST_KIND]),
            title,
            workspace,
            absolute(link),
            pgettext("message button", "Open"),
        )
    actor = event.actor.name if event.actor else _("Someone")
    link = event.url or reverse("accounts:overview", args=[delivery.workspace.slug])
    return Message(
        headline=str(HEADLINES.get(event.kind, event.kind)),
        title=event.title or delivery.title,
        meta=f"{actor} · {workspace}",
        link=absolute(link),
        link_text=_("Open in Truce"),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_text(text: str) -> str:
    """Plain text inside Markdown: one line, and brackets that cannot open a link."""
    return _one_line(text).replace("[", "［").replace("]", "］")


def _feishu(m: Message, language: str) -> dict:
    locale = "zh_cn" if language.startswith("zh") else "en_us"
    lines = [
        [{"tag": "text", "text": _one_line(m.title)}],
        [{"tag": "text", "text": m.meta}],
        [{"tag": "a", "text": m.link_text, "href": m.link}],
    ]
    return {
        "msg_type": "post",
        "content": {"post": {locale: {"title": m.headline, "content": lines}}},
    }


def _dingtalk(m: Message) -> dict:
    text = (
        f"#### {_md_text(m.headline)}\n\n**{_md_text(m.title)}**\n\n"
        f"{_md_text(m.meta)}\n\n[{m.link_text}]({m.link})"
    )
    return {"msgtype": "markdown", "markdown": {"title": m.headline, "text": text}}


def _wecom(m: Message) -> dict:
    tail = f'\n> <font color="comment">{_md_text(m.meta)}</font>\n[{m.link_text}]({m.link})'
    head = f"**{_md_text(m.headline)}**\n> "
    room = WECOM_MAX_BYTES - len((head + tail).encode())
    title = _md_text(m.title).encode()[: max(room, 0)].decode(errors="ignore")
    return {"msgtype": "markdown", "markdown": {"content": head + title + tail}}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(m: Message) -> dict:
    title = _slack_escape(_one_line(m.title))
    return {
        "text": f"{m.headline}: {_one_line(m.title)} {m.link}",
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{_slack_escape(m.headline)}*\n<{m.link}|{title}>",
                },
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(m.meta)}]},
        ],
    }


def envelope(delivery: Delivery) -> dict:
    """The body of a generic webhook: the event as data, language-independent."""
    event = delivery.event
    workspace = {"slug": delivery.workspace.slug, "name": delivery.workspace.name}
    if event is None:
        return {
            "id": None,
            "kind": TEST_KIND,
            "workspace": workspace,
            "actor": None,
            "subject": None,
            "title": delivery.title,
            "url": absolute(reverse("integrations:endpoints", args=[delivery.workspace.slug])),
            "data": {},
            "created_at": delivery.created_at.isoformat(),
        }
    actor = event.actor
    return {
        "id": event.pk,
        "kind": event.kind,
        "workspace": workspace,
        "actor": {"username": actor.username, "name": actor.name} if actor else None,
        "subject": {"type": event.subject_type, "id": event.subject_id}
        if event.subject_type
        else None,
        "title": event.title,
        "url": absolute(event.url) if event.url else "",
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }


def _encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def build(delivery: Delivery, *, now: datetime) -> Outgoing:
    """The request for one attempt, signed with ``now`` (each retry signs afresh: Feishu and
    DingTalk refuse signatures older than an hour)."""
    endpoint = delivery.endpoint
    headers = {"Content-Type": "application/json; charset=utf-8"}
    seconds = int(now.timestamp())
    if endpoint.kind == Kind.GENERIC:
        body = _encode(envelope(delivery))
        headers[signing.EVENT_HEADER] = delivery.kind
        headers[signing.DELIVERY_HEADER] = str(delivery.uid)
        if endpoint.secret:
            headers[signing.SIGNATURE_HEADER] = signing.truce_signature(
                endpoint.secret, seconds, body
            )
        return Outgoing(endpoint.url, body, headers)
    with translation.override(endpoint.language):
        message = _message(delivery)
        if endpoint.kind == Kind.FEISHU:
            payload = _feishu(message, endpoint.language)
            if endpoint.secret:
                payload = signing.feishu_signed_body(payload, endpoint.secret, seconds)
            return Outgoing(endpoint.url, _encode(payload), headers)
        if endpoint.kind == Kind.DINGTALK:
            url = endpoint.url
            if endpoint.secret:
                url = signing.dingtalk_signed_url(url, endpoint.secret, int(now.timestamp() * 1000))
            return Outgoing(url, _encode(_dingtalk(message)), headers)
        if endpoint.kind == Kind.WECOM:
            return Outgoing(endpoint.url, _encode(_wecom(message)), headers)
        return Outgoing(endpoint.url, _encode(_slack(message)), headers)
