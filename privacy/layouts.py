"""Fixed-width file layouts (§2(1), §6(2)): the columns a recipient names, each a §1 data item and a width in bytes.

One rule for what a layout may be (``layout_validate``) and one way to write it as text (a line per column, "code
width"): the hand-over form, a recipient's saved layout (``FileLayout``) and the file itself all use these.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from privacy.data_items import unknown_items

MAX_WIDTH = 200


def layout_validate(layout: object, *, field: str = "layout") -> list[tuple[str, int]]:
    """A fixed-width layout: [[item code, width in bytes], ...], each item once, widths 1–200."""
    error = ValidationError({field: _("Give the layout as item and width pairs, each item once, widths 1–200.")})
    if not isinstance(layout, list) or not layout:
        raise error
    pairs: list[tuple[str, int]] = []
    for pair in layout:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise error
        item, width = pair
        if not isinstance(item, str) or unknown_items([item]) or not isinstance(width, int) or isinstance(width, bool):
            raise error
        if not 1 <= width <= MAX_WIDTH or item in {i for i, _w in pairs}:
            raise error
        pairs.append((item, width))
    return pairs


def layout_from_lines(text: str) -> list[list]:
    """Lines of "code width" (a comma or spaces between, full-width spaces too) as [[code, width], ...]; blank lines
    skipped. Raises ValidationError on a line of another shape; ``layout_validate`` checks the rest."""
    pairs: list[list] = []
    for line in text.splitlines():
        parts = line.replace(",", " ").replace("\u3000", " ").split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[1].isdigit():
            raise ValidationError(_("Write each line as an item code and a width, e.g. “number 8”."))
        pairs.append([parts[0], int(parts[1])])
    return pairs


def layout_as_lines(layout: object) -> str:
    """The layout as the text a person types: a line per column."""
    if not isinstance(layout, list):
        return ""
    return "\n".join(f"{pair[0]} {pair[1]}" for pair in layout if isinstance(pair, list | tuple) and len(pair) == 2)
