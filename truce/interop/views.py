"""Pages of interop: the admins' import/export/backup page, the import wizard, downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core import jobs
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.http import add_form_errors, render_page, workspace_view
from truce.interop import forms, presets, responses, restores, services
from truce.interop.access import access_import_job, access_restore_job, check_kind
from truce.interop.models import ImportJob, ImportKind, RestoreJob

RECENT = 10


def _job(request, slug, job_id):
    """The job, after the reaper has looked at it if it is not finished."""
    try:
        ctx, job = access_import_job(request.user, slug, job_id)
        jobs.reap_shown([job])
        return ctx, job
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _home(request, ctx, *, upload=None, restore=None, status=200):
    context = {
        "ctx": ctx,
        "upload": upload or forms.UploadForm(),
        "restore": restore or forms.RestoreForm(),
        "jobs": _recent(ctx),
        "restores": _recent_restores(ctx),
        "kinds": ImportKind.choices,
        "presets": presets.PRESETS.values(),
    }
    return render(request, "interop/home.html", context, status=status)


def _recent(ctx) -> list[ImportJob]:
    recent = list(
        ImportJob.objects.for_workspace(ctx.workspace).select_related("created_by")[:RECENT]
    )
    jobs.reap_shown(recent)
    return recent


def _recent_restores(ctx) -> list[RestoreJob]:
    recent = list(
        RestoreJob.objects.filter(workspace=ctx.workspace).select_related("created_by", "restored")[
            :RECENT
        ]
    )
    jobs.reap_shown(recent)
    return recent


@login_required
@workspace_view(admin=True)
def home(request, ctx):
    return _home(request, ctx)


@login_required
@require_POST
@workspace_view(admin=True)
def import_upload(request, ctx):
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.import_upload(
                ctx=ctx,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                preset=form.cleaned_data["preset"],
            )
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("interop:import_job", slug=ctx.workspace.slug, job_id=job.pk)
    return _home(request, ctx, upload=form, status=400)


def _job_page(request, ctx, job, form=None, status=200):
    context = {
        "ctx": ctx,
        "job": job,
        "form": form or forms.MappingForm(job=job),
    }
    return render_page(request, "interop/job.html", context, partial="results", status=status)


@login_required
def import_job(request, slug, job_id):
    ctx, job = _job(request, slug, job_id)
    return _job_page(request, ctx, job)


@login_required
@require_POST
def import_run(request, slug, job_id):
    """Save the mapping, then check every row (dry run) or import."""
    ctx, job = _job(request, slug, job_id)
    form = forms.MappingForm(request.POST, job=job)
    if not form.is_valid():
        return _job_page(request, ctx, job, form, status=400)
    try:
        services.import_configure(
            ctx=ctx,
            job=job,
            mapping=form.mapping(),
            estimate_unit=form.cleaned_data.get("estimate_unit", ""),
        )
        job = services.import_start(ctx=ctx, job=job, commit=request.POST.get("action") == "import")
    except TruceError as exc:
        add_form_errors(form, exc)
        return _job_page(request, ctx, job, form, status=400)
    if job.status == ImportJob.State.DONE:
        messages.success(request, _("%(n)s rows imported.") % {"n": job.created_count})
    return redirect("interop:import_job", slug=slug, job_id=job.pk)


@login_required
@require_POST
def import_retry(request, slug, job_id):
    """Run an interrupted (or crashed) import again, as the dry run or commit it was."""
    ctx, job = _job(request, slug, job_id)
    try:
        job = services.import_retry(ctx=ctx, job=job)
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        if job.status == ImportJob.State.DONE:
            messages.success(request, _("%(n)s rows imported.") % {"n": job.created_count})
    return redirect("interop:import_job", slug=slug, job_id=job.pk)


@login_required
def import_status(request, slug, job_id):
    """The results area alone, polled by htmx while the job runs."""
    ctx, job = _job(request, slug, job_id)
    return render(request, "interop/job.html#results", {"ctx": ctx, "job": job})


@login_required
@workspace_view()
def template(request, ctx, data_kind, file_format):
    check_kind(data_kind)
    if file_format not in ("csv", "xlsx"):
        raise Http404()
    preset = request.GET.get("preset", "")
    return responses.template_response(
        data_kind, file_format, preset if preset in presets.PRESETS else ""
    )


@login_required
@workspace_view()
def export(request, ctx, data_kind):
    """The list page's filters (in the query string) decide the rows."""
    check_kind(data_kind)
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    response = responses.export_response(ctx.workspace, data_kind, file_format, request.GET)
    responses.audit_export(ctx, data_kind, file_format, request.GET)
    return response


@login_required
@require_POST
@workspace_view(admin=True)
def backup(request, ctx):
    return responses.backup_response(
        ctx.workspace, request.user, ip=request.META.get("REMOTE_ADDR")
    )


@login_required
@require_POST
@workspace_view(admin=True)
def restore(request, ctx):
    """Upload a backup: a small one is restored now, a bigger one on the worker (its page)."""
    form = forms.RestoreForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = restores.restore_upload(
                ctx=ctx,
                upload=form.cleaned_data["file"],
                slug=form.cleaned_data["slug"],
                ip=request.META.get("REMOTE_ADDR"),
            )
            job = restores.restore_start(job)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            if job.status == RestoreJob.State.DONE:
                messages.success(
                    request, _("The backup was restored as “%(name)s”.") % {"name": job.slug}
                )
                return redirect("accounts:overview", slug=job.slug)
            return redirect("interop:restore_job", slug=ctx.workspace.slug, restore_id=job.pk)
    return _home(request, ctx, restore=form, status=400)


def _restore_job(request, slug, restore_id):
    try:
        ctx, job = access_restore_job(request.user, slug, restore_id)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    jobs.reap_shown([job])
    return ctx, job


@login_required
def restore_job(request, slug, restore_id):
    """A restore's status; htmx polls ask for the "status" fragment only."""
    ctx, job = _restore_job(request, slug, restore_id)
    context = {"ctx": ctx, "job": job}
    return render_page(request, "interop/restore.html", context, partial="status")


@login_required
@require_POST
def restore_retry(request, slug, restore_id):
    """Run an interrupted (or crashed) restore again from its stored file."""
    ctx, job = _restore_job(request, slug, restore_id)
    try:
        job = restores.restore_retry(ctx=ctx, job=job)
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        if job.status == RestoreJob.State.DONE:
            messages.success(
                request, _("The backup was restored as “%(name)s”.") % {"name": job.slug}
            )
            return redirect("accounts:overview", slug=job.slug)
    return redirect("interop:restore_job", slug=slug, restore_id=job.pk)
