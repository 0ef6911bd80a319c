"""Reading spreadsheets people export from other tools: CSV in whatever encoding and separator
Excel or the tool chose, and .xlsx. No Django here; the caller translates ``Rejected.code``.

CSV encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), otherwise
GB18030 (a superset of GBK, what Chinese Excel writes by default). Separators: comma,
semicolon (European Excel) or tab, whichever splits the header line into the most columns.

Uploads are checked by extension and by content, whatever the extension claims: a .csv must be
text (no NUL bytes, not a known binary format, not a program or script, not a web page, SVG or
XML document) and must decode; an .xlsx must be a zip holding a workbook (its content types and
``xl/workbook.xml``), without macros, and must not unpack to far more than its size (a "zip
bomb"). The caller reads the first ``SNIFF_BYTES`` for ``detect_format``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException

XLSX_MAGIC = b"PK\x03\x04"
CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
XLSX_EXTENSIONS = {".xlsx"}
DELIMITERS = ",;\t"
SNIFF_BYTES = 4096
# Formats that are never a text table, by their first bytes.
BINARY_MAGIC = (
    XLSX_MAGIC,  # any zip: .xlsx, .docx, .jar … renamed
    b"\xd0\xcf\x11\xe0",  # OLE: old .xls, .doc, .msi
    b"%PDF-",
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"RIFF",  # WebP, AVI, WAV
    b"{\\rtf",
)
EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS Mach-O, both byte orders, 32 and 64 bits, universal
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # a script for an interpreter
)
# A web page, SVG image or XML document: what a browser would render or run if served back.
MARKUP = re.compile(
    r"<(?:!doctype|html|head|body|svg|\?xml|script|iframe|object|embed|meta|link|style|!--)\b",
    re.IGNORECASE,
)
# A zip may unpack to at most this many times its size (xlsx and backups compress 5 to 30
# times; zip bombs a thousand times and more), and to at least this much whatever its size.
UNPACK_RATIO = 100
UNPACK_FLOOR = 64 * 1024 * 1024


class Rejected(Exception):
    """The file cannot be read; ``code`` names why (the caller words it)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


@dataclass
class Table:
    """A file's header row and how to read the rest again (rows are streamed, never kept)."""

    path: Path
    file_format: str
    headers: list[str]
    encoding: str = ""
    delimiter: str = ""
    rows_estimate: int = 0

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number as a spreadsheet shows it, cell values); blank rows skipped."""
        if self.file_format == "xlsx":
            yield from _xlsx_rows(self.path)
        else:
            yield from _csv_rows(self.path, self.encoding, self.delimiter)


def detect_format(filename: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the extension, confirmed by the first bytes."""
    ext = Path(filename).suffix.lower()
    if ext in XLSX_EXTENSIONS:
        if not head.startswith(XLSX_MAGIC):
            raise Rejected("not_xlsx")
        return "xlsx"
    if ext in CSV_EXTENSIONS:
        check_text(head)
        return "csv"
    if ext == ".xls":
        raise Rejected("old_xls")
    raise Rejected("extension", ext=ext or "—")


def check_text(head: bytes) -> None:
    """Refuse what claims to be a CSV file but is not text, from its first bytes."""
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    windows = head.startswith(b"MZ") and b"\x00" in head[:64]  # .exe, .dll (not "MZ,…" text)
    if windows or head.startswith(EXECUTABLE_MAGIC):
        raise Rejected("executable")
    if head.startswith(BINARY_MAGIC) or (b"\x00" in head and not utf16):
        raise Rejected("binary_csv")
    try:
        text = head.decode("utf-16") if utf16 else head.decode("utf-8-sig", errors="ignore")
    except UnicodeDecodeError:
        raise Rejected("encoding") from None
    if MARKUP.match(text.lstrip()):
        raise Rejected("markup")


def check_zip(z: zipfile.ZipFile, size: int) -> None:
    """Refuse an archive that unpacks to far more than ``size`` bytes, or is encrypted."""
    infos = z.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise Rejected("encrypted")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max(UNPACK_RATIO * size, UNPACK_FLOOR):
        raise Rejected("zip_bomb", size=unpacked // (1024 * 1024))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise Rejected("encoding") from None


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first record into the most fields (quotes respected)."""
    first = text[:65536]
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        try:
            record = next(csv.reader(io.StringIO(first), delimiter=delimiter))
        except (StopIteration, csv.Error):
            continue
        if len(record) > best_count:
            best, best_count = delimiter, len(record)
    return best


def open_table(path: Path, file_format: str) -> Table:
    if file_format == "xlsx":
        return _open_xlsx(path)
    text, encoding = decode(path.read_bytes())
    if "\x00" in text:  # binary further in, or a NUL no database column can hold
        raise Rejected("binary_csv")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise Rejected("empty") from None
    except csv.Error:
        raise Rejected("unreadable") from None
    count = _count_records(reader)
    return Table(path, "csv", headers, encoding, delimiter, count)


def _count_records(reader) -> int:
    try:
        return sum(1 for record in reader if any(cell.strip() for cell in record))
    except csv.Error:
        raise Rejected("unreadable") from None


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list]]:
    text, _ = decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    number = 1
    for record in reader:
        number += 1
        if any(cell.strip() for cell in record):
            yield number, record


def _check_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise Rejected("not_xlsx")
            check_zip(z, path.stat().st_size)
            types = z.read("[Content_Types].xml")
    except (zipfile.BadZipFile, EOFError, OSError, KeyError):
        raise Rejected("not_xlsx") from None
    if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
        raise Rejected("macro")
    if b"spreadsheetml" not in types:
        raise Rejected("not_xlsx")


def _workbook(path: Path):
    from openpyxl import load_workbook

    _check_xlsx(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files: "unreadable"
        raise Rejected("xml_entities" if _defused(exc) else "not_xlsx") from None


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl wraps it in a ValueError)."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _open_xlsx(path: Path) -> Table:
    book = _workbook(path)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(values_only=True), None)
        if first is None:
            raise Rejected("empty")
        headers = ["" if v is None else str(v).strip() for v in first]
        while headers and not headers[-1]:
            headers.pop()
        estimate = max((sheet.max_row or 1) - 1, 0)
    except Exception as exc:
        if _defused(exc):
            raise Rejected("xml_entities") from None
        raise
    finally:
        book.close()
    return Table(path, "xlsx", headers, rows_estimate=estimate)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    book = _workbook(path)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
        for number, values in enumerate(rows, start=2):
            if any(v is not None and str(v).strip() for v in values):
                yield number, list(values)
    except Exception as exc:
        if _defused(exc):
            raise Rejected("xml_entities") from None
        raise
    finally:
        book.close()
