"""API of the glossary: terms (If-Match on changes), the starter import, suggestions, and
marking terms in a text for a reader."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.markdown import render_markdown
from truce.glossary import selectors, services
from truce.glossary.access import access_term
from truce.glossary.highlight import highlighter_for
from truce.glossary.schemas import (
    HighlightIn,
    HighlightOut,
    ImportOut,
    SuggestionOut,
    TermIn,
    TermOut,
    TermPatch,
    TermSideName,
)

router = Router(tags=["glossary"])
BASE = "/workspaces/{slug}/glossary"


@router.get(BASE + "/terms", response={200: list[TermOut], **COMMON_ERRORS})
def term_list(
    request,
    slug: str,
    q: str = Query("", max_length=100),
    side: TermSideName | None = None,
):
    """Terms, optionally searched (names, aliases, definitions) and filtered by side."""
    ctx = access_workspace(request.user, slug)
    return list(selectors.term_list(ctx, q=q, side=side or ""))


@router.post(BASE + "/terms", response={201: TermOut, **WRITE_ERRORS})
def term_create(request, response: HttpResponse, slug: str, payload: TermIn):
    ctx = access_workspace(request.user, slug, write=True)
    term = services.term_create(ctx=ctx, **payload.dict())
    response["ETag"] = term.etag
    return Status(201, term)


@router.get(BASE + "/terms/{term_id}", response={200: TermOut, **COMMON_ERRORS})
def term_detail(request, response: HttpResponse, slug: str, term_id: int):
    _ctx, term = access_term(request.user, slug, term_id)
    response["ETag"] = term.etag
    return term


@router.patch(BASE + "/terms/{term_id}", response={200: TermOut, **WRITE_ERRORS})
def term_update(
    request,
    response: HttpResponse,
    slug: str,
    term_id: int,
    payload: TermPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, term = access_term(request.user, slug, term_id, write=True)
    version = version_from_if_match(if_match, pk=term.pk)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items()}
    if changes.get("side", "") is None:
        changes.pop("side")  # null means "leave as is" for a field that cannot be empty
    services.term_update(ctx=ctx, term=term, expected_version=version, **changes)
    response["ETag"] = term.etag
    return term


@router.delete(BASE + "/terms/{term_id}", response={204: None, **WRITE_ERRORS})
def term_delete(
    request, slug: str, term_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    ctx, term = access_term(request.user, slug, term_id, write=True)
    version = version_from_if_match(if_match, pk=term.pk)
    services.term_delete(ctx=ctx, term=term, expected_version=version)
    return Status(204, None)


@router.post(BASE + "/import-starter", response={200: ImportOut, **WRITE_ERRORS})
def starter_import(request, slug: str):
    """Add the starter glossary's terms this workspace lacks; importing again adds nothing."""
    ctx = access_workspace(request.user, slug, write=True)
    result = services.starter_import(ctx=ctx)
    return {"created": result.created, "skipped": result.skipped}


@router.get(BASE + "/suggestions", response={200: list[SuggestionOut], **COMMON_ERRORS})
def suggestions(request, slug: str, limit: int = Query(20, ge=1, le=50)):
    """Frequent jargon of this workspace's texts that is not a term yet, with examples."""
    ctx = access_workspace(request.user, slug)
    return selectors.suggestions(ctx, limit=limit)


@router.post(BASE + "/highlight", response={200: HighlightOut, **COMMON_ERRORS})
def highlight(request, slug: str, payload: HighlightIn):
    """The text rendered from Markdown (sanitised) with the terms the reader needs explained
    marked, as the pages show them. Reading only: viewers may call it."""
    ctx = access_workspace(request.user, slug)
    marker = highlighter_for(ctx, audience=payload.audience)
    html, terms = marker.html(render_markdown(payload.text))
    return {
        "html": str(html),
        "terms": [{"id": t.pk, "name": t.name, "side": t.side} for t in terms],
    }
