"""A plausible day: every date and timestamp the office types lies between 1900 and a few years ahead.

Garbage such as 0001-01-01 or 9999-12-31 is refused with a message in Japanese before it reaches the database
(a timestamp before year 1 in UTC, or a day after 9999-12-31 once a period is added, would otherwise fail there).
What a field means is checked where its rule lives: a date of receipt, say, is refused when in the future by the
service that records it.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DAY = date(1900, 1, 1)
YEARS_AHEAD = 10  # agreements and plans run some years; nothing the office records runs further


def latest_day() -> date:
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if (today.month, today.day) == (2, 29) else today.day)


def _japanese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validate_plausible_day(value: date | datetime) -> None:
    day = timezone.localdate(value) if isinstance(value, datetime) and timezone.is_aware(value) else value
    if isinstance(day, datetime):
        day = day.date()
    last = latest_day()
    if not EARLIEST_DAY <= day <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": _japanese(EARLIEST_DAY), "last": _japanese(last)},
            code="implausible_day",
        )
