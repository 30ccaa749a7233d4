"""Reading an uploaded register, streamed: CSV in UTF-8 (with or without a BOM) or CP932, which Japanese spreadsheet
software writes, told apart by decoding; Excel .xlsx through openpyxl's read-only mode. Nothing here writes a CSV:
downloads are written by ``mctv.responses`` alone."""

import codecs
import csv
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from subscribers.normalize import normalize_text

BOM = codecs.BOM_UTF8
XLSX_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
Cell = str | int | float | date | None


class UnreadableFile(ValueError):
    """The file cannot be read as a register; the message is for the person who uploaded it."""


def file_kind(name: str, head: bytes) -> str:
    """``csv`` or ``xlsx`` from the file's name and first bytes; ``UnreadableFile`` for anything else."""
    suffix = Path(name).suffix.lower()
    if not head.strip(b" \t\r\n" + BOM):
        raise UnreadableFile(_("The file is empty."))
    if suffix == ".xls":
        raise UnreadableFile(_("An old Excel file (.xls) cannot be read: save the sheet as .xlsx or as CSV."))
    if head.startswith(XLSX_MAGIC) and suffix in (".xlsx", ""):
        return "xlsx"
    if suffix in (".csv", ".txt", "") and b"\x00" not in head[:4096] and not head.startswith(XLSX_MAGIC):
        return "csv"
    raise UnreadableFile(_("Choose a CSV file (UTF-8 or Shift_JIS) or an Excel file (.xlsx)."))


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (a BOM), ``utf-8`` or ``cp932``: the first that decodes the whole file."""
    with path.open("rb") as stream:
        if stream.read(len(BOM)) == BOM:
            return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(
        _("The characters of the file cannot be read: save it as CSV in UTF-8 or Shift_JIS (CP932), or as .xlsx.")
    )


def _cell(value: Any) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool):
        return str(value)
    return value


def read_rows(path: Path, kind: str, encoding: str = "") -> Iterator[tuple[int, list[Cell]]]:
    """(row number as the office sees it — the header is row 1 —, cells) for every row that is not empty."""
    if kind == "xlsx":
        yield from _xlsx_rows(path)
        return
    with path.open(encoding=encoding or "utf-8", newline="") as stream:
        for number, cells in enumerate(csv.reader(stream), start=1):
            if any(cell.strip() for cell in cells):
                yield number, list(cells)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    stream = path.open("rb")  # a stream, not a name: openpyxl would refuse a kept upload's name without .xlsx
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        stream.close()
        raise UnreadableFile(_("The Excel file cannot be read: open it in Excel and save it again as .xlsx.")) from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(value) for value in values]
            if any(cell not in (None, "") and str(cell).strip() for cell in cells):
                yield number, cells
    finally:
        book.close()
        stream.close()


def header_row(path: Path, kind: str, encoding: str = "") -> list[str]:
    """The first row, each header as the registry folds text (全角/半角, spaces): how a profile names it."""
    for _number, cells in read_rows(path, kind, encoding):
        return [normalize_text(str(cell)) if cell is not None else "" for cell in cells]
    raise UnreadableFile(_("The file is empty."))


def data_rows(path: Path, kind: str, encoding: str = "") -> Iterator[tuple[int, list[Cell]]]:
    rows = read_rows(path, kind, encoding)
    next(rows, None)
    yield from rows
