"""Background work for accounts: e-mail is sent by the worker, never inside a request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from truce.accounts.models import Invitation


@task()
def send_invitation_email(*, invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("workspace", "created_by").get(pk=invitation_id)
    inviter = invitation.created_by
    language = (inviter.language if inviter else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "inviter": inviter,
            "url": settings.BASE_URL + reverse("accounts:invitation", args=[token]),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> None:
    send_mail(subject, body, None, to)


@task()
def send_security_notice(*, user_id: int, action: str, to: str = "") -> None:
    """Tell a person that their password, email address or API tokens changed (ASVS 2.2.3),
    so a change they did not make does not go unnoticed. Sent to ``to`` when given (the old
    address after an email change), else to the account's address."""
    from truce.accounts.models import AuditAction, User

    user = User.objects.filter(pk=user_id).first()
    address = to or (user.email if user else "")
    if user is None or not address:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        what = {
            AuditAction.PASSWORD_CHANGED: _("Your password was changed."),
            AuditAction.PASSWORD_RESET: _("Your password was reset with a link sent by email."),
            AuditAction.EMAIL_CHANGED: _("The email address of your account was changed."),
            AuditAction.TOKEN_CREATED: _("A new API token was created for your account."),
            AuditAction.TWO_FACTOR_ENABLED: _("Two-step sign-in was turned on for your account."),
            AuditAction.TWO_FACTOR_DISABLED: _("Two-step sign-in was turned off for your account."),
            "two_factor.code_reused": _(
                "A two-step sign-in code of your account was entered a second time. If that "
                "was not you, someone may know your password and have seen a code."
            ),
        }[action]
        subject = _("Truce: a change to your account")
        body = _(
            "Hello %(name)s,\n\n%(what)s\n\nIf this was you, there is nothing to do. If it was "
            "not, reset your password now and tell your workspace admin:\n%(url)s\n"
        ) % {
            "name": user.name,
            "what": what,
            "url": settings.BASE_URL + reverse("accounts:password_reset"),
        }
    send_mail(subject, body, None, [address])
