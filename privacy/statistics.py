"""Statistics that identify no one (§2(2) purpose 3): counts with small cells suppressed.

A cell counting 1 to ``threshold - 1`` people is suppressed (primary). A suppressed cell alone in a row
or column could be recovered from that line's total, so each such line gets a second suppressed cell —
the smallest remaining non-zero one, totals included — until no line has exactly one (secondary
suppression). A zero is never the second cell: hiding a known zero protects nothing.

Row labels are categories, never free text: a 町名 with fewer people than the threshold is shown as
"その他", so no label can carry one person's address.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

SUPPRESSED = None

DISTRICT = re.compile(r"^[^0-9０-９\-－]+")


def district_of(street_address: str) -> str:
    """町名: the street address up to its first digit (中央町1丁目2-3 → 中央町)."""
    match = DISTRICT.match(street_address or "")
    return match.group(0).strip() if match else "—"


AGE_BANDS = ["〜19", "20〜29", "30〜39", "40〜49", "50〜59", "60〜69", "70〜79", "80〜"]
UNKNOWN = "不明"


OTHER = "その他"


def districts_with_enough_people(addresses: list[str], threshold: int) -> dict[str, str]:
    """Each 町名 as shown: itself when at least ``threshold`` people live there, else "その他"."""
    counts = Counter(district_of(a) for a in addresses)
    return {name: (name if n >= threshold else OTHER) for name, n in counts.items()}


def age_band(birth_date: date | None, today: date) -> str:
    if birth_date is None:
        return UNKNOWN
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < 20:
        return AGE_BANDS[0]
    return AGE_BANDS[min(age // 10 - 1, len(AGE_BANDS) - 1)]


def suppress(matrix: list[list[int]], threshold: int) -> list[list[int | None]]:
    """Suppress ``matrix`` — cells with their row totals in the last column and column totals in the last row."""
    result: list[list[int | None]] = [[SUPPRESSED if 0 < v < threshold else v for v in row] for row in matrix]
    rows, cols = len(matrix), len(matrix[0]) if matrix else 0

    def lines():
        for r in range(rows):
            yield [(r, c) for c in range(cols)]
        for c in range(cols):
            yield [(r, c) for r in range(rows)]

    changed = True
    while changed:
        changed = False
        for line in lines():
            hidden = [pos for pos in line if result[pos[0]][pos[1]] is SUPPRESSED]
            if len(hidden) != 1:
                continue
            shown = [pos for pos in line if result[pos[0]][pos[1]] is not SUPPRESSED and matrix[pos[0]][pos[1]] > 0]
            if not shown:
                continue
            r, c = min(shown, key=lambda pos: (matrix[pos[0]][pos[1]], pos))
            result[r][c] = SUPPRESSED
            changed = True
    return result


@dataclass
class Table:
    title: str
    row_label: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]] = field(default_factory=list)  # with totals: last row and last column

    @property
    def body(self):
        return list(zip(self.rows, self.cells, strict=True))


def cross_table(
    title: str,
    row_label: str,
    pairs: list[tuple[str, str]],
    rows: list[str],
    columns: list[str],
    threshold: int,
    total_label: str = "計",
) -> Table:
    counts = Counter(pairs)
    matrix = [[counts[(r, c)] for c in columns] for r in rows]
    matrix = [[*row, sum(row)] for row in matrix]
    matrix.append([sum(row[i] for row in matrix) for i in range(len(columns) + 1)])
    return Table(title, row_label, [*rows, total_label], [*columns, total_label], suppress(matrix, threshold))


def one_way_table(
    title: str,
    row_label: str,
    values: list[str],
    rows: list[str],
    threshold: int,
    column: str = "人数",
    total_label: str = "計",
) -> Table:
    """A single column of counts with its total, suppressed like a one-column cross table."""
    counts = Counter(values)
    matrix = [[counts[r]] for r in rows] + [[len(values)]]
    return Table(title, row_label, [*rows, total_label], [column], suppress(matrix, threshold))
