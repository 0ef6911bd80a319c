"""Glossary pages: the list, a term, create/edit/delete, the starter import, suggestions."""

from __future__ import annotations

from html import unescape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.history import history_of
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.domain.glossary import is_cjk, sentence_with
from truce.glossary import access, selectors, services
from truce.glossary.forms import TermForm
from truce.glossary.highlight import audience_of, highlighter_for, side_label
from truce.glossary.models import TermSide


def _fetch(request, slug, term_id, *, write=False):
    try:
        return access.access_term(request.user, slug, term_id, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
@workspace_view()
def term_list(request, ctx):
    q = request.GET.get("q", "").strip()[:100]
    side = request.GET.get("side", "")
    context = {
        "ctx": ctx,
        "terms": list(selectors.term_list(ctx, q=q, side=side)),
        "q": q,
        "side": side,
        "sides": TermSide.choices,
        "audience": audience_of(ctx),
    }
    return render_page(request, "glossary/list.html", context, partial="results")


def _initial_from_suggestion(request) -> dict:
    word = request.GET.get("term", "").strip()[:80]
    if not word:
        return {}
    return {"term_zh": word} if any(is_cjk(c) for c in word) else {"term_en": word}


@login_required
@workspace_view(write=True)
def term_new(request, ctx):
    form = TermForm(request.POST or None, initial=_initial_from_suggestion(request))
    if request.method == "POST" and form.is_valid():
        data, _version = form.service_data()
        try:
            term = services.term_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("glossary:detail", slug=ctx.workspace.slug, term_id=term.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New glossary term")}
    return render(request, "glossary/form.html", context)


@login_required
def term_detail(request, slug, term_id):
    ctx, term = _fetch(request, slug, term_id)
    highlighter = highlighter_for(ctx)
    context = {
        "ctx": ctx,
        "term": term,
        "side_label": side_label(term.side),
        "explanation": highlighter.explanation(term),
        "uses": [(r, _excerpt(highlighter, term, r)) for r in selectors.appearances(term)],
        "history": history_of(term, limit=30),
    }
    return render(request, "glossary/detail.html", context)


def _excerpt(highlighter, term, requirement):
    """The sentence of the requirement that uses the term, with the reader's jargon marked."""
    text = f"{requirement.title}\n{unescape(strip_tags(requirement.description_html))}"
    form = next((f for f in term.forms() if f.casefold() in text.casefold()), term.name)
    html, _terms = highlighter.html(escape(sentence_with(text, form)))
    return html


@login_required
def term_edit(request, slug, term_id):
    ctx, term = _fetch(request, slug, term_id, write=True)
    form = TermForm(request.POST or None, initial=TermForm.initial_for(term))
    theirs = None
    if request.method == "POST" and form.is_valid():
        data, version = form.service_data()
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.term_update(ctx=ctx, term=term, expected_version=version, **data),
        )
        if saved:
            return redirect("glossary:detail", slug=slug, term_id=term.pk)
    context = {"ctx": ctx, "form": form, "heading": _("Edit glossary term"), "theirs": theirs}
    return render(request, "glossary/form.html", context)


@login_required
@require_POST
def term_delete(request, slug, term_id):
    ctx, term = _fetch(request, slug, term_id, write=True)
    try:
        services.term_delete(
            ctx=ctx, term=term, expected_version=version_from_form(request.POST.get("version"))
        )
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("glossary:detail", slug=slug, term_id=term.pk)
    messages.success(request, _("“%(term)s” was removed from the glossary.") % {"term": term})
    return redirect("glossary:list", slug=slug)


@login_required
@require_POST
@workspace_view(write=True)
def starter_import(request, ctx):
    result = services.starter_import(ctx=ctx)
    n, skipped = len(result.created), len(result.skipped)
    messages.success(
        request,
        ngettext(
            "Imported %(n)d term from the starter glossary.",
            "Imported %(n)d terms from the starter glossary.",
            n,
        )
        % {"n": n}
        + (" " + _("%(n)d were already there.") % {"n": skipped} if skipped else ""),
    )
    return redirect("glossary:list", slug=ctx.workspace.slug)


@login_required
@workspace_view()
def suggestions(request, ctx):
    found = selectors.suggestions(ctx)
    context = {
        "ctx": ctx,
        "suggestions": [
            (s, [(selectors.source_label(e.ref), _source_url(ctx, e.ref), e) for e in s.examples])
            for s in found
        ],
    }
    return render(request, "glossary/suggestions.html", context)


def _source_url(ctx, ref: str) -> str:
    kind, _sep, key = ref.partition(":")
    if kind == "requirement":
        return reverse("requirements:detail", args=[ctx.workspace.slug, int(key)])
    if kind == "feedback":
        return reverse("customers:feedback_detail", args=[ctx.workspace.slug, int(key)])
    return ""
