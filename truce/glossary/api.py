"""API of glossary."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["glossary"])
