"""What interop keeps in a workspace backup (see registry.py): the keys of imported items.
Import and restore jobs are transient and stay out (registry.SKIP)."""

from __future__ import annotations

from truce.interop.models import ExternalKey
from truce.interop.registry import Entry

BACKUP = [Entry(ExternalKey)]
