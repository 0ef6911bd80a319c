"""What the glossary keeps in a workspace backup (see truce/interop/registry.py): its terms,
with their derived key and search text as stored."""

from __future__ import annotations

from truce.glossary.models import Term
from truce.interop.registry import Entry

BACKUP = [Entry(Term)]
