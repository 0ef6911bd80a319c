"""@mentions in comment text. Pure Python (no Django), so it is tested without a database.

Chinese text puts no space after a name ("@olivia你看一下"), so a mention is the *longest*
known username that the text after "@" starts with, not a word up to the next space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# "@" not glued to a Latin word (so e-mail addresses are not mentions; Chinese may touch it),
# then what a username may hold (Django allows letters, digits and @.+-_)
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_@.+-])@([\w.+-]+(?:@[\w.+-]+)?)")


@dataclass(frozen=True)
class Mention:
    start: int  # index of the "@"
    end: int
    username: str


def find_mentions(text: str, usernames: Iterable[str]) -> list[Mention]:
    """Every ``@username`` in ``text`` naming one of ``usernames`` (case-insensitive)."""
    known = {u.lower(): u for u in usernames}
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        candidate = match.group(1)
        for length in range(len(candidate), 0, -1):
            name = known.get(candidate[:length].lower())
            if name is not None:
                found.append(Mention(match.start(), match.start() + 1 + length, name))
                break
    return found


def mentioned_usernames(text: str, usernames: Iterable[str]) -> list[str]:
    """The distinct usernames mentioned, in order of first mention."""
    seen: dict[str, None] = {}
    for m in find_mentions(text, usernames):
        seen.setdefault(m.username, None)
    return list(seen)


_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"code", "pre", "a"}


def highlight_mentions(html: str, usernames: Iterable[str]) -> str:
    """Wrap mentions in the text of sanitised ``html`` in ``<span class="mention">``, leaving
    code, preformatted text and links alone. Usernames hold no markup characters, so the
    result is as safe as the input."""
    names = list(usernames)
    if not names:
        return html
    out, skipping = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if tag in _SKIP:
                skipping += -1 if part.startswith("</") else 1
            out.append(part)
        elif skipping > 0:
            out.append(part)
        else:
            out.append(_wrap(part, names))
    return "".join(out)


def _wrap(text: str, names: list[str]) -> str:
    pieces, last = [], 0
    for m in find_mentions(text, names):
        pieces.append(text[last : m.start])
        pieces.append(f'<span class="mention">{text[m.start : m.end]}</span>')
        last = m.end
    pieces.append(text[last:])
    return "".join(pieces)
