"""One row of an imported register made into the registry's values, or the problems found, by column.

The rules are the registry's own, not a copy: each value goes through the model field's ``clean`` — the
normalisation (NFKC, full-width digits, hyphen variants, spaces, hiragana readings; ``subscribers/fields.py`` and
``normalize.py``) and the validators every form and ``full_clean`` use — and ``Subscriber.clean``; days are read by
``mctv.dates.parse_day`` (和暦 or Western), as every date box reads them. Plain functions, no form per row: a file of
100,000 rows is read in seconds (docs/performance.md).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.dates import parse_day
from subscribers.japan import HOME_MUNICIPALITY, HOME_PREFECTURE, PREFECTURES
from subscribers.models import Service, Subscriber
from subscribers.normalize import normalize_text

from .models import IMPORT_FIELDS, profile_gaps
from .reading import Cell, UnreadableFile

Status, Sex = Subscriber.Status, Subscriber.Sex
# The words a register uses; the registry's own labels (in Japanese and English) and codes are read too.
SEX_WORDS = {
    "男": Sex.MALE,
    "男性": Sex.MALE,
    "M": Sex.MALE,
    "女": Sex.FEMALE,
    "女性": Sex.FEMALE,
    "F": Sex.FEMALE,
    "不明": Sex.NOT_STATED,
    "無回答": Sex.NOT_STATED,
}
STATUS_WORDS = {
    "加入": Status.ACTIVE,
    "加入中": Status.ACTIVE,
    "契約中": Status.ACTIVE,
    "申込": Status.APPLIED,
    "申込中": Status.APPLIED,
    "休止": Status.SUSPENDED,
    "休止中": Status.SUSPENDED,
    "解約": Status.TERMINATED,
    "解約済": Status.TERMINATED,
}
# A register's words for the contracted services, besides the registry's own labels and codes.
SERVICE_WORDS = {
    "テレビ": Service.TV,
    "ＴＶ": Service.TV,
    "CATV": Service.TV,
    "ケーブルテレビ": Service.TV,
    "インターネット": Service.INTERNET,
    "ネット": Service.INTERNET,
    "NET": Service.INTERNET,
    "電話": Service.PHONE,
    "IP電話": Service.PHONE,
    "TEL": Service.PHONE,
}
# Between the services in one cell: 、 , ・ / ＋ and spaces (NFKC has folded their full-width forms).
SERVICE_SEPARATORS = re.compile(r"[、,・/+ ]+")
IMPORTABLE_STATUSES = (Status.APPLIED, Status.ACTIVE, Status.SUSPENDED, Status.TERMINATED)
STATUS_DATE_FIELD: dict[str, str] = {Status.SUSPENDED: "suspended_on", Status.TERMINATED: "terminated_on"}
TEXT_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "occupation",
    "postal_code",
    "municipality",
    "street_address",
    "building",
    "phone",
    "mobile_phone",
    "email",
    "legacy_key",
)


@dataclass
class CleanRow:
    number: int
    values: dict[str, Any]
    # The registry's items the file has a column for: what an update compares (an item it lacks is left alone).
    provided: set[str] = field(default_factory=set)
    # The contracted services, when the file has a column for them (None when it has not: they are left alone).
    services: list[str] | None = None


def _words(choices, extra: Mapping[str, str]) -> dict[str, str]:
    words = {**extra}
    for value, label in choices:
        words[str(value)] = value
        words[str(label)] = value
    return {normalize_text(k).upper(): v for k, v in words.items()}


class RowCleaner:
    """Built once per file from the profile and the file's headers; ``clean`` then reads each row."""

    def __init__(self, columns: dict[str, str], headers: list[str]):
        by_header = {normalize_text(header): item for header, item in columns.items()}
        self.index: dict[str, tuple[int, str]] = {}
        for position, header in enumerate(headers):
            item = by_header.get(header)
            if item in IMPORT_FIELDS and item not in self.index:
                self.index[item] = (position, header)
        if gaps := profile_gaps({header: item for item, (_p, header) in self.index.items()}):
            raise UnreadableFile(
                _("The file has no column for: %(items)s. Check the headers or the import profile.")
                % {"items": "、".join(gaps)}
            )
        self.fields: dict[str, Field] = {
            name: Subscriber._meta.get_field(name)  # type: ignore[misc]  # concrete fields, named here
            for name in (*TEXT_FIELDS, "birth_date", "applied_on")
        }
        self.fields["status_on"] = self.fields["applied_on"]  # a day of the office's records
        self.sex_words = _words(Sex.choices, SEX_WORDS)
        self.service_words = _words(Service.choices, SERVICE_WORDS)
        self.status_words = _words([(s.value, s.label) for s in IMPORTABLE_STATUSES], STATUS_WORDS)
        self.today = timezone.localdate()

    def column(self, item: str) -> str:
        return self.index[item][1] if item in self.index else str(IMPORT_FIELDS[item])

    def clean(self, number: int, cells: list[Cell]) -> tuple[CleanRow | None, list[tuple[int, str, str]]]:
        width = len(cells)
        raw = {item: (cells[at] if at < width else None) for item, (at, _header) in self.index.items()}
        values: dict[str, Any] = {}
        problems: list[tuple[int, str, str]] = []

        def refuse(item: str, message: str) -> None:
            problems.append((number, self.column(item), str(message)))

        self._names(raw, values, refuse)
        for name in TEXT_FIELDS:
            if name in raw and name not in values:
                values[name] = self._text(name, raw[name], refuse)
        for name in ("birth_date", "applied_on"):
            if name in raw:
                values[name] = self._day(name, raw[name], refuse)
        self._address(raw, values, refuse)
        values["sex"] = self._choice("sex", raw.get("sex"), self.sex_words, Sex.NOT_STATED, refuse)
        self._status(raw, values, refuse)
        services = self._services(raw["services"], refuse) if "services" in raw else None
        if not normalize_text(_as_text("legacy_key", raw.get("legacy_key"))):
            refuse("legacy_key", _("This column is empty: each row needs its number in the former register."))
        if problems:
            return None, problems
        try:
            # The registry's own rules across items (no birth date in the future …), without an instance per row.
            Subscriber.clean(SimpleNamespace(**values))  # type: ignore[arg-type]
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    refuse(name if name in IMPORT_FIELDS else "status", message)
            return None, problems
        return CleanRow(number, values, _provided(raw), services), problems

    def _text(self, name: str, cell: Cell, refuse) -> str:
        model_field = self.fields[name]
        text = _as_text(name, cell)
        if not text and not model_field.blank:
            refuse(name, _("This column is empty."))
            return ""
        try:
            return model_field.clean(text, None) if text else ""
        except ValidationError as error:
            refuse(name, " ".join(error.messages))
            return ""

    def _names(self, raw: dict[str, Cell], values: dict[str, Any], refuse) -> None:
        for whole, family, given in (
            ("full_name", "family_name", "given_name"),
            ("full_name_kana", "family_name_kana", "given_name_kana"),
        ):
            if whole not in raw or (family in raw and given in raw):
                continue
            text = normalize_text(_as_text(whole, raw[whole]))  # an ideographic space becomes a space
            parts = text.split(" ", 1)
            if len(parts) != 2:
                refuse(
                    whole,
                    _("Put a space between the family name and the given name.")
                    if text
                    else _("This column is empty."),
                )
                values[family] = values[given] = ""
                continue
            for name, part in zip((family, given), parts, strict=True):
                values[name] = self._text(name, part, lambda _item, message, whole=whole: refuse(whole, message))

    def _day(self, name: str, cell: Cell, refuse) -> date | None:
        if cell in (None, "") or not str(cell).strip():
            return None
        try:
            day = cell if isinstance(cell, date) else parse_day(str(cell))
            return self.fields[name].clean(day, None)
        except ValidationError as error:
            refuse(name, " ".join(error.messages))
        except ValueError as error:
            refuse(name, str(error))
        return None

    def _choice(self, name: str, cell: Cell, words: dict[str, str], default: str, refuse) -> str:
        text = normalize_text(_as_text(name, cell)).upper()
        if not text:
            return default
        if text not in words:
            refuse(name, _("Not a value this column may have."))
            return default
        return words[text]

    def _services(self, cell: Cell, refuse) -> list[str]:
        """「テレビ・インターネット」 as [internet, tv]; an empty cell is no service; an unknown word is refused."""
        words = [w for w in SERVICE_SEPARATORS.split(normalize_text(_as_text("services", cell)).upper()) if w]
        unknown = [w for w in words if w not in self.service_words]
        if unknown:
            refuse("services", _("Not a service: %(words)s.") % {"words": "、".join(unknown)})
        return sorted({self.service_words[w] for w in words if w in self.service_words})

    def _address(self, raw: dict[str, Cell], values: dict[str, Any], refuse) -> None:
        prefecture = normalize_text(_as_text("prefecture", raw.get("prefecture")))
        if prefecture and prefecture not in PREFECTURES:
            refuse("prefecture", _("Not a prefecture."))
        street = values.get("street_address", "")
        # A register often keeps the whole address in one column: 青森県三沢市中央町1-2-3.
        if not prefecture:
            found = next((p for p in PREFECTURES if street.startswith(p)), "")
            prefecture, street = found or HOME_PREFECTURE, street[len(found) :]
        municipality = values.get("municipality") or HOME_MUNICIPALITY
        if street.startswith(municipality) and len(street) > len(municipality):
            street = street[len(municipality) :]
        values.update(prefecture=prefecture, municipality=municipality)
        if "street_address" in values:
            values["street_address"] = street.strip()

    def _status(self, raw: dict[str, Cell], values: dict[str, Any], refuse) -> None:
        status = self._choice("status", raw.get("status"), self.status_words, Status.ACTIVE, refuse)
        on = self._day("status_on", raw["status_on"], refuse) if "status_on" in raw else None
        applied = values.get("applied_on") or on or self.today
        values.update(status=status, applied_on=applied)
        if status in (Status.ACTIVE, Status.SUSPENDED, Status.TERMINATED):
            values["activated_on"] = on if status == Status.ACTIVE and on else applied
        if status in STATUS_DATE_FIELD:
            if on is None:
                refuse("status_on", _("A suspended or terminated subscriber needs the date of the status."))
            values[STATUS_DATE_FIELD[status]] = on
        if on is not None and on < applied:
            refuse("status_on", _("The date cannot be before the application date."))


def _provided(raw: dict[str, Cell]) -> set[str]:
    """The registry's items the file's columns fill, whether from their own column or another's."""
    provided = {name for name in raw if name in (*TEXT_FIELDS, "birth_date", "applied_on", "sex", "prefecture")}
    if "full_name" in raw:
        provided |= {"family_name", "given_name"}
    if "full_name_kana" in raw:
        provided |= {"family_name_kana", "given_name_kana"}
    if "street_address" in raw:
        provided.add("prefecture")  # read from the start of a whole address
    if "status" in raw or "status_on" in raw:
        provided.add("status")
    return provided


def _as_text(name: str, cell: Cell) -> str:
    """A cell as the text a person would have typed. Excel keeps 033-0001 typed as a number as 330001 and
    0176-51-1349 as 176511349: the leading zeros are put back."""
    if cell is None:
        return ""
    if isinstance(cell, int) and not isinstance(cell, bool):
        digits = str(cell)
        if name == "postal_code":
            return digits.zfill(7)
        if name in ("phone", "mobile_phone") and not digits.startswith("0"):
            return "0" + digits
        return digits
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)
