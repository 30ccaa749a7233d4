"""The office's one date style, written and read (docs/dates.md).

Written: every page, letter, PDF, e-mail and message shows a day through these functions (in templates through
the ``privacy.templatetags.dates`` filters of the same names):

- ``with_weekday`` 令和8年12月17日（木） — deadlines and the days a letter names;
- ``long``         令和8年12月17日     — a day in a detail page, a letter or a sentence;
- ``compact``      R8.12.17           — a column of a dense list, and the value of a date input;
- ``long_time`` / ``compact_time``    — a moment, in local time: 令和8年12月17日 14:05 / R8.12.17 14:05.

Read: ``parse_day`` takes what a person types — 和暦 (R8.12.17, r8/12/17, 令和8年12月17日, 令和元年5月1日,
S33.4.1, 昭和33年4月1日) or Western (2026-12-17, 2026/12/17, 2026年12月17日, 20261217), full-width or not — and
raises ``ValueError`` whose message is for the person (in the active language) when it is no day.
``parse_moment`` reads such a day followed by a time (R8.12.17 14:05, 令和8年12月17日 14時5分), ``parse_month``
a month (R8.4, 令和8年4月, 2026-04, 2026年4月).
"""

import re
import unicodedata
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.wareki import ERAS, wareki

WEEKDAYS = "月火水木金土日"
LETTERS = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}
ERA_NAMES = {
    **{name: name for name in LETTERS},
    **{letter: name for name, letter in LETTERS.items()},
    **{name[0]: name for name in LETTERS},
}
ERA_START = {name: start for start, name in ERAS}

_ERA_DAY = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令MTSHR])\s*(?P<year>元|\d{1,3})\s*(?:年|[./\-])\s*"
    r"(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?"
)
_WESTERN_DAY = re.compile(
    r"(?P<year>\d{4})\s*(?:年|[./\-])\s*(?P<month>\d{1,2})\s*(?:月|[./\-])\s*(?P<day>\d{1,2})\s*日?"
    r"|(?P<cyear>\d{4})(?P<cmonth>\d{2})(?P<cday>\d{2})"
)


class NoDayError(ValueError):
    """What was typed is no way of writing a day at all (not a day that does not exist)."""


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def era_of(day: date) -> tuple[str, int] | None:
    """(era name, year in the era) of ``day``, or None before 明治."""
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    return None


def long(value: date | datetime) -> str:
    """令和8年12月17日 (令和元年5月1日 in an era's first year)."""
    return wareki(_local_day(value))


def with_weekday(value: date | datetime) -> str:
    """令和8年12月17日（木）: a deadline, so the reader sees at once which day of the week it falls on."""
    day = _local_day(value)
    return f"{wareki(day)}（{WEEKDAYS[day.weekday()]}）"


def compact(value: date | datetime) -> str:
    """R8.12.17: the era's letter and numbers without padding, as the office writes in a ledger's column."""
    day = _local_day(value)
    era = era_of(day)
    if era is None:
        return f"{day.year}.{day.month}.{day.day}"
    return f"{LETTERS[era[0]]}{era[1]}.{day.month}.{day.day}"


def month(value: date | datetime) -> str:
    """令和8年12月: a month (a monthly review)."""
    day = _local_day(value)
    era = era_of(day)
    if era is None:
        return f"{day.year}年{day.month}月"
    return f"{era[0]}{'元' if era[1] == 1 else era[1]}年{day.month}月"


def compact_month(value: date | datetime) -> str:
    """R8.12: a month in a form's box."""
    day = _local_day(value)
    era = era_of(day)
    return f"{day.year}.{day.month}" if era is None else f"{LETTERS[era[0]]}{era[1]}.{day.month}"


def _time(value: date | datetime, seconds: bool) -> str:
    if not isinstance(value, datetime):
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"


def long_time(value: date | datetime, seconds: bool = False) -> str:
    """令和8年12月17日 14:05 (local time)."""
    return f"{long(value)} {_time(value, seconds)}".rstrip()


def compact_time(value: date | datetime, seconds: bool = False) -> str:
    """R8.12.17 14:05 (local time)."""
    return f"{compact(value)} {_time(value, seconds)}".rstrip()


def _normalized(text: str) -> str:
    # NFKC folds full-width digits, letters and punctuation (２０２６／１２／１７) and the era ligatures (㋿ ㍻ ㍼).
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    return re.sub(r"\s+", "", folded).replace("ー", "-").replace("－", "-")


def _day(year: int, month_number: int, day_number: int) -> date:
    try:
        return date(year, month_number, day_number)
    except ValueError:
        raise ValueError(_("There is no such day: check the month and the day.")) from None


