"""Glossary terms (术语表): each side's jargon, explained to the other side.

One row per concept, both languages side by side (``term_zh``/``term_en``,
``definition_zh``/``definition_en``, …) rather than one row per language: a term is one idea
whatever the language it is spoken in, matching looks for every spelling at once (a Chinese
text often says "GMV" and an English one "埋点"), and a reader sees the fields of their own
language, falling back to the other when one is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from truce.accounts.models import Workspace
from truce.core.models import Versioned
from truce.domain.glossary import fold


class TermSide(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    BOTH = "both", _("Both sides")


class TermQuerySet(models.QuerySet):
    def for_workspace(self, workspace) -> TermQuerySet:
        return self.filter(workspace=workspace)

    def search(self, query: str) -> TermQuerySet:
        folded = fold(query.replace("\x00", ""))  # PostgreSQL refuses NUL in a query
        return self.filter(search_text__contains=folded) if folded else self


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


class Term(Versioned):
    """A piece of jargon: what it means, who says it, and what the other side calls it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="terms")
    term_zh = models.CharField(_("term (Chinese)"), max_length=80, blank=True)
    term_en = models.CharField(_("term (English)"), max_length=80, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    side = models.CharField(_("used by"), max_length=20, choices=TermSide.choices)
    definition_zh = models.TextField(_("definition (Chinese)"), max_length=2000, blank=True)
    definition_en = models.TextField(_("definition (English)"), max_length=2000, blank=True)
    equivalent_zh = models.CharField(
        _("the other side's equivalent (Chinese)"), max_length=300, blank=True
    )
    equivalent_en = models.CharField(
        _("the other side's equivalent (English)"), max_length=300, blank=True
    )
    example_zh = models.TextField(_("example (Chinese)"), max_length=1000, blank=True)
    example_en = models.TextField(_("example (English)"), max_length=1000, blank=True)
    # Derived by the services: the folded main name (unique per workspace), the starter entry
    # a term was imported from, and the folded text the list page searches.
    key = models.CharField(max_length=80, editable=False)
    starter_key = models.CharField(max_length=40, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["key", "id"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="glossary_term_unique"),
            models.CheckConstraint(
                condition=Q(side__in=TermSide.values), name="glossary_term_side_valid"
            ),
            models.CheckConstraint(
                condition=~Q(term_zh="") | ~Q(term_en=""), name="glossary_term_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def forms(self) -> list[str]:
        """Every spelling that marks this term in text."""
        return [f for f in (self.term_zh, self.term_en, *self.aliases) if f]

    def _pick(self, stem: str) -> str:
        zh, en = getattr(self, f"{stem}_zh"), getattr(self, f"{stem}_en")
        return (zh or en) if _zh() else (en or zh)

    @property
    def name(self) -> str:
        return self._pick("term")

    @property
    def other_name(self) -> str:
        """The name in the other language, when it differs ("埋点" → "Event tracking")."""
        other = self.term_en if _zh() else self.term_zh
        return other if other and other != self.name else ""

    @property
    def definition(self) -> str:
        return self._pick("definition")

    @property
    def equivalent(self) -> str:
        return self._pick("equivalent")

    @property
    def example(self) -> str:
        return self._pick("example")
