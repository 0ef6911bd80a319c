"""Demo conflicts: detection opens one per contested requirement and launch clash; one is
being discussed with evidence from both sides, one was escalated and decided; and a few
weeks of health snapshots so the dashboard has trends."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation

from truce.conflicts import health, services
from truce.conflicts.models import Conflict, HealthSnapshot, Status
from truce.core.access import access_workspace
from truce.domain import health as measures

TEXT = {
    "zh-hans": {
        "title": "推送频控：每人每天最多 3 条？",
        "product": "频繁推送导致卸载率上升，应限制在每天 3 条以内。",
        "operations": "大促期间需要更多触达，建议大促周放宽到 5 条。",
        "evidence_p": (
            "卸载率周报：推送超过 3 条的用户卸载率高 2.1 倍",
            "/w/spark/requirements/5/",
        ),
        "evidence_o": ("去年双十一：第 4、5 条推送贡献 18% 的 GMV", ""),
        "outcome": "平日每人每天 3 条；大促周放宽到 5 条，并按用户活跃度分层。",
        "rationale": "兼顾留存与大促转化；两周后复盘卸载率。",
    },
    "en": {
        "title": "Referral reward: $10 or $5?",
        "product": "A $10 reward attracts fraud; start at $5 with fraud checks.",
        "operations": "$5 is below what competitors offer; the campaign needs $10 to work.",
        "evidence_p": ("Fraud review of the last referral test", ""),
        "evidence_o": ("Competitor benchmark: median reward $10", ""),
        "outcome": "$10 for the holiday campaign with fraud checks; review after 4 weeks.",
        "rationale": "The campaign window is short; fraud checks cover the risk.",
    },
}


def seed(ws, spec, users) -> None:
    if Conflict.objects.filter(workspace=ws).exists():
        return
    language = spec.get("language") or "en"
    text = TEXT["zh-hans" if language == "zh-hans" else "en"]
    members = {name: role for name, role, _ in spec["members"]}
    product = next((users[n] for n, r in members.items() if r in ("product", "admin")), None)
    operations = next((users[n] for n, r in members.items() if r == "operations"), product)
    lead = next((users[n] for n, r in members.items() if r == "lead"), product)
    with translation.override(language):
        services.detect(ws, language)
        ctx = access_workspace(product, ws.slug)
        conflict = services.conflict_open(
            ctx=ctx,
            title=text["title"],
            product_position=text["product"],
            operations_position=text["operations"],
        )
        label, url = text["evidence_p"]
        services.evidence_add(ctx=ctx, conflict=conflict, side="product", label=label, url=url)
        label, url = text["evidence_o"]
        services.evidence_add(
            ctx=access_workspace(operations, ws.slug), conflict=conflict, side="operations",
            label=label, url=url,
        )  # fmt: skip
        services.conflict_move(
            ctx=ctx, conflict=conflict, status=Status.ESCALATED, expected_version=conflict.version
        )
        services.conflict_decide(
            ctx=access_workspace(lead, ws.slug),
            conflict=conflict,
            expected_version=conflict.version,
            outcome=text["outcome"],
            rationale=text["rationale"],
        )
        _history(ws)


def _history(ws) -> None:
    """Snapshots of earlier weeks, drifting towards today's values, so trends show."""
    today = timezone.localdate()
    now = health.snapshot(ws, today).values
    share = now.get("contested_share") or 0.2
    for back in range(1, 8):
        week = measures.week_of(today - timedelta(weeks=back))
        values = {"contested_share": round(min(1.0, share + 0.03 * back), 4),
                  "capacity": now.get("capacity", {})}  # fmt: skip
        HealthSnapshot.objects.update_or_create(
            workspace=ws, week=week, defaults={"values": values}
        )
