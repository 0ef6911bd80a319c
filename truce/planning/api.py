"""API of planning."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["planning"])
