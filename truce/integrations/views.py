"""Integrations pages: the endpoint list, create/edit, and each endpoint's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.domain import signing
from truce.integrations import access, forms, selectors, services
from truce.integrations.models import OPEN_STATUSES, DeliveryStatus


def _fetch(helper, request, slug, pk, *, admin=False):
    try:
        return helper(request.user, slug, pk, admin=admin)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
@workspace_view()
def endpoint_list(request, ctx):
    context = {"ctx": ctx, "endpoints": selectors.endpoints_overview(ctx.workspace)}
    return render(request, "integrations/endpoints.html", context)


@login_required
@workspace_view(admin=True)
def endpoint_new(request, ctx):
    form = forms.EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(ctx=ctx, **form.service_kwargs())
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Endpoint “%(name)s” created.") % {"name": endpoint.name})
            return _detail(request, ctx, endpoint, revealed=secret)
    context = {"ctx": ctx, "form": form, "heading": _("New endpoint")}
    return render(request, "integrations/form.html", context)


@login_required
def endpoint_edit(request, slug, endpoint_id):
    ctx, endpoint = _fetch(access.access_endpoint, request, slug, endpoint_id, admin=True)
    form = forms.EndpointForm(
        request.POST or None, endpoint=endpoint, initial=forms.EndpointForm.initial_for(endpoint)
    )
    theirs, revealed = None, []
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]

        def save():
            _endpoint, secret = services.endpoint_update(
                ctx=ctx, endpoint=endpoint, expected_version=version, **form.service_kwargs()
            )
            revealed.append(secret)

        saved, theirs = save_or_show_theirs(form, save)
        if saved:
            messages.success(request, _("Endpoint saved."))
            if revealed[0]:
                return _detail(request, ctx, endpoint, revealed=revealed[0])
            return redirect("integrations:endpoint", slug=slug, endpoint_id=endpoint.pk)
    context = {
        "ctx": ctx,
        "form": form,
        "heading": _("Edit endpoint"),
        "endpoint": endpoint,
        "theirs": theirs,
    }
    return render(request, "integrations/form.html", context)


@login_required
@require_POST
def endpoint_delete(request, slug, endpoint_id):
    ctx, endpoint = _fetch(access.access_endpoint, request, slug, endpoint_id, admin=True)
    try:
        services.endpoint_delete(
            ctx=ctx,
            endpoint=endpoint,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("integrations:endpoint_edit", slug=slug, endpoint_id=endpoint.pk)
    messages.success(request, _("Endpoint “%(name)s” deleted.") % {"name": endpoint.name})
    return redirect("integrations:endpoints", slug=slug)


@login_required
def endpoint_detail(request, slug, endpoint_id):
    ctx, endpoint = _fetch(access.access_endpoint, request, slug, endpoint_id)
    return _detail(request, ctx, endpoint)


def _detail(request, ctx, endpoint, *, revealed=None):
    log = selectors.delivery_log(endpoint)
    context = {
        "ctx": ctx,
        "endpoint": endpoint,
        "deliveries": log,
        "busy": any(d.status in (*OPEN_STATUSES, DeliveryStatus.SENDING) for d in log),
        "revealed": revealed,
        "masked_secret": signing.mask_secret(endpoint.secret),
        "signature_header": signing.SIGNATURE_HEADER,
    }
    return render_page(request, "integrations/endpoint.html", context, partial="deliveries")


@login_required
@require_POST
def endpoint_test(request, slug, endpoint_id):
    ctx, endpoint = _fetch(access.access_endpoint, request, slug, endpoint_id, admin=True)
    services.endpoint_test(ctx=ctx, endpoint=endpoint)
    messages.success(request, _("Test message queued; its result appears below."))
    return redirect("integrations:endpoint", slug=slug, endpoint_id=endpoint.pk)


@login_required
@require_POST
def delivery_redeliver(request, slug, delivery_id):
    ctx, delivery = _fetch(access.access_delivery, request, slug, delivery_id, admin=True)
    try:
        services.delivery_redeliver(ctx=ctx, delivery=delivery)
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Queued for redelivery."))
    return redirect("integrations:endpoint", slug=slug, endpoint_id=delivery.endpoint_id)
