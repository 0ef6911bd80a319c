"""Password strength as the person types (ASVS 2.1.8): the site's own password rules first (a
password they break scores 0 and each broken rule is named), then a rough score from length and
variety. Nothing is stored or logged; the password reaches the server as it would on submit."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 4096
"""Longer input is not assessed (the rules refuse far shorter ones anyway)."""


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (refused) to 4
    label: str
    problems: tuple[str, ...]


def _variety(password: str) -> int:
    kinds = set()
    for char in password:
        if char.isdigit():
            kinds.add("digit")
        elif char.islower():
            kinds.add("lower")
        elif char.isupper():
            kinds.add("upper")
        elif unicodedata.category(char).startswith("L"):
            kinds.add("other letter")  # Chinese characters and other scripts
        else:
            kinds.add("symbol")
    return len(kinds)


def assess(password: str, *, user=None, username: str = "", email: str = "") -> Strength:
    """Score ``password`` for ``user`` (or a person about to be made with ``username`` and
    ``email``, so the similarity rule can compare)."""
    if not password:
        return Strength(0, "", ())
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH]
    if user is None or not getattr(user, "is_authenticated", False):
        user = get_user_model()(username=username, email=email)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        return Strength(0, _("Not accepted"), tuple(dict.fromkeys(exc.messages)))
    length, variety = len(password), _variety(password)
    score = 1
    if length >= 12 and variety >= 2:
        score = 2
    if length >= 16 or (length >= 12 and variety >= 3):
        score = 3
    if length >= 20 and variety >= 2:
        score = 4
    labels = {1: _("Weak"), 2: _("Fair"), 3: _("Good"), 4: _("Strong")}
    return Strength(score, labels[score], ())
