"""The zh-Hans catalog is complete, in sync with the source, compiled, and actually used.

To refresh the catalog after changing strings (from the repository root):

    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete \
        --ignore=.venv --ignore=tests --ignore=bench --ignore=data --ignore='*.egg-info' \
        --ignore=build --ignore=node_modules --ignore=test-results
    # translate every new or fuzzy entry in truce/locale/zh_Hans/LC_MESSAGES/django.po,
    # then delete the "#, fuzzy" flags you reviewed
    .venv/bin/python manage.py compilemessages --ignore=.venv -l zh_Hans
"""

from __future__ import annotations

import gettext as pygettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "truce" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# Same ignores as the refresh command above (they matter only for files inside truce/).
MAKEMESSAGES_IGNORES = ["tests", "__pycache__", "*.egg-info", "node_modules", "build"]
GETTEXT_TOOLS = ["xgettext", "msgmerge", "msguniq", "msgattrib"]


# --- a small .po reader (stdlib only) ---------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index -> text; 0 if singular
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def label(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"


_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str) -> str:
    body = token.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted PO string: {token!r}")
    body, out, i = body[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> tuple[Entry | None, list[Entry]]:
    """Return (header entry, other entries). Obsolete ("#~") entries are skipped."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()
    pending_line = 0

    def finish():
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if cur is not None and cur.msgstr:  # comments start the next entry
                finish()
                target = None
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            pending_line = pending_line or lineno
            continue
        m = _KEYWORD.match(line)
        if m:
            keyword, index, token = m.group(1), m.group(2), m.group(3)
            text = _unquote(token)
            if keyword in ("msgctxt", "msgid") and cur is not None and cur.msgstr:
                finish()
            if cur is None:
                cur = Entry(msgid="", flags=pending_flags, line=pending_line or lineno)
                pending_flags, pending_line = set(), 0
            if keyword == "msgctxt":
                cur.msgctxt, target = text, ("msgctxt", None)
            elif keyword == "msgid":
                cur.msgid, target = text, ("msgid", None)
            elif keyword == "msgid_plural":
                cur.msgid_plural, target = text, ("msgid_plural", None)
            else:
                n = int(index) if index is not None else 0
                cur.msgstr[n] = text
                target = ("msgstr", n)
            continue
        if line.startswith('"') and cur is not None and target is not None:
            text = _unquote(line)
            name, n = target
            if name == "msgstr":
                cur.msgstr[n] += text
            else:
                setattr(cur, name, getattr(cur, name) + text)
            continue
        raise ValueError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()

    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    return header, [e for e in entries if e is not header]


def _msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
    return {e.key for e in parse_po(path)[1]}


# --- (a) complete: nothing empty, nothing fuzzy ------------------------------------------------


def test_po_header():
    header, _entries = parse_po(PO_PATH)
    assert header is not None, "the catalog has no header entry"
    text = header.msgstr.get(0, "")
    assert "Language: zh_Hans\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text
    assert not header.fuzzy, "remove the '#, fuzzy' flag from the header entry"


def test_every_entry_is_translated_and_reviewed():
    _header, entries = parse_po(PO_PATH)
    assert entries, "the catalog is empty"
    empty = [e.label() for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.label() for e in entries if e.fuzzy]
    problems = []
    if empty:
        problems.append("untranslated (empty msgstr):\n  " + "\n  ".join(empty))
    if fuzzy:
        problems.append(
            "fuzzy (review the translation, then delete the '#, fuzzy' flag):\n  "
            + "\n  ".join(fuzzy)
        )
    assert not problems, f"{PO_PATH.relative_to(ROOT)}\n" + "\n".join(problems)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdif]|\{\{\s*\w+\s*\}\}|\{\w*\}")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|&[a-z]+;|&#\d+;")


def test_translations_keep_placeholders_and_markup():
    """msgfmt checks python-format; this also covers HTML tags, entities and edge newlines."""
    _header, entries = parse_po(PO_PATH)
    bad = []
    for e in entries:
        for text in e.msgstr.values():
            if not text:
                continue
            if sorted(_PLACEHOLDER.findall(e.msgid)) != sorted(_PLACEHOLDER.findall(text)):
                bad.append(f"{e.label()}: placeholders differ in {text!r}")
            if sorted(_TAG.findall(e.msgid)) != sorted(_TAG.findall(text)):
                bad.append(f"{e.label()}: HTML tags/entities differ in {text!r}")
            if e.msgid.startswith("\n") != text.startswith("\n") or e.msgid.endswith(
                "\n"
            ) != text.endswith("\n"):
                bad.append(f"{e.label()}: leading/trailing newline differs in {text!r}")
    assert not bad, "\n".join(bad)


# --- (b) in sync with the source --------------------------------------------------------------


def _require_gettext_tools():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"GNU gettext tools not installed ({', '.join(missing)}); install gettext"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: CI must run the catalog sync check")
    pytest.skip(reason)


def test_catalog_is_in_sync_with_source(tmp_path):
    """Re-run makemessages on a copy of truce/ and compare msgids with the committed catalog."""
    _require_gettext_tools()
    copy = tmp_path / "truce"
    shutil.copytree(
        ROOT / "truce",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Without settings, makemessages finds truce/locale by walking the tree; it never
    # imports (and so never writes through) the real project's settings.
    cmd = [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    cmd += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    result = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    regenerated = _msgids(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    committed = _msgids(PO_PATH)

    def fmt(keys):
        return "\n  ".join(
            (f"[{ctx}] " if ctx is not None else "") + repr(msgid)
            for ctx, msgid, _p in sorted(keys, key=lambda k: (k[0] or "", k[1]))
        )

    new = regenerated - committed
    stale = committed - regenerated
    problems = []
    if new:
        problems.append(f"{len(new)} msgid(s) in the source but not in the catalog:\n  {fmt(new)}")
    if stale:
        problems.append(
            f"{len(stale)} msgid(s) in the catalog but no longer in the source:\n  {fmt(stale)}"
        )
    assert not problems, (
        "The zh_Hans catalog is out of date: run makemessages and translate "
        "(see this module's docstring for the command).\n" + "\n".join(problems)
    )


# --- (c) the compiled .mo matches the .po ------------------------------------------------------


def test_mo_matches_po():
    assert MO_PATH.exists(), "django.mo is missing: run compilemessages"
    with MO_PATH.open("rb") as fh:
        catalog = pygettext.GNUTranslations(fh)
    _header, entries = parse_po(PO_PATH)
    stale = []
    for e in entries:
        if e.fuzzy:
            continue  # msgfmt leaves fuzzy entries out; test_every_entry_is_translated flags them
        if e.msgid_plural is None:
            expected = e.msgstr.get(0, "")
            got = (
                catalog.pgettext(e.msgctxt, e.msgid)
                if e.msgctxt is not None
                else catalog.gettext(e.msgid)
            )
            if got != expected:
                stale.append(f"{e.label()}: .mo has {got!r}, .po has {expected!r}")
        else:
            for n, expected in e.msgstr.items():
                # zh_Hans has one plural form, so every count selects msgstr[0].
                count = 1 if n == 0 else n + 1
                got = (
                    catalog.npgettext(e.msgctxt, e.msgid, e.msgid_plural, count)
                    if e.msgctxt is not None
                    else catalog.ngettext(e.msgid, e.msgid_plural, count)
                )
                if n == 0 and got != expected:
                    stale.append(f"{e.label()}[{n}]: .mo has {got!r}, .po has {expected!r}")
    assert not stale, (
        "django.mo is out of date: run "
        "`.venv/bin/python manage.py compilemessages --ignore=.venv -l zh_Hans`\n"
        + "\n".join(stale[:50])
    )


# --- (d) Django actually serves the translations ----------------------------------------------


def test_django_uses_the_catalog():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Members") == "成员"
        assert "找不到" in translation.gettext("Not found")
    with translation.override("en"):
        assert translation.gettext("Members") == "Members"
