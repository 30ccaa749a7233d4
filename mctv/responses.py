"""Downloads that carry personal data out of the browser: PDFs, CSV and JSON, attachments never cached.

Every CSV download of the project goes through ``csv_response``, so every cell of every file is escaped
against formula injection in one place.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is run as a formula by spreadsheet software (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def download_response(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """An attachment with ``filename`` that no browser or proxy keeps a copy of."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    return download_response(pdf, content_type="application/pdf", filename=filename)


def csv_safe(value: object) -> str:
    """The cell as text that a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file kept to be fetched later (a bulk hand-over): as ``csv_response`` writes it — UTF-8 with a BOM,
    every cell through ``csv_safe`` — with CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A CSV download: UTF-8 with a BOM (so spreadsheets read the Japanese right), every cell through ``csv_safe``."""
    response = download_response("\ufeff", content_type="text/csv; charset=utf-8", filename=filename)
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return response


STREAM_ROWS = 1000  # rows per piece sent: few enough to stay small, many enough that each write is worth it


def csv_stream_response(filename: str, rows: Iterable[Sequence[object]]) -> StreamingHttpResponse:
    """``csv_response`` for a file of any size: rows are read and sent a piece at a time (from a server-side
    cursor when ``rows`` iterates a queryset), so the first byte leaves at once and memory stays flat."""

    def pieces() -> Iterator[str]:
        yield "\ufeff"
        lines = iter(rows)
        while chunk := list(islice(lines, STREAM_ROWS)):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows([csv_safe(cell) for cell in row] for row in chunk)
            yield buffer.getvalue()

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
