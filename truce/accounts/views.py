"""Pages for signing in, profile, tokens, workspaces, members and invitations."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from truce.accounts import forms, reauth, selectors, services, sessions, twofactor
from truce.accounts.models import AuditAction, User
from truce.accounts.strength import assess
from truce.accounts.tasks import send_email
from truce.core.access import access_invitation, access_membership, access_token
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PreconditionFailed, TruceError
from truce.core.http import add_form_errors, render_page, workspace_view
from truce.requirements.selectors import workspace_pulse

# Signing in and passwords --------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if services.account_paused(request.POST.get("username", ""), request):
            context = {"cooloff_timedelta": settings.AXES_COOLOFF_TIME, "account_wide": True}
            return render(request, "accounts/locked.html", context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if user.two_factor:  # the password was right: now the code
            twofactor.remember_password_step(self.request, user, self.get_success_url())
            return redirect("accounts:login_code")
        return super().form_valid(form)


def login_code(request):
    """The second step of signing in, for accounts with two-step sign-in: a code from the
    authenticator app, or a recovery code."""
    user = twofactor.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = forms.SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = twofactor.confirm_code(user, form.cleaned_data["code"])
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            backend, next_url = twofactor.forget_password_step(request)
            login(request, user, backend=backend)
            if kind == "recovery":
                left = twofactor.recovery_codes_left(user)
                services.audit(action=AuditAction.RECOVERY_CODE_USED, actor=user, target=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(n)s is left. Make new ones on "
                        "the two-step sign-in page if you lost your phone.",
                        "You signed in with a recovery code; %(n)s are left. Make new ones on "
                        "the two-step sign-in page if you lost your phone.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(next_url)
    return render(request, "accounts/login_code.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    """Django flushes the server-side session; the browser is also told to drop its cache and
    storage for this site (htmx keeps no page snapshots, `historyCacheSize` 0 in base.html, but
    the cache may hold pages)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Needs the current password (Django's form); wrong ones count towards the same limit
    as other password confirmations (truce/accounts/reauth.py), and are audited."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        forms.with_strength_meter(form.fields["new_password1"], "new_password1")
        return form

    def form_valid(self, form):
        if reauth.is_locked(self.request.user):
            form.add_error("old_password", _("Too many wrong passwords. Try again later."))
            return self.form_invalid(form)
        response = super().form_valid(form)
        reauth.record_success(self.request, self.request.user)
        sessions.end_others(user=self.request.user, request=self.request)
        services.audit(
            action=AuditAction.PASSWORD_CHANGED, actor=self.request.user, target=self.request.user
        )
        messages.success(self.request, _("Your password was changed."))
        return response

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            reauth.record_failure(self.request, self.request.user, purpose="password_change")
        return super().form_invalid(form)


class QueuedPasswordResetForm(PasswordResetForm):
    """Send the reset mail from the worker, so a slow mail server never blocks the page.
    The page says the same whether or not the address belongs to an account (Django's view);
    a request for a real account is audited on that account."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template.loader import render_to_string

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])
        user = context["user"]
        services.audit(action=AuditAction.PASSWORD_RESET_REQUESTED, actor=user, target=user)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        forms.with_strength_meter(form.fields["new_password1"], "new_password1")
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.end_others(user=form.user, request=self.request)
        services.audit(action=AuditAction.PASSWORD_RESET, actor=form.user, target=form.user)
        messages.success(self.request, _("Your password was set. You can sign in now."))
        return response


@require_POST
def password_strength(request):
    """The strength of the new password being typed (htmx, from the password forms): the
    fields are ``new_password1`` (Django's forms) or ``password`` (sign-up by invitation)."""
    password = request.POST.get("new_password1") or request.POST.get("password") or ""
    strength = assess(
        password,
        user=request.user,
        username=request.POST.get("username", ""),
        email=request.POST.get("email", ""),
    )
    return render(request, "accounts/password_strength.html", {"strength": strength})


# Profile and tokens --------------------------------------------------------------------------


@login_required
def profile(request):
    # A copy: ModelForm validation writes into its instance, and the email must be compared
    # with the saved one.
    form = forms.ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data.pop("current_password", "")
        try:
            if services.email_changes(request.user, data["email"]):
                reauth.confirm(request, request.user, password, purpose="email_change",
                               field="current_password")  # fmt: skip
            services.user_update_profile(user=request.user, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def account_close(request):
    """Close the account for good: what goes and what stays is said first; the password is
    asked every time. Afterwards the browser is signed out and sent to the sign-in page."""
    form = forms.AccountCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_close(
                user=request.user, password=form.cleaned_data["password"], request=request
            )
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is closed."))
            return redirect("accounts:login")
    context = {"form": form, "blocked_by": services.closing_blocked_by(request.user)}
    return render(request, "accounts/close.html", context)


@login_required
def tokens(request):
    needs_password = not reauth.is_recent(request, request.user)
    form = forms.TokenForm(request.POST or None, ask_password=needs_password)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data.pop("current_password", "")
        try:
            reauth.confirm(request, request.user, password, purpose="token_create",
                           field="current_password")  # fmt: skip
            token, raw = services.token_create(user=request.user, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            created = {"token": token, "secret": raw}
            form = forms.TokenForm(ask_password=not reauth.is_recent(request, request.user))
    context = {
        "form": form,
        "created": created,
        "tokens": request.user.api_tokens.all(),
    }
    return render_page(request, "accounts/tokens.html", context, partial="token-panel")


@login_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        token = access_token(request.user, token_id)
    except NotFound:
        raise Http404() from None
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
def two_factor(request):
    """Turn two-step sign-in on (scan the QR code, confirm with the password and a code) or
    off, and make new recovery codes; new codes are shown once, on the answer to the post."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    new_codes = None
    enable_form = forms.TwoFactorEnableForm(request.POST if action == "enable" else None)
    disable_form = forms.TwoFactorDisableForm(
        request.POST if action == "disable" else None, prefix="off"
    )
    codes_form = forms.RecoveryCodesForm(request.POST if action == "codes" else None, prefix="new")
    chosen = {"enable": enable_form, "disable": disable_form, "codes": codes_form}.get(action)
    if chosen is not None and chosen.is_valid():
        data = chosen.cleaned_data
        try:
            if action == "enable":
                new_codes = twofactor.enable(request=request, user=user, **data)
                messages.success(request, _("Two-step sign-in is on."))
            elif action == "disable":
                twofactor.disable(request=request, user=user, **data)
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("accounts:two_factor")
            else:
                new_codes = twofactor.regenerate_codes(request=request, user=user, **data)
                messages.success(
                    request, _("New recovery codes were made; the old ones no longer work.")
                )
        except TruceError as exc:
            add_form_errors(chosen, exc)
    context = {
        "enable_form": enable_form,
        "disable_form": disable_form,
        "codes_form": codes_form,
        "new_codes": new_codes,
    }
    if user.two_factor:
        context["codes_left"] = twofactor.recovery_codes_left(user)
    else:
        setup = twofactor.setup_for(request, user)
        qr = segno.make(setup.uri, error="m").svg_inline(scale=4, title=_("QR code of the key"))
        context.update({"setup": setup, "qr": mark_safe(qr)})
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def sign_out_elsewhere(request):
    """End every other session of the signed-in person (another browser, a lost phone)."""
    services.sign_out_elsewhere(user=request.user, request=request)
    messages.success(request, _("You are signed out of every other session; this one stays."))
    return redirect("accounts:security")


@login_required
@require_POST
def session_revoke(request, session_id: int):
    """Sign another browser out (one of the person's own live sessions)."""
    try:
        row = sessions.access_session(request.user, session_id)
    except NotFound:
        raise Http404() from None
    try:
        sessions.session_end(user=request.user, row=row, request=request)
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        message = _("The session on %(device)s was signed out.") % {"device": row.device}
        messages.success(request, message)
    return redirect("accounts:security")


# Workspaces ----------------------------------------------------------------------------------


@login_required
def home(request):
    memberships = list(selectors.memberships_of(request.user))
    last = request.user.last_workspace_id
    chosen = next((m for m in memberships if m.workspace_id == last), None) or (
        memberships[0] if memberships else None
    )
    if chosen is None:
        return redirect("accounts:workspaces")
    return redirect("accounts:overview", slug=chosen.workspace.slug)


@login_required
def workspaces(request):
    form = forms.WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ws = services.workspace_create(actor=request.user, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Workspace “%(name)s” created.") % {"name": ws.name})
            return redirect("accounts:overview", slug=ws.slug)
    memberships = selectors.memberships_of(request.user)
    return render(request, "accounts/workspaces.html", {"form": form, "memberships": memberships})


@login_required
@workspace_view()
def overview(request, ctx):
    services.workspace_switch(user=request.user, workspace=ctx.workspace)
    context = {
        "ctx": ctx,
        "counts": selectors.workspace_overview(ctx.workspace),
        "members": selectors.members_of(ctx.workspace),
        "events": selectors.recent_audit(ctx.workspace, limit=10) if ctx.is_admin else [],
        "pulse": workspace_pulse(ctx.workspace),
    }
    return render(request, "accounts/overview.html", context)


@login_required
@workspace_view(admin=True)
def workspace_settings(request, ctx):
    ws = ctx.workspace
    form = forms.WorkspaceSettingsForm(
        request.POST or None,
        initial={
            "name": ws.name,
            "description": ws.description,
            "admins_need_two_factor": ws.admins_need_two_factor,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(
                ctx=ctx,
                expected_version=version_from_form(request.POST.get("version")),
                **form.cleaned_data,
            )
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("accounts:settings", slug=ws.slug)
    return render(request, "accounts/settings.html", {"ctx": ctx, "form": form})


AUDIT_PAGE_SIZE = 50


def _audit_page(request, qs, form, context: dict):
    page = Paginator(qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "keep_days": getattr(settings, "TRUCE_AUDIT_KEEP_DAYS", 0),
        }
    )
    return render_page(request, "accounts/audit.html", context, partial="audit-results")


@login_required
@workspace_view(admin=True)
def audit_log(request, ctx):
    """The workspace's audit log (admins): filter by action, person and dates, paginated."""
    form = forms.AuditFilterForm(request.GET or None, actors=selectors.audit_actors(ctx.workspace))
    qs = selectors.workspace_audit(ctx.workspace, form.to_filter())
    return _audit_page(request, qs, form, {"ctx": ctx, "account": False})


@login_required
def security_log(request):
    """Everyone's own account events: sign-ins (failed ones too), passwords, tokens, email."""
    form = forms.AuditFilterForm(request.GET or None, account=True)
    qs = selectors.account_audit(request.user, form.to_filter())
    context = {"account": True}
    if not request.htmx:  # a filter or page change (htmx) redraws only the log
        context["sessions"] = sessions.live_sessions(request.user)
        context["current_session"] = sessions.current_id(request)
    return _audit_page(request, qs, form, context)


# Members and invitations ---------------------------------------------------------------------


@login_required
@workspace_view()
def members(request, ctx):
    context = {
        "ctx": ctx,
        "members": selectors.members_of(ctx.workspace),
        "invitations": selectors.pending_invitations(ctx.workspace) if ctx.is_admin else [],
        "role_choices": forms.MemberForm.base_fields["role"].choices,
        "side_choices": forms.MemberForm.base_fields["side"].choices,
    }
    return render(request, "accounts/members.html", context)


@login_required
@require_POST
@workspace_view(admin=True)
def member_update(request, ctx, member_id: int):
    member = _member_or_404(ctx, member_id)
    form = forms.MemberForm(request.POST)
    error = stale = None
    if form.is_valid():
        try:
            services.membership_update(
                ctx=ctx,
                membership=member,
                expected_version=form.cleaned_data["version"],
                role=form.cleaned_data["role"],
                side=form.cleaned_data["side"],
            )
        except PreconditionFailed as exc:
            member, stale = exc.current or member, exc.message
        except TruceError as exc:
            member.refresh_from_db()
            error = exc.message
    else:
        error = "; ".join(str(m) for errs in form.errors.values() for m in errs)
    context = {
        "ctx": ctx,
        "m": member,
        "error": error,
        "stale": stale,
        "saved": not (error or stale),
        "role_choices": forms.MemberForm.base_fields["role"].choices,
        "side_choices": forms.MemberForm.base_fields["side"].choices,
    }
    if request.htmx:
        return render(request, "accounts/members.html#member-row", context)
    if error or stale:
        messages.error(request, error or stale)
    return redirect("accounts:members", slug=ctx.workspace.slug)


def _member_or_404(ctx, member_id):
    try:
        return access_membership(ctx, member_id, admin=True)
    except NotFound:
        raise Http404() from None


@login_required
@require_POST
@workspace_view(admin=True)
def member_remove(request, ctx, member_id: int):
    member = _member_or_404(ctx, member_id)
    try:
        services.membership_remove(ctx=ctx, membership=member)
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s was removed from the workspace.") % {"name": member.user}
        )
    return redirect("accounts:members", slug=ctx.workspace.slug)


@login_required
@workspace_view(admin=True)
def invitation_new(request, ctx):
    form = forms.InvitationForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            _, raw = services.invitation_create(ctx=ctx, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            link = request.build_absolute_uri(reverse("accounts:invitation", args=[raw]))
            form = forms.InvitationForm()
    return render(request, "accounts/invitation_new.html", {"ctx": ctx, "form": form, "link": link})


@login_required
@require_POST
@workspace_view(admin=True)
def invitation_revoke(request, ctx, invitation_id: int):
    try:
        invitation = access_invitation(ctx, invitation_id)
        services.invitation_revoke(ctx=ctx, invitation=invitation)
    except NotFound:
        raise Http404() from None
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("accounts:members", slug=ctx.workspace.slug)


def invitation(request, token: str):
    """Public: shows the invitation; a signed-in user joins, a new person creates an account."""
    try:
        found = services.invitation_lookup(token)
    except NotFound as exc:
        return render(request, "accounts/invitation.html", {"invalid": exc.message}, status=404)
    form = forms.SignupForm(request.POST or None, initial={"email": found.email})
    if request.method == "POST" and (request.user.is_authenticated or form.is_valid()):
        try:
            if request.user.is_authenticated:
                services.invitation_accept(user=request.user, raw_token=token)
            else:
                _signup_and_join(request, form, token)
        except NotFound as exc:
            return render(request, "accounts/invitation.html", {"invalid": exc.message}, status=404)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": found.workspace.name})
            return redirect("accounts:overview", slug=found.workspace.slug)
    return render(request, "accounts/invitation.html", {"invitation": found, "form": form})


def _signup_and_join(request, form, token):
    user = services.user_signup(**form.cleaned_data, language=request.LANGUAGE_CODE)
    services.invitation_accept(user=user, raw_token=token)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    update_session_auth_hash(request, user)
