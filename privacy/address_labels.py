"""The address labels document (A4 label stock, Japanese postal layout: 〒, address, name 様)."""

from collections.abc import Callable, Sequence

from privacy.label_sheets import LabelSheet
from privacy.pdf import render_pdf, render_pdf_in_parts
from subscribers.models import Subscriber

# The fields a label prints: a print of the whole registry loads nothing else.
LABEL_FIELDS = (
    "number",
    "postal_code",
    "prefecture",
    "municipality",
    "street_address",
    "building",
    "family_name",
    "given_name",
)


# A large print is laid out this many sheets at a time (privacy.pdf.render_pdf_in_parts): memory bounded by a part.
SHEETS_PER_PART = 50


def labels_pdf(
    subscribers: Sequence[Subscriber],
    *,
    sheet: LabelSheet,
    with_number: bool,
    start: int = 1,
    on_sheet: Callable[[int, int], None] | None = None,
) -> bytes:
    """One label per subscriber, row by row from position ``start`` of the first sheet. ``on_sheet(n, sheets)``
    (optional) hears of each sheet laid out, for a progress bar."""
    pages = sheet.pages(list(subscribers), start=start)
    common = {
        "sheet": sheet,
        "lefts": [sheet.left(c) for c in range(sheet.columns)],
        "tops": [sheet.top(r) for r in range(sheet.rows)],
        "with_number": with_number,
    }
    on_page = (lambda n: on_sheet(n, len(pages))) if on_sheet else None
    if len(pages) <= SHEETS_PER_PART:
        return render_pdf("pdf/address_labels.html", {**common, "pages": pages}, on_page=on_page)
    parts = ({**common, "pages": pages[at : at + SHEETS_PER_PART]} for at in range(0, len(pages), SHEETS_PER_PART))
    return render_pdf_in_parts("pdf/address_labels.html", parts, on_page=on_page)
