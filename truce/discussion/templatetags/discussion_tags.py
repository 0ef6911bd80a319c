"""``{% comment_thread item %}`` puts an item's comment thread on its page;
``{% inbox_link %}`` is the header's link to the inbox with the unread count (one COUNT)."""

from __future__ import annotations

from django import template

from truce.discussion import selectors
from truce.discussion.forms import CommentForm

register = template.Library()


@register.inclusion_tag("discussion/thread.html", takes_context=True)
def comment_thread(context, subject):
    """The thread of ``subject`` (a registered model): its latest comments, or those a
    ``?comment=<id>`` deep link (or a no-JavaScript "show earlier" link) asks for. Needs
    ``ctx`` and ``request`` in the page's context, as every workspace page has. Two queries
    (three with such a link)."""
    request = context["request"]
    ctx = context["ctx"]
    return {
        "ctx": ctx,
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "form": CommentForm(),
        **selectors.thread(ctx, subject, request.user, selectors.thread_anchor(request.GET)),
    }


@register.inclusion_tag("discussion/inbox_link.html", takes_context=True)
def inbox_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": selectors.unread_count(user) if user is not None else 0, "request": request}
