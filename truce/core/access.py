"""The one access layer: every page and endpoint fetches URL-addressed objects through here.

Outsiders (no membership) get NotFound, the same as for an object that does not exist, so
nobody can probe which workspaces or ids exist. Members whose role may not write get
PermissionDenied (they can already see the object, so hiding it would only confuse).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from truce.accounts.models import ApiToken, Invitation, Membership, Workspace
from truce.core.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class WorkspaceAccess:
    """What the current user is in a workspace; passed to services as the actor's context."""

    workspace: Workspace
    membership: Membership
    two_factor: bool = True
    """The person uses two-step sign-in (False only when known not to: a web or API request)."""

    @property
    def can_write(self) -> bool:
        return self.membership.can_write

    @property
    def is_admin(self) -> bool:
        """An admin, who may act as one: in a workspace that asks its admins to use two-step
        sign-in, only once they do."""
        return self.membership.is_admin and not self.admin_needs_two_factor

    @property
    def admin_needs_two_factor(self) -> bool:
        return (
            self.membership.is_admin
            and self.workspace.admins_need_two_factor
            and not self.two_factor
        )

    @property
    def role(self) -> str:
        return self.membership.role


def access_workspace(user, slug: str, *, write: bool = False, admin: bool = False):
    """Return ``WorkspaceAccess`` for ``slug`` or raise NotFound / PermissionDenied."""
    if not user.is_authenticated or "\x00" in slug:  # PostgreSQL refuses NUL in a query
        raise NotFound()
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=slug)
        .first()
    )
    if membership is None:
        raise NotFound()
    ctx = WorkspaceAccess(
        workspace=membership.workspace,
        membership=membership,
        two_factor=bool(getattr(user, "two_factor", False)),
    )
    if admin and ctx.admin_needs_two_factor:
        raise PermissionDenied(
            _(
                "This workspace asks its admins to use two-step sign-in. Turn it on first "
                "(Profile → Two-step sign-in)."
            )
        )
    if admin and not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can do this."))
    if write and not membership.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    return ctx


def access_membership(ctx: WorkspaceAccess, membership_id: int, *, admin: bool = False):
    """A membership of ``ctx.workspace``; changing one needs the admin role."""
    if admin and not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can manage members."))
    found = (
        Membership.objects.select_related("user")
        .filter(workspace=ctx.workspace, pk=membership_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def access_invitation(ctx: WorkspaceAccess, invitation_id: int):
    if not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can manage invitations."))
    found = Invitation.objects.filter(workspace=ctx.workspace, pk=invitation_id).first()
    if found is None:
        raise NotFound()
    return found


def access_token(user, token_id: int) -> ApiToken:
    """Tokens are personal: only their owner sees them."""
    found = (
        ApiToken.objects.filter(user=user, pk=token_id).first() if user.is_authenticated else None
    )
    if found is None:
        raise NotFound()
    return found


def access_requirement(user, slug: str, number: int, *, write: bool = False):
    """The requirement ``number`` of workspace ``slug`` and the user's access, or NotFound."""
    from truce.requirements.models import Requirement

    ctx = access_workspace(user, slug, write=write)
    found = (
        Requirement.objects.filter(workspace=ctx.workspace, number=number)
        .select_related("owner", "parent", "created_by")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace  # already loaded: pages reading it need no query
    return ctx, found


def access_customer(ctx: WorkspaceAccess, customer_id: int, *, write: bool = False):
    from truce.customers.models import Customer

    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    found = Customer.objects.filter(workspace=ctx.workspace, pk=customer_id).first()
    if found is None:
        raise NotFound()
    return found


def access_feedback(ctx: WorkspaceAccess, feedback_id: int, *, write: bool = False):
    from truce.customers.models import Feedback

    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    found = (
        Feedback.objects.filter(workspace=ctx.workspace, pk=feedback_id)
        .select_related("customer", "requirement")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
