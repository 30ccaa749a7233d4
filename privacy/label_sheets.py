"""The label stock the office prints address labels on: every sheet's geometry in one place (mm, A4 portrait).

The dimensions are the makers' published ones for the common Japanese A4 multi-printer label sheets (エーワン
マルチプリンタラベル; ヒサゴ and コクヨ sell sheets of the same layout): the labels touch, with no gap, and the
margins are what the page leaves around them, equal on both sides. A sheet added here appears on the print page.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

A4 = (Decimal("210"), Decimal("297"))


@dataclass(frozen=True)
class LabelSheet:
    code: str
    name: str | Promise
    products: str  # the stock of this layout, as sold (shown on the print page)
    columns: int
    rows: int
    label_width: Decimal
    label_height: Decimal
    margin_top: Decimal
    margin_left: Decimal
    # From one label's edge to the next one's: the label's size where the labels touch.
    pitch_x: Decimal
    pitch_y: Decimal
    font_pt: Decimal  # the address's size; the rest of the label is in em
    page: tuple[Decimal, Decimal] = A4

    def __post_init__(self) -> None:
        width, height = self.page
        right = self.margin_left + (self.columns - 1) * self.pitch_x + self.label_width
        bottom = self.margin_top + (self.rows - 1) * self.pitch_y + self.label_height
        if right > width or bottom > height or self.pitch_x < self.label_width or self.pitch_y < self.label_height:
            raise ValueError(f"the labels of {self.code} do not fit on the page")

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def left(self, column: int) -> Decimal:
        return self.margin_left + column * self.pitch_x

    def top(self, row: int) -> Decimal:
        return self.margin_top + row * self.pitch_y

    def sheets_for(self, count: int, *, start: int = 1) -> int:
        """Sheets needed for ``count`` labels, the first sheet used from position ``start`` (1 = top left)."""
        return -(-(count + start - 1) // self.per_sheet) if count else 0

    def pages(self, items: list, *, start: int = 1) -> list[list[tuple[int, int, object]]]:
        """``items`` laid out row by row, left to right then top to bottom, from position ``start`` of the first
        sheet: per sheet, (column, row, item) of each label printed."""
        pages: list[list[tuple[int, int, object]]] = []
        for offset, item in enumerate(items, start=start - 1):
            sheet, cell = divmod(offset, self.per_sheet)
            if sheet == len(pages):
                pages.append([])
            row, column = divmod(cell, self.columns)
            pages[-1].append((column, row, item))
        return pages


SHEETS: dict[str, LabelSheet] = {
    sheet.code: sheet
    for sheet in (
        # エーワン 72212 (and the same layout: ヒサゴ ELM008, コクヨ KPC-E1121): 2 × 6 of 86.4 × 42.3 mm.
        LabelSheet(
            code="a4-12",
            name=_("A4, 12 labels (2 × 6, 86.4 × 42.3 mm)"),
            products="エーワン 72212 ほか同寸の12面",
            columns=2,
            rows=6,
            label_width=Decimal("86.4"),
            label_height=Decimal("42.3"),
            margin_top=Decimal("21.6"),
            margin_left=Decimal("18.6"),
            pitch_x=Decimal("86.4"),
            pitch_y=Decimal("42.3"),
            font_pt=Decimal("10.5"),
        ),
        # エーワン 72224 (and the same layout: ヒサゴ ELM012): 3 × 8 of 66.0 × 33.9 mm.
        LabelSheet(
            code="a4-24",
            name=_("A4, 24 labels (3 × 8, 66.0 × 33.9 mm)"),
            products="エーワン 72224 ほか同寸の24面",
            columns=3,
            rows=8,
            label_width=Decimal("66.0"),
            label_height=Decimal("33.9"),
            margin_top=Decimal("12.9"),
            margin_left=Decimal("6.0"),
            pitch_x=Decimal("66.0"),
            pitch_y=Decimal("33.9"),
            font_pt=Decimal("8.5"),
        ),
    )
}
DEFAULT_SHEET = "a4-12"


def sheet_choices() -> list[tuple[str, str | Promise]]:
    return [(sheet.code, sheet.name) for sheet in SHEETS.values()]
