"""API for the current user, workspaces, members, invitations and personal tokens."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.accounts import reauth, services, sessions, twofactor
from truce.accounts.models import AuditAction, Membership
from truce.accounts.schemas import (
    AccountClose,
    AuditPage,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
    MemberOut,
    MemberUpdate,
    MeUpdate,
    SessionOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    TwoFactorOff,
    TwoFactorOut,
    UserOut,
    WorkspaceCreate,
    WorkspaceOut,
    WorkspaceUpdate,
)
from truce.accounts.selectors import (
    AuditFilter,
    account_audit,
    members_of,
    pending_invitations,
    workspace_audit,
)
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import (
    access_invitation,
    access_membership,
    access_token,
    access_workspace,
)
from truce.core.concurrency import version_from_if_match

router = Router(tags=["accounts"])


def _workspace_out(membership: Membership) -> dict:
    ws = membership.workspace
    return {
        "id": ws.pk,
        "slug": ws.slug,
        "name": ws.name,
        "description": ws.description,
        "version": ws.version,
        "role": membership.role,
        "side": membership.side,
        "admins_need_two_factor": ws.admins_need_two_factor,
    }


@router.get("/me", response={200: UserOut, **COMMON_ERRORS})
def me(request):
    return request.user


@router.patch("/me", response={200: UserOut, **WRITE_ERRORS})
def me_update(request, payload: MeUpdate):
    user = request.user
    if services.email_changes(user, payload.email):
        reauth.confirm(request, user, payload.password, purpose="email_change")
    return services.user_update_profile(
        user=user,
        display_name=user.display_name if payload.display_name is None else payload.display_name,
        email=user.email if payload.email is None else payload.email,
        language=user.language if payload.language is None else payload.language,
    )


@router.get("/workspaces", response={200: list[WorkspaceOut], **COMMON_ERRORS})
def workspace_list(request):
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")
    return [_workspace_out(m) for m in memberships.order_by("workspace__name")]


@router.post("/workspaces", response={201: WorkspaceOut, **WRITE_ERRORS})
def workspace_create(request, payload: WorkspaceCreate):
    ws = services.workspace_create(actor=request.user, **payload.dict())
    return Status(201, _workspace_out(access_workspace(request.user, ws.slug).membership))


@router.get("/workspaces/{slug}", response={200: WorkspaceOut, **COMMON_ERRORS})
def workspace_detail(request, response: HttpResponse, slug: str):
    ctx = access_workspace(request.user, slug)
    response["ETag"] = ctx.workspace.etag
    return _workspace_out(ctx.membership)


@router.patch("/workspaces/{slug}", response={200: WorkspaceOut, **WRITE_ERRORS})
def workspace_update(
    request,
    response: HttpResponse,
    slug: str,
    payload: WorkspaceUpdate,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug, admin=True)
    version = version_from_if_match(if_match, pk=ctx.workspace.pk)
    services.workspace_update(ctx=ctx, expected_version=version, **payload.dict())
    response["ETag"] = ctx.workspace.etag
    return _workspace_out(ctx.membership)


@router.get("/workspaces/{slug}/members", response={200: list[MemberOut], **COMMON_ERRORS})
def member_list(request, slug: str):
    return members_of(access_workspace(request.user, slug).workspace)


@router.get("/workspaces/{slug}/members/{member_id}", response={200: MemberOut, **COMMON_ERRORS})
def member_detail(request, response: HttpResponse, slug: str, member_id: int):
    member = access_membership(access_workspace(request.user, slug), member_id)
    response["ETag"] = member.etag
    return member


@router.patch("/workspaces/{slug}/members/{member_id}", response={200: MemberOut, **WRITE_ERRORS})
def member_update(
    request,
    response: HttpResponse,
    slug: str,
    member_id: int,
    payload: MemberUpdate,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug, admin=True)
    member = access_membership(ctx, member_id, admin=True)
    version = version_from_if_match(if_match, pk=member.pk)
    services.membership_update(
        ctx=ctx, membership=member, expected_version=version, role=payload.role, side=payload.side
    )
    response["ETag"] = member.etag
    return member


@router.delete("/workspaces/{slug}/members/{member_id}", response={204: None, **WRITE_ERRORS})
def member_remove(request, slug: str, member_id: int):
    ctx = access_workspace(request.user, slug, admin=True)
    services.membership_remove(ctx=ctx, membership=access_membership(ctx, member_id, admin=True))
    return Status(204, None)


@router.get("/workspaces/{slug}/invitations", response={200: list[InvitationOut], **COMMON_ERRORS})
def invitation_list(request, slug: str):
    ctx = access_workspace(request.user, slug, admin=True)
    return pending_invitations(ctx.workspace)


@router.post("/workspaces/{slug}/invitations", response={201: InvitationCreated, **WRITE_ERRORS})
def invitation_create(request, slug: str, payload: InvitationCreate):
    ctx = access_workspace(request.user, slug, admin=True)
    invitation, raw = services.invitation_create(ctx=ctx, **payload.dict())
    url = settings.BASE_URL + reverse("accounts:invitation", args=[raw])
    return Status(201, {**InvitationOut.from_orm(invitation).dict(), "url": url})


@router.delete(
    "/workspaces/{slug}/invitations/{invitation_id}", response={204: None, **WRITE_ERRORS}
)
def invitation_revoke(request, slug: str, invitation_id: int):
    ctx = access_workspace(request.user, slug, admin=True)
    services.invitation_revoke(ctx=ctx, invitation=access_invitation(ctx, invitation_id))
    return Status(204, None)


@router.get("/tokens", response={200: list[TokenOut], **COMMON_ERRORS})
def token_list(request):
    return request.user.api_tokens.all()


@router.post("/tokens", response={201: TokenCreated, **WRITE_ERRORS})
def token_create(request, payload: TokenCreate):
    data = payload.dict()
    reauth.confirm(request, request.user, data.pop("password"), purpose="token_create")
    token, raw = services.token_create(user=request.user, **data)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **WRITE_ERRORS})
def token_revoke(request, token_id: int):
    services.token_revoke(user=request.user, token=access_token(request.user, token_id))
    return Status(204, None)


ActionName = Literal[tuple(AuditAction.values)]  # type: ignore[valid-type]


def _audit_page(qs, limit: int, offset: int) -> dict:
    items = [
        {
            "id": e.pk,
            "created_at": e.created_at,
            "action": e.action,
            "action_label": str(e.get_action_display()),
            "outcome": e.outcome,
            "actor": e.actor.username if e.actor else None,
            "target": e.target,
            "data": e.data,
            "ip_address": e.ip_address,
            "user_agent": e.user_agent,
        }
        for e in qs[offset : offset + limit]
    ]
    return {"count": qs.count(), "items": items}


@router.get("/workspaces/{slug}/audit-events", response={200: AuditPage, **COMMON_ERRORS})
def audit_list(
    request,
    slug: str,
    action: ActionName | None = None,
    actor: str = Query("", max_length=150, description="Username"),
    since: date | None = None,
    until: date | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """The workspace's audit log, newest first (admins). ``since`` and ``until`` are the first
    and last day (inclusive, local time). Append-only: no entry can be changed or deleted."""
    ctx = access_workspace(request.user, slug, admin=True)
    f = AuditFilter(action=action or "", actor=actor, since=since, until=until)
    return _audit_page(workspace_audit(ctx.workspace, f), limit, offset)


@router.post("/me/sign-out-elsewhere", response={204: None, **WRITE_ERRORS})
def sign_out_elsewhere(request):
    """End every browser session of the caller except the one making this call (a bearer
    token's call has none: every session ends). API tokens are not affected."""
    services.sign_out_elsewhere(user=request.user, request=request)
    return Status(204, None)


@router.get("/me/two-factor", response={200: TwoFactorOut, **COMMON_ERRORS})
def two_factor_status(request):
    """Whether two-step sign-in is on. Turning it on needs the QR code: use the page
    /accounts/two-step/."""
    user = request.user
    return {
        "enabled": user.two_factor,
        "enabled_at": user.totp_enabled_at,
        "recovery_codes_left": twofactor.recovery_codes_left(user) if user.two_factor else 0,
    }


@router.post("/me/two-factor/off", response={204: None, **WRITE_ERRORS})
def two_factor_off(request, payload: TwoFactorOff):
    """Turn two-step sign-in off (needs the password and a code from the app or a recovery
    code, even with a bearer token)."""
    twofactor.disable(request=request, user=request.user, **payload.dict())
    return Status(204, None)


@router.post("/me/close", response={204: None, **WRITE_ERRORS})
def account_close(request, payload: AccountClose):
    """Close your account for good (needs the password, even with a bearer token). Your name,
    email, sessions, tokens and memberships go; what you wrote stays, credited to
    closed-<id>. 409 while you are the only admin of a workspace others still use."""
    services.account_close(user=request.user, password=payload.password, request=request)
    return Status(204, None)


@router.get("/me/sessions", response={200: list[SessionOut], **COMMON_ERRORS})
def session_list(request):
    """Where you are signed in: your live browser sessions, most recently active first.
    API tokens are listed under /tokens."""
    current = sessions.current_id(request)
    return [
        {
            "id": row.pk,
            "device": row.device,
            "user_agent": row.user_agent,
            "ip_address": row.ip_address,
            "signed_in_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "current": row.pk == current,
        }
        for row in sessions.live_sessions(request.user)
    ]


@router.delete("/me/sessions/{session_id}", response={204: None, **WRITE_ERRORS})
def session_revoke(request, session_id: int):
    """Sign that browser out (409 for the session making the call: sign out instead)."""
    row = sessions.access_session(request.user, session_id)
    sessions.session_end(user=request.user, row=row, request=request)
    return Status(204, None)


@router.get("/me/security-events", response={200: AuditPage, **COMMON_ERRORS})
def security_list(
    request,
    action: ActionName | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Your own account's events (sign-ins, failed sign-ins, passwords, email, tokens), newest
    first; ``since`` and ``until`` are the first and last day (inclusive, local time)."""
    f = AuditFilter(action=action or "", since=since, until=until)
    return _audit_page(account_audit(request.user, f), limit, offset)
