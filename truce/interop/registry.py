"""Which models a workspace backup holds, and in which order they are restored.

Every app that stores workspace data declares its models, in dependency order, in a module
``truce/<app>/backup.py``::

    from truce.interop.registry import Entry
    BACKUP = [Entry(Glossary), Entry(Term), Entry(TermLink, scope="term__glossary__workspace")]

``scope`` is the lookup from the model to its workspace (default ``workspace``). A foreign key
may point at the workspace, at a user (stored as the username) or at any registered model
(ids are remapped on restore); many-to-many fields to registered models or to users (stored as
usernames) are kept too.
Apps that existed before this registry are declared in ``truce/interop/builtin.py``; an app's
own ``backup.py`` replaces that declaration. A model with a path to a workspace that is
registered nowhere makes ``unregistered_models()`` non-empty, and the interop tests fail: a new
app cannot silently drop out of backups. Models that must not be backed up go in ``SKIP``.

Across apps the order is derived from the foreign keys (a stable topological sort); models
with generic references (``subject_type``/``subject_id``) come last, once every id is known,
followed by the models with a foreign key to them (e.g. notifications of domain events).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Transient or instance-level rows that are deliberately not part of a workspace backup
# (each app's backup.py says why it leaves its models out).
SKIP = {
    "interop.importjob",
    "interop.restorejob",
    "django_tasks_db.dbtaskresult",
    # outgoing deliveries, their HTTP attempts and rate-limit windows: operational state
    "integrations.delivery",
    "integrations.attempt",
    "integrations.sendmark",
}


@dataclass(frozen=True)
class Entry:
    model: type[models.Model]
    scope: str = "workspace"
    # (type field, id field) pairs naming a row of another model by its model_name
    generic: tuple[tuple[str, str], ...] = ()
    # unique secrets (token hashes): replaced by a fresh random value when already taken
    regenerate: tuple[str, ...] = ()
    # text fields holding links with the workspace slug (/w/<slug>/…), rewritten on restore
    slug_links: tuple[str, ...] = ()
    # (text field, prefix, model label): ids written after ``prefix`` in the text (a derived
    # key "contested:requirement:12", a link "/w/*/actions/7/" where * is any one path
    # segment) are remapped like foreign keys; the model is restored first
    id_refs: tuple[tuple[str, str, str], ...] = ()
    # (field, value) pairs every restored row gets, whatever the backup says (outgoing
    # webhooks start paused, so a restored copy does not post beside its original)
    on_restore: tuple[tuple[str, object], ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _declared() -> list[Entry]:
    from truce.interop.builtin import BUILTIN

    found: list[Entry] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("truce."):
            continue
        try:
            module = import_module(f"{config.name}.backup")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.backup":
                raise
            found.extend(BUILTIN.get(config.label, []))
        else:
            found.extend(module.BACKUP)
    return found


def is_workspace(model) -> bool:
    return model._meta.label_lower == "accounts.workspace"


def is_user(model) -> bool:
    return model._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def _dependencies(entry: Entry, labels: set[str]) -> set[str]:
    deps = {label for _field, _prefix, label in entry.id_refs if label != entry.label}
    for f in entry.model._meta.concrete_fields:
        if f.is_relation and f.related_model is not entry.model:
            label = f.related_model._meta.label_lower
            if label in labels:
                deps.add(label)
    return deps & labels


def _sorted(todo: list[Entry], labels: set[str], done: set[str]) -> list[Entry]:
    ordered = []
    while todo:
        ready = next((e for e in todo if _dependencies(e, labels) <= done), None)
        if ready is None:
            raise ImproperlyConfigured(f"backup registry: a cycle among {[e.label for e in todo]}")
        ordered.append(ready)
        done.add(ready.label)
        todo.remove(ready)
    return ordered


@cache
def entries() -> tuple[Entry, ...]:
    """All entries in restore order; raises ImproperlyConfigured for a key it cannot follow."""
    declared = _declared()
    labels = {e.label for e in declared}
    _check(declared, labels)
    # generic entries, and whatever depends on them, come last
    late = {e.label for e in declared if e.generic}
    grown = True
    while grown:
        more = {e.label for e in declared if _dependencies(e, labels) & late} - late
        late |= more
        grown = bool(more)
    done: set[str] = set()
    first = _sorted([e for e in declared if e.label not in late], labels, done)
    return (*first, *_sorted([e for e in declared if e.label in late], labels, done))


def _check(declared: list[Entry], labels: set[str]) -> None:
    problems = []
    for entry in declared:
        for f in entry.model._meta.concrete_fields:
            if not f.is_relation:
                continue
            target = f.related_model
            if is_workspace(target) or is_user(target) or target._meta.label_lower in labels:
                continue
            problems.append(f"{entry.label}.{f.name} -> {target._meta.label_lower}")
        for name, _prefix, label in entry.id_refs:
            if label not in labels:
                problems.append(f"{entry.label}.{name} -> {label}")
        for f in entry.model._meta.many_to_many:
            if (
                f.remote_field.through._meta.auto_created
                and not is_user(f.related_model)
                and f.related_model._meta.label_lower not in labels
            ):
                problems.append(f"{entry.label}.{f.name} -> {f.related_model._meta.label_lower}")
    if problems:
        raise ImproperlyConfigured(
            "backup registry: keys to unregistered models: " + ", ".join(problems)
        )


def _reaches_workspace(model, seen: frozenset = frozenset()) -> bool:
    for f in model._meta.concrete_fields:
        if not f.many_to_one and not f.one_to_one:
            continue
        target = f.related_model
        if is_workspace(target):
            return True
        if (
            f.remote_field.on_delete is models.CASCADE
            and target is not model
            and target not in seen
            and not is_user(target)
            and _reaches_workspace(target, seen | {model})
        ):
            return True
    return False


def unregistered_models() -> list[str]:
    """Models of Truce's apps that belong to a workspace but are in no backup."""
    registered = {e.label for e in entries()}
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("truce.") or label in registered or label in SKIP:
            continue
        if is_workspace(model) or is_user(model) or model._meta.auto_created:
            continue
        if _reaches_workspace(model):
            missing.append(label)
    return sorted(missing)
