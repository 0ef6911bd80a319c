"""Readable sentences for events and changes ("Alice commented on #12 灰度发布"), used by the
activity stream, the inbox and notification e-mails.

Apps that emit their own kinds give them a sentence in their ``AppConfig.ready``::

    from django.utils.translation import gettext_lazy as _
    from truce.discussion import describe
    describe.sentence("decision.recorded", _("%(actor)s recorded the decision %(title)s"))

A kind without a sentence reads "<actor>: <title>".
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from truce.discussion.models import Category

_SENTENCES = {
    "comment.created": _("%(actor)s commented on %(title)s"),
    "comment.edited": _("%(actor)s edited a comment on %(title)s"),
    "comment.deleted": _("%(actor)s deleted a comment on %(title)s"),
    "requirement.created": _("%(actor)s proposed %(title)s"),
    "requirement.changed": _("%(actor)s changed %(title)s"),
    "requirement.status": _("%(actor)s moved %(title)s"),
    "decision.recorded": _("%(actor)s recorded the decision %(title)s"),
    "plan.signed": _("%(actor)s signed %(title)s"),
    "plan.published": _("%(actor)s published %(title)s"),
    "launch.go": _("%(actor)s gave the go for %(title)s"),
}
_MENTION = _("%(actor)s mentioned you on %(title)s")

# Filter labels for the nouns of event kinds (the part before the dot).
NOUNS = {
    "comment": _("Comments"),
    "requirement": _("Requirements"),
    "decision": _("Decisions"),
    "plan": _("Plans"),
    "launch": _("Launches"),
    "meeting": _("Meetings"),
    "campaign": _("Campaigns"),
    "conflict": _("Conflicts"),
}


def sentence(kind: str, text) -> None:
    """Give ``kind`` a sentence with ``%(actor)s`` and ``%(title)s`` (a lazy translation)."""
    _SENTENCES[kind] = text


def actor_name(user) -> str:
    return user.name if user is not None else gettext("Someone")


def event_sentence(event, *, category: str = "") -> str:
    """What happened, in the active language."""
    values = {"actor": actor_name(event.actor), "title": event.title or event.kind}
    if category == Category.MENTION:
        return str(_MENTION) % values
    template = _SENTENCES.get(event.kind)
    if template is None:
        return "{actor}: {title}".format(**values)
    return str(template) % values


def change_sentence(change, subject_title: str) -> str:
    values = {
        "actor": actor_name(change.actor),
        "verb": change.get_verb_display(),
        "subject": subject_title,
    }
    return gettext("%(actor)s %(verb)s %(subject)s") % values


def noun_label(noun: str) -> str:
    return str(NOUNS.get(noun, noun))