def parse_day(text: str) -> date:
    """The day ``text`` names, 和暦 or Western; ``ValueError`` with a message for the person otherwise.

    An era year before the era began (令和1年4月30日) is refused, naming the day it would be. A year past the
    era's end (H31.5.1, 平成32年3月31日) is taken as the same Western day: forms printed before 改元 carry such
    dates and stay valid (the government asked that they not be refused), and the office style shown back
    (令和元年5月1日) makes the reading plain."""
    value = _normalized(text)
    if found := _ERA_DAY.fullmatch(value):
        name = ERA_NAMES[found["era"]]
        start = ERA_START[name]
        number = 1 if found["year"] == "元" else int(found["year"])
        if number == 0:
            raise ValueError(_("An era's years start at 元年 (1)."))
        day = _day(start.year + number - 1, int(found["month"]), int(found["day"]))
        if day < start:
            raise ValueError(
                _("%(era)s began on %(start)s; this day is %(day)s.")
                % {"era": name, "start": wareki(start), "day": wareki(day)}
            )
        return day
    if found := _WESTERN_DAY.fullmatch(value):
        names = ("year", "month", "day") if found["year"] else ("cyear", "cmonth", "cday")
        year, month_number, day_number = (int(found[name]) for name in names)
        return _day(year, month_number, day_number)
    raise NoDayError(_("Enter a date like R8.12.17, 令和8年12月17日 or 2026-12-17."))


_TIME = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|(?P<khour>\d{1,2})時(?:(?P<kminute>\d{1,2})分(?:(?P<ksecond>\d{1,2})秒)?)?"
    r"|(?P<chour>\d{2})(?P<cminute>\d{2})"
)
_DAY_AND_TIME = re.compile(r"(?P<day>.+?)(?:T|\s+|(?<=日))(?P<time>[\d:時分秒]+)")


def parse_moment(text: str) -> datetime:
    """The local moment (naive) ``text`` names: a day as ``parse_day`` reads it, then a time of day, 24-hour —
    R8.12.17 14:05, 令和8年12月17日 14時5分, 14時 (on the hour), 14:05:30, or the browser's 2026-12-17T14:05."""
    folded = unicodedata.normalize("NFKC", text).strip()
    found = _DAY_AND_TIME.fullmatch(folded)
    clock = _TIME.fullmatch(found["time"]) if found else None
    if found is None or clock is None:
        try:
            parse_day(folded)
        except ValueError:
            raise ValueError(_("Enter a day and a time like R8.12.17 14:05.")) from None
        raise ValueError(_("Enter the time as well, e.g. R8.12.17 14:05."))
    try:
        day = parse_day(found["day"])
    except NoDayError:
        raise ValueError(_("Enter a day and a time like R8.12.17 14:05.")) from None
    hour, minute, second = (
        int(next((clock[name] for name in names if clock[name]), 0))
        for names in (("hour", "khour", "chour"), ("minute", "kminute", "cminute"), ("second", "ksecond"))
    )
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("There is no such time: hours run 0–23 and minutes 0–59."))
    return datetime.combine(day, time(hour, minute, second))


_ERA_MONTH = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令MTSHR])(?P<year>元|\d{1,3})(?:年|[./\-])(?P<month>\d{1,2})月?"
)
_WESTERN_MONTH = re.compile(r"(?P<year>\d{4})(?:年|[./\-])(?P<month>\d{1,2})月?|(?P<year6>\d{4})(?P<month6>\d{2})")


def parse_month(text: str) -> date:
    """The first day of the month ``text`` names, 和暦 (R8.4, 令和8年4月) or Western (2026-04, 2026年4月)."""
    value = _normalized(text)
    if found := _ERA_MONTH.fullmatch(value):
        start = ERA_START[ERA_NAMES[found["era"]]]
        number = 1 if found["year"] == "元" else int(found["year"])
        first = _month(start.year + number - 1, int(found["month"])) if number else None
        if first is not None and first < start.replace(day=1):
            raise ValueError(_("%(era)s began in %(start)s.") % {"era": ERA_NAMES[found["era"]], "start": month(start)})
        if first is None:
            raise ValueError(_("Enter a month like R8.4, 令和8年4月 or 2026-04."))
        return first
    found = _WESTERN_MONTH.fullmatch(value)
    if found:
        year, month_number = (int(found[a] or found[b]) for a, b in (("year", "year6"), ("month", "month6")))
        if (first := _month(year, month_number)) is not None:
            return first
    raise ValueError(_("Enter a month like R8.4, 令和8年4月 or 2026-04."))


def _month(year: int, month_number: int) -> date | None:
    return date(year, month_number, 1) if 1 <= month_number <= 12 and year >= 1 else None
