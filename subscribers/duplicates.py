"""Likely duplicates of a registration (issue 18: the same person registered twice became 00000501 and 00000502).

Two rules, each after the search's own folding (width, kana, spaces, variant kanji such as 髙→高, and the way a
house number is written, 1丁目32番15号 = 1-32-15; see ``normalize.search_key``):

- the same reading (フリガナ) and the same birth date, served by the reading index;
- the same name and the same address (prefecture, municipality, street and number; the building is left out, as it
  is the part most often written differently), served by the search column's trigram index.

Erased records (nothing left to compare) and voided registrations (already found to be mistakes) are not
candidates. The query finds the rows the indexes can; the comparison of the folded values decides.
"""

import operator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import normalize

if TYPE_CHECKING:
    from .models import Subscriber

MAX_CANDIDATES = 20
SAME_READING_AND_BIRTH_DATE = _("same reading and birth date")
SAME_NAME_AND_ADDRESS = _("same name and address")


# What the two rules compare: a registration's fields, a stored record's, an imported row's.
DUPLICATE_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "prefecture",
    "municipality",
    "street_address",
)


@dataclass
class Duplicate:
    subscriber: "Subscriber"
    reasons: list[str] = field(default_factory=list)


def name_key(family_name: str, given_name: str) -> str:
    return normalize.search_key(family_name + given_name)


def address_key(prefecture: str, municipality: str, street_address: str) -> str:
    return normalize.search_key(prefecture + municipality + street_address)


def reading_key(family_name_kana: str, given_name_kana: str) -> tuple[str, str]:
    return normalize.normalize_reading(family_name_kana), normalize.normalize_reading(given_name_kana)


def likely_duplicates(
    subscribers: QuerySet,
    *,
    family_name: str = "",
    given_name: str = "",
    family_name_kana: str = "",
    given_name_kana: str = "",
    birth_date: date | None = None,
    prefecture: str = "",
    municipality: str = "",
    street_address: str = "",
    exclude_pk: int | None = None,
) -> list[Duplicate]:
    """The subscribers among ``subscribers`` that a registration of these values likely duplicates, in number
    order, each with the reasons it was found."""
    reading = reading_key(family_name_kana, given_name_kana)
    name, address = name_key(family_name, given_name), address_key(prefecture, municipality, street_address)
    rules = []
    if all(reading) and birth_date is not None:
        rules.append(Q(family_name_kana=reading[0], given_name_kana=reading[1], birth_date=birth_date))
    if name and street_address:
        rules.append(Q(search_text__contains=name) & Q(search_text__contains=address))
    if not rules:
        return []
    found = subscribers.filter(reduce(operator.or_, rules), erased_on__isnull=True).exclude(status="voided")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    duplicates = []
    typed = DuplicateKeys(reading, birth_date, name, address if street_address else "")
    # Unordered in SQL, so the two indexes answer (a sort key would have the planner walk the number index); the
    # rules match few rows, sorted here.
    for subscriber in sorted(found.order_by()[: MAX_CANDIDATES * 3], key=lambda s: s.number):
        if reasons := duplicate_reasons(typed, keys_of(subscriber)):
            duplicates.append(Duplicate(subscriber, reasons))
    return duplicates[:MAX_CANDIDATES]


@dataclass(frozen=True)
class DuplicateKeys:
    """What the two rules compare, folded: a registration typed, a subscriber stored, or a row of an imported file."""

    reading: tuple[str, str]
    birth_date: date | None
    name: str
    address: str  # blank without a street and number: the address rule then does not apply


def keys_of(values) -> DuplicateKeys:
    """The keys of anything with the registry's attributes (a ``Subscriber``, saved or not)."""
    return DuplicateKeys(
        reading_key(values.family_name_kana, values.given_name_kana),
        values.birth_date,
        name_key(values.family_name, values.given_name),
        address_key(values.prefecture, values.municipality, values.street_address) if values.street_address else "",
    )


def duplicate_reasons(one: DuplicateKeys, other: DuplicateKeys) -> list[str]:
    """Why ``one`` likely duplicates ``other`` (the two rules of this module), or nothing."""
    reasons = []
    same_birth_date = one.birth_date is not None and one.birth_date == other.birth_date
    if same_birth_date and all(one.reading) and one.reading == other.reading:
        reasons.append(str(SAME_READING_AND_BIRTH_DATE))
    if one.name and one.address and one.name == other.name and one.address == other.address:
        reasons.append(str(SAME_NAME_AND_ADDRESS))
    return reasons
