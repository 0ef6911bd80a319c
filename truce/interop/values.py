"""Turning spreadsheet cells into values: numbers, durations, dates, yes/no, lists of tags.

Pure functions; each raises ``ValueError`` for a cell it cannot read, and the importer says
which row and column in the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

HOURS_PER_DAY = 8
DAYS_PER_WEEK = 5
SECONDS_PER_DAY = HOURS_PER_DAY * 3600
# Jira's "1w 2d 4h 30m", and the Chinese units people type.
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|周|天|人天|人日|小时|时|分钟|分)", re.I)
_TO_DAYS = {
    "w": DAYS_PER_WEEK, "周": DAYS_PER_WEEK, "d": 1, "天": 1, "人天": 1, "人日": 1,
    "h": 1 / HOURS_PER_DAY, "小时": 1 / HOURS_PER_DAY, "时": 1 / HOURS_PER_DAY,
    "m": 1 / (HOURS_PER_DAY * 60), "分钟": 1 / (HOURS_PER_DAY * 60), "分": 1 / (HOURS_PER_DAY * 60),
}  # fmt: skip
UNIT_DAYS = {"days": 1, "hours": 1 / HOURS_PER_DAY, "seconds": 1 / SECONDS_PER_DAY}
_TAG_SPLIT = re.compile(r"[,，;；、|\n]+")
_YES = {"1", "y", "yes", "true", "x", "✓", "是", "有", "高", "对"}
_NO = {"", "0", "n", "no", "false", "否", "无", "没有", "低", "-"}
EXCEL_EPOCH = date(1899, 12, 30)


def text(value) -> str:
    """A cell as stripped text; numbers Excel stored as 3.0 come back as "3"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def file_name(name: str) -> str:
    """An uploaded file's name as shown back: the last path part, without control or
    direction-override characters (which can make "gpj.exe" display as "exe.jpg"), at most
    255 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    kept = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf"))
    return kept.strip()[:255] or "upload"


def norm(label: str) -> str:
    """For comparing headers and vocabulary: width-folded, lower case, no spaces or marks."""
    folded = unicodedata.normalize("NFKC", label or "").lower()
    return re.sub(r"[\s_\-/:：()（）*#.]+", "", folded)


def decimal(value) -> Decimal | None:
    """A number, allowing thousands separators, currency signs and a trailing %."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    cleaned = re.sub(r"[,\s¥￥$€£元]", "", unicodedata.normalize("NFKC", str(value)))
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(value) from None


def duration_days(value, unit: str = "days") -> Decimal | None:
    """Days of work, to one decimal. A bare number is in ``unit`` (days, hours or seconds,
    as Jira exports "Original Estimate"); text may carry units: "1w 2d", "4h", "3天", "16小时"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(decimal(value)) * UNIT_DAYS[unit]
    except ValueError:
        source = unicodedata.normalize("NFKC", str(value)).strip()
        parts = _PART.findall(source)
        if not parts or _PART.sub("", source).strip(" ,+"):
            raise
        amount = sum(float(n) * _TO_DAYS[u.lower()] for n, u in parts)
    return Decimal(str(amount)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def day(value) -> date | None:
    """A date from an Excel date cell, an Excel serial number, or common written forms."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 1 <= value < 200000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    source = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", source)
    if not match:
        match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", source)  # 31/12/2026 (day first)
        if not match:
            raise ValueError(value)
        d, m, y = (int(g) for g in match.groups())
    else:
        y, m, d = (int(g) for g in match.groups())
    return date(y, m, d)


def yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    key = norm(text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(value)


def tags(value) -> list[str]:
    return [t.strip() for t in _TAG_SPLIT.split(text(value)) if t.strip()]


def requirement_number(value) -> int | None:
    source = text(value).lstrip("#＃").strip()
    if not source:
        return None
    if not source.isdigit():
        raise ValueError(value)
    return int(source)
