"""The personal data items of declaration §1, named once.

Agreements, work orders, provision records and letters all speak of these
codes; ``scoped_values`` is the one place that turns a subscriber and a set of
items into what may be shown — nothing outside the set is ever read into it.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from mctv import dates
from subscribers.normalize import format_phone, format_postal_code

if TYPE_CHECKING:
    from subscribers.models import Subscriber


class DataItem(models.TextChoices):
    NUMBER = "number", _("Subscriber number")
    NAME = "name", _("Name")
    READING = "reading", _("Reading (furigana)")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")
    BIRTH_DATE = "birth_date", _("Birth date")
    SEX = "sex", _("Sex")
    OCCUPATION = "occupation", _("Occupation")
    SERVICES = "services", _("Contracted services")


ALL_ITEMS = tuple(DataItem.values)

# Which item a registry field belongs to: a correction of the field changes what recipients of the item hold.
FIELD_ITEMS: dict[str, str] = {
    "number": DataItem.NUMBER,
    "family_name": DataItem.NAME,
    "given_name": DataItem.NAME,
    "family_name_kana": DataItem.READING,
    "given_name_kana": DataItem.READING,
    "postal_code": DataItem.ADDRESS,
    "prefecture": DataItem.ADDRESS,
    "municipality": DataItem.ADDRESS,
    "street_address": DataItem.ADDRESS,
    "building": DataItem.ADDRESS,
    "phone": DataItem.PHONE,
    "mobile_phone": DataItem.PHONE,
    "email": DataItem.EMAIL,
    "birth_date": DataItem.BIRTH_DATE,
    "sex": DataItem.SEX,
    "occupation": DataItem.OCCUPATION,
}


def normalize_items(items: Iterable[str] | None) -> list[str]:
    """Known codes only, in the canonical order, each once."""
    wanted = set(items or ())
    return [code for code in ALL_ITEMS if code in wanted]


def unknown_items(items: Iterable[str] | None) -> set[str]:
    return set(items or ()) - set(ALL_ITEMS)


def item_labels(items: Iterable[str] | None) -> list[str]:
    return [str(DataItem(code).label) for code in normalize_items(items)]


def scoped_values(subscriber: "Subscriber", items: Iterable[str]) -> list[tuple[str, str, str]]:
    """(code, label, value) for each item in ``items`` — and only those — of ``subscriber``."""
    readers: dict[str, Callable[[Subscriber], str]] = {
        DataItem.NUMBER: lambda s: s.number,
        DataItem.NAME: lambda s: s.full_name,
        DataItem.READING: lambda s: s.full_name_kana,
        DataItem.ADDRESS: lambda s: f"〒{format_postal_code(s.postal_code)} {s.address}",
        DataItem.PHONE: lambda s: " / ".join(p for p in [format_phone(s.phone), format_phone(s.mobile_phone)] if p),
        DataItem.EMAIL: lambda s: s.email,
        DataItem.BIRTH_DATE: lambda s: dates.long(s.birth_date) if s.birth_date else "",
        DataItem.SEX: lambda s: s.get_sex_display(),
        DataItem.OCCUPATION: lambda s: s.occupation,
        DataItem.SERVICES: lambda s: "、".join(
            str(row.get_service_display()) for row in s.services.all() if row.ended_on is None
        ),
    }
    return [(code, str(DataItem(code).label), readers[code](subscriber)) for code in normalize_items(items)]
