"""Reading files and cells: no database."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from decimal import Decimal

import pytest

from truce.interop import tabular, values

ROWS = "标题,状态\n灰度发布,进行中\n拉新活动,已完成\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ROWS.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ROWS.encode("utf-8"), "utf-8-sig"),
        (ROWS.encode("gbk"), "gb18030"),
        (ROWS.encode("gb18030"), "gb18030"),
        (ROWS.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(tmp_path, data, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    table = tabular.open_table(path, "csv")
    assert table.encoding == encoding and table.headers == ["标题", "状态"]
    assert [cells for _, cells in table.rows()] == [["灰度发布", "进行中"], ["拉新活动", "已完成"]]
    assert table.rows_estimate == 2


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(tmp_path, delimiter):
    path = tmp_path / "a.csv"
    path.write_text(f'Summary{delimiter}Labels\n"a, b; c"{delimiter}x\n', encoding="utf-8")
    table = tabular.open_table(path, "csv")
    assert table.delimiter == delimiter
    assert list(table.rows()) == [(2, ["a, b; c", "x"])]


def test_row_numbers_skip_blank_lines(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a\nx\n\n,\ny\n", encoding="utf-8")
    assert [n for n, _ in tabular.open_table(path, "csv").rows()] == [2, 5]


def test_xlsx_reads_typed_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Title", "Date", "Estimate"])
    book.active.append(["灰度", datetime(2026, 3, 1), 2.5])
    book.save(tmp_path / "a.xlsx")
    table = tabular.open_table(tmp_path / "a.xlsx", "xlsx")
    assert table.headers == ["Title", "Date", "Estimate"] and table.rows_estimate == 1
    assert list(table.rows()) == [(2, ["灰度", datetime(2026, 3, 1), 2.5])]


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("a.xlsx", b"id,title", "not_xlsx"),
        ("a.csv", b"PK\x03\x04rest", "binary_csv"),
        ("a.csv", b"\xd0\xcf\x11\xe0", "binary_csv"),
        ("a.xls", b"\xd0\xcf\x11\xe0", "old_xls"),
        ("a.pdf", b"%PDF", "extension"),
    ],
)
def test_type_checks(name, head, code):
    with pytest.raises(tabular.Rejected) as exc:
        tabular.detect_format(name, head)
    assert exc.value.code == code


def test_renamed_zip_is_not_a_workbook(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    assert tabular.detect_format("a.xlsx", (tmp_path / "a.xlsx").read_bytes()[:8]) == "xlsx"
    with pytest.raises(tabular.Rejected):
        tabular.open_table(tmp_path / "a.xlsx", "xlsx")


@pytest.mark.parametrize(
    ("raw", "unit", "days"),
    [
        ("2.5", "days", "2.5"), (16, "hours", "2.0"), ("28800", "seconds", "1.0"),
        ("1w 2d 4h", "days", "7.5"), ("3天", "days", "3.0"), ("16小时", "days", "2.0"),
        (None, "days", None), ("", "days", None),
    ],
)  # fmt: skip
def test_durations(raw, unit, days):
    assert values.duration_days(raw, unit) == (Decimal(days) if days else None)


@pytest.mark.parametrize("raw", ["soon", "2x", "3 apples"])
def test_bad_durations(raw):
    with pytest.raises(ValueError):
        values.duration_days(raw)


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026-03-31", date(2026, 3, 31)), ("2026/3/1", date(2026, 3, 1)),
        ("2026年3月1日", date(2026, 3, 1)), ("31/12/2026", date(2026, 12, 31)),
        (datetime(2026, 1, 2, 9, 0), date(2026, 1, 2)), (46000, date(2025, 12, 9)),
    ],
)  # fmt: skip
def test_dates(raw, day):
    assert values.day(raw) == day


def test_numbers_flags_and_tags():
    assert values.decimal("¥1,234.50") == Decimal("1234.50")
    assert values.yes_no("是") is True and values.yes_no("no") is False
    assert values.tags("a, b；c、d") == ["a", "b", "c", "d"]
    assert values.requirement_number("#12") == 12
    with pytest.raises(ValueError):
        values.yes_no("perhaps")
