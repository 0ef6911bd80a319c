"""Pages for customers, segment thresholds and the feedback inbox (客户之声)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core.access import access_customer, access_feedback
from truce.core.concurrency import version_from_form
from truce.core.errors import TruceError, ValidationFailed
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.customers import forms, selectors, services
from truce.customers.models import Customer, Feedback
from truce.requirements.models import Requirement

PAGE_SIZE = 50
DATALIST_SIZE = 300


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Customers -----------------------------------------------------------------------------------


def _customer_filter(form: forms.CustomerFilterForm) -> selectors.CustomerFilter:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.CustomerFilter(
        segment=data.get("segment", ""),
        churn_risk={"yes": True, "no": False}.get(data.get("churn_risk") or ""),
        q=data.get("q", ""),
        sort=data.get("sort") or "value",
    )


@login_required
@workspace_view()
def customer_list(request, ctx):
    form = forms.CustomerFilterForm(request.GET)
    qs = selectors.filter_customers(ctx.workspace, _customer_filter(form))
    context = {
        "ctx": ctx,
        "form": form,
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query_without_page(request),
        "overview": selectors.segment_overview(ctx.workspace),
        "thresholds": forms.SegmentPolicyForm.initial_for(
            services.segment_policy_of(ctx.workspace)
        ),
    }
    return render_page(request, "customers/list.html", context, partial="results")


@login_required
@workspace_view(write=True)
def customer_new(request, ctx):
    form = forms.CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            customer = services.customer_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": customer.name})
            return redirect("customers:detail", slug=ctx.workspace.slug, customer_id=customer.pk)
    return render(request, "customers/form.html", {"ctx": ctx, "form": form})


@login_required
@workspace_view()
def customer_detail(request, ctx, customer_id):
    """The customer, their feedback, and (for writers) the edit form; POST saves it."""
    customer = access_customer(ctx, customer_id, write=request.method == "POST")
    form = forms.CustomerForm(
        request.POST or None, initial=forms.CustomerForm.initial_for(customer)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.customer_update(
                ctx=ctx, customer=customer, expected_version=version, **data
            ),
        )
        if saved:
            messages.success(request, _("%(name)s saved.") % {"name": customer.name})
            return redirect("customers:detail", slug=ctx.workspace.slug, customer_id=customer.pk)
    context = {
        "ctx": ctx,
        "customer": customer,
        "form": form,
        "theirs": theirs,
        "feedback": selectors.customer_feedback(customer),
    }
    return render(request, "customers/detail.html", context)


@login_required
@require_POST
@workspace_view(write=True)
def customer_delete(request, ctx, customer_id):
    customer = access_customer(ctx, customer_id, write=True)
    try:
        services.customer_delete(
            ctx=ctx,
            customer=customer,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("customers:detail", slug=ctx.workspace.slug, customer_id=customer.pk)
    messages.success(request, _("%(name)s deleted.") % {"name": customer.name})
    return redirect("customers:list", slug=ctx.workspace.slug)


@login_required
@workspace_view(admin=True)
def segment_settings(request, ctx):
    """ABC thresholds decide who counts as a key account, so only admins change them."""
    policy = services.segment_policy_of(ctx.workspace)
    form = forms.SegmentPolicyForm(
        request.POST or None, initial=forms.SegmentPolicyForm.initial_for(policy)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():

        def save():
            try:
                services.segment_policy_update(
                    ctx=ctx, expected_version=form.cleaned_data["version"], **form.shares()
                )
            except ValidationFailed as exc:
                exc.fields = {form.FIELD_FOR.get(k, k): v for k, v in exc.fields.items()}
                raise

        saved, current = save_or_show_theirs(form, save)
        if saved:
            messages.success(request, _("Segment thresholds saved; customers were re-segmented."))
            return redirect("customers:list", slug=ctx.workspace.slug)
        theirs = forms.SegmentPolicyForm.initial_for(current) if current else None
    return render(request, "customers/segments.html", {"ctx": ctx, "form": form, "theirs": theirs})


# Feedback ------------------------------------------------------------------------------------


def _feedback_filter(form: forms.FeedbackFilterForm) -> selectors.FeedbackFilter:
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or Feedback.State.NEW
    return selectors.FeedbackFilter(
        status="" if status == "any" else status,
        channel=data.get("channel", ""),
        customer=data.get("customer"),
        q=data.get("q", ""),
    )


@login_required
@workspace_view()
def feedback_inbox(request, ctx):
    form = forms.FeedbackFilterForm(request.GET)
    qs = selectors.filter_feedback(ctx.workspace, _feedback_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for fb in page:
        fb.suggested_title = forms.title_from(fb.text)
    context = {"ctx": ctx, "form": form, "page": page, "query": _query_without_page(request)}
    return render_page(request, "customers/feedback_inbox.html", context, partial="results")


@login_required
@workspace_view(write=True)
def feedback_new(request, ctx):
    initial = {}
    preset = Customer.objects.for_workspace(ctx.workspace).filter(
        pk=_int(request.GET.get("customer"))
    )
    if preset:
        initial["customer"] = preset[0].name
    form = forms.FeedbackForm(request.POST or None, workspace=ctx.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_create(ctx=ctx, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Feedback recorded; it is waiting in the inbox."))
            return redirect("customers:feedback", slug=ctx.workspace.slug)
    names = Customer.objects.for_workspace(ctx.workspace).values_list("name", flat=True)
    context = {"ctx": ctx, "form": form, "customer_names": names[:DATALIST_SIZE]}
    return render(request, "customers/feedback_form.html", context)


@login_required
@workspace_view()
def feedback_detail(request, ctx, feedback_id):
    """One feedback item with its triage panel; htmx asks only for the likely duplicates."""
    fb = access_feedback(ctx, feedback_id)
    fb.suggested_title = forms.title_from(fb.text)
    context = {
        "ctx": ctx,
        "fb": fb,
        "similar": selectors.similar_requirements(ctx.workspace, fb.text),
    }
    return render_page(request, "customers/feedback_detail.html", context, partial="similar")


def _triaged(request, ctx, message: str, target=None, *, show_target=False):
    """After a triage action: htmx replaces the inbox item with a one-line confirmation;
    without htmx, back to the inbox (or to the new requirement, to flesh it out)."""
    if request.htmx:
        context = {"ctx": ctx, "message": message, "target": target}
        return render(request, "customers/feedback_inbox.html#done", context)
    messages.success(request, message)
    if show_target:
        return redirect("requirements:detail", slug=ctx.workspace.slug, number=target.number)
    return redirect("customers:feedback", slug=ctx.workspace.slug)


def _refused(request, ctx, fb, exc: TruceError):
    """htmx only swaps successful responses, so a refusal re-renders the item with a 200."""
    if request.htmx:
        fb.refresh_from_db()
        fb.suggested_title = forms.title_from(fb.text)
        context = {"ctx": ctx, "fb": fb, "error": exc.message}
        return render(request, "customers/feedback_inbox.html#item", context)
    messages.error(request, exc.message)
    return redirect("customers:feedback_detail", slug=ctx.workspace.slug, feedback_id=fb.pk)


@login_required
@require_POST
@workspace_view(write=True)
def feedback_link(request, ctx, feedback_id):
    fb = access_feedback(ctx, feedback_id, write=True)
    number = _int(request.POST.get("number"))
    requirement = Requirement.objects.for_workspace(ctx.workspace).filter(number=number).first()
    try:
        if requirement is None:
            raise TruceError(_("No requirement with this number here."))
        version = version_from_form(request.POST.get("version"))
        services.feedback_link(
            ctx=ctx, feedback=fb, requirement=requirement, expected_version=version
        )
    except TruceError as exc:
        return _refused(request, ctx, fb, exc)
    return _triaged(request, ctx, _("Linked to %(ref)s.") % {"ref": requirement.ref}, requirement)


@login_required
@require_POST
@workspace_view(write=True)
def feedback_create_requirement(request, ctx, feedback_id):
    fb = access_feedback(ctx, feedback_id, write=True)
    try:
        version = version_from_form(request.POST.get("version"))
        requirement = services.feedback_create_requirement(
            ctx=ctx, feedback=fb, title=request.POST.get("title", ""), expected_version=version
        )
    except TruceError as exc:
        return _refused(request, ctx, fb, exc)
    message = _("%(ref)s created from this feedback.") % {"ref": requirement.ref}
    return _triaged(request, ctx, message, requirement, show_target=True)


@login_required
@require_POST
@workspace_view(write=True)
def feedback_dismiss(request, ctx, feedback_id):
    fb = access_feedback(ctx, feedback_id, write=True)
    try:
        version = version_from_form(request.POST.get("version"))
        services.feedback_dismiss(ctx=ctx, feedback=fb, expected_version=version)
    except TruceError as exc:
        return _refused(request, ctx, fb, exc)
    return _triaged(request, ctx, _("Dismissed."))


@login_required
@require_POST
@workspace_view(write=True)
def feedback_unlink(request, ctx, feedback_id):
    fb = access_feedback(ctx, feedback_id, write=True)
    try:
        version = version_from_form(request.POST.get("version"))
        services.feedback_unlink(ctx=ctx, feedback=fb, expected_version=version)
    except TruceError as exc:
        return _refused(request, ctx, fb, exc)
    messages.success(request, _("Back in the inbox."))
    return redirect("customers:feedback_detail", slug=ctx.workspace.slug, feedback_id=fb.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
