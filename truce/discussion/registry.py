"""Which work items can be discussed: a small registry every app adds its models to.

A thread belongs to a *subject*: any model registered here. The subject's type is its
``model_name`` (the same name ``truce.core.events.emit`` and ``truce.core.history.record``
store), so threads, events and history of one item line up.

How another app makes its model commentable (campaigns, decisions, meetings, launches,
conflicts): register it in the app's ``AppConfig.ready`` ::

    def ready(self):
        from django.urls import reverse

        from truce.core.errors import NotFound
        from truce.discussion import registry
        from truce.meetings.models import Decision

        def decision(ctx, key):
            # the object with this public key in ctx.workspace, else NotFound; ``ctx`` is
            # already a member's access (truce.core.access.WorkspaceAccess)
            found = Decision.objects.filter(workspace=ctx.workspace, pk=key).first()
            if found is None:
                raise NotFound()
            return found

        registry.register(
            Decision,
            resolve=decision,
            url=lambda d: reverse("meetings:decision", args=[d.workspace.slug, d.pk]),
            title=lambda d: d.title,
            key=lambda d: d.pk,  # optional: the public key of URLs and the API (default pk)
            owners=lambda d: [d.owner_id] if d.owner_id else [],  # optional: user ids told
        )                                                          # of comments, like followers

then put the thread on the item's page with one line ::

    {% load discussion_tags %}{% comment_thread decision %}

(the page's context needs ``ctx`` and ``request``, as every workspace page has; the thread
costs two queries). The model must have a ``workspace`` foreign key: a subject whose
``workspace_id`` is not the caller's is NotFound whatever ``resolve`` returns.

The API addresses a subject as ``?subject=<type>:<key>`` (``requirement:12`` is requirement
#12; key results and most other items use their id). ``url`` may read ``obj.workspace``: it is
filled in from the caller's workspace before ``url`` is called, so it costs no query.

Related hooks: ``truce.discussion.describe.sentence(kind, text)`` gives your event kinds a
readable sentence in the activity stream and inbox; ``truce.discussion.notify.notify_users``
tells specific people about your events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model

from truce.core.errors import NotFound


@dataclass(frozen=True)
class Commentable:
    type: str
    model: type[Model]
    resolve: Callable[[object, int], Model]
    url: Callable[[Model], str]
    title: Callable[[Model], str]
    key: Callable[[Model], int] = field(default=lambda obj: obj.pk)
    owners: Callable[[Model], list[int]] = field(default=lambda obj: [])

    def ref(self, obj) -> str:
        """``type:key``, as the API writes it."""
        return f"{self.type}:{self.key(obj)}"


_REGISTRY: dict[str, Commentable] = {}


def register(
    model: type[Model],
    *,
    resolve: Callable[[object, int], Model],
    url: Callable[[Model], str],
    title: Callable[[Model], str],
    key: Callable[[Model], int] | None = None,
    owners: Callable[[Model], list[int]] | None = None,
) -> Commentable:
    """Make ``model`` commentable (idempotent: registering again replaces the entry)."""
    entry = Commentable(
        type=model._meta.model_name,
        model=model,
        resolve=resolve,
        url=url,
        title=title,
        key=key or (lambda obj: obj.pk),
        owners=owners or (lambda obj: []),
    )
    _REGISTRY[entry.type] = entry
    return entry


def get(subject_type: str) -> Commentable:
    """The entry for ``subject_type``; an unknown type is NotFound like a missing object."""
    entry = _REGISTRY.get(subject_type)
    if entry is None:
        raise NotFound()
    return entry


def find(subject_type: str) -> Commentable | None:
    return _REGISTRY.get(subject_type)


def entry_for(obj) -> Commentable:
    return get(obj._meta.model_name)


def types() -> list[str]:
    return sorted(_REGISTRY)


def parse_ref(ref: str) -> tuple[str, int]:
    """``"requirement:12"`` → ``("requirement", 12)``; anything malformed is NotFound."""
    subject_type, _sep, key = (ref or "").partition(":")
    if not key.isdigit() or len(key) > 18 or subject_type not in _REGISTRY:
        raise NotFound()
    return subject_type, int(key)


def _owner_of(obj) -> list[int]:
    owner_id = getattr(obj, "owner_id", None)
    return [owner_id] if owner_id else []


def register_builtin() -> None:
    """Requirements and key results, registered by this app's ready()."""
    from django.urls import reverse

    from truce.goals.models import KeyResult
    from truce.requirements.models import Requirement

    def requirement(ctx, number):
        found = Requirement.objects.filter(workspace=ctx.workspace, number=number).first()
        if found is None:
            raise NotFound()
        return found

    def key_result(ctx, pk):
        found = KeyResult.objects.filter(workspace=ctx.workspace, pk=pk).first()
        if found is None:
            raise NotFound()
        return found

    register(
        Requirement,
        resolve=requirement,
        key=lambda r: r.number,
        url=lambda r: reverse("requirements:detail", args=[r.workspace.slug, r.number]),
        title=str,
        owners=_owner_of,
    )
    register(
        KeyResult,
        resolve=key_result,
        url=lambda kr: reverse("goals:key_result", args=[kr.workspace.slug, kr.pk]),
        title=lambda kr: kr.title,
        owners=_owner_of,
    )
