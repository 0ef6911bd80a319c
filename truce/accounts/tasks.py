"""Background work for accounts: e-mail is sent by the worker, never inside a request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
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
