"""Reply deadlines under the Japanese way of counting days (DESIGN.md "Deadlines").

The day of receipt is not counted (初日不算入) and a period of N days ends at the
end of the Nth day. The office is closed on Saturdays, Sundays, national holidays
(the maintained ``holidays`` calendar, not a hand-typed list) and 29 Dec – 3 Jan;
the due date a clerk works to is the last open day on or before the period's end.
Everything that needs a due date calls ``due_date``; nothing outside this module counts days.
"""

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

# 年末年始: the city's offices are closed from 29 December to 3 January.
YEAR_END_CLOSURE = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_office_closed(day: date) -> bool:
    return day.weekday() >= 5 or (day.month, day.day) in YEAR_END_CLOSURE or day in _national_holidays(day.year)


def last_open_day_on_or_before(day: date) -> date:
    while is_office_closed(day):
        day -= timedelta(days=1)
    return day


def first_open_day_on_or_after(day: date) -> date:
    """A period for an act towards the office that ends on a closed day runs to the next open one (Local Autonomy
    Act art. 4-2): an appeal's last day, say."""
    while is_office_closed(day):
        day += timedelta(days=1)
    return day


def period_end(start: date, days: int) -> date:
    """The statutory last day of a ``days``-day period counted from the day after ``start`` (Civil Code art. 140):
    a decision due "within 30 days of the request" may be made on this day. No holiday moves it: the rule that a
    period ending on a closed day runs to the next open one is for acts towards the office, not for its own."""
    if days < 1:
        raise ValueError("a period has at least one day")
    return start + timedelta(days=days)


def return_by(handed_over: date, days: int) -> date:
    """The day by which a contractor returns or destroys what was handed over on ``handed_over``: ``days`` days
    counted from the day after; the contractor's act towards the office, so a last day that is closed moves to the
    next open one (``first_open_day_on_or_after``)."""
    return first_open_day_on_or_after(period_end(handed_over, days))


def due_date(received: date, days: int) -> date:
    """The last open day on or before the end of a ``days``-day period starting the day after ``received``."""
    return last_open_day_on_or_before(period_end(received, days))


def open_days_between(start: date, end: date) -> int:
    """Open days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    if end < start:
        return -open_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if not is_office_closed(start + timedelta(days=n)))


def nth_open_day_after(start: date, n: int) -> date:
    """The ``n``th day the office is open after ``start`` (the digest looks this far ahead)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if not is_office_closed(day):
            counted += 1
    return day


def days_between(start: date, end: date) -> int:
    """Calendar days from ``start`` to ``end`` (negative when ``end`` comes first): days a clock stood still,
    days left until a due date."""
    return (end - start).days


def urgency(due_on: date, today: date) -> str:
    """How pressing a due date is, for the dashboard's colours: ``overdue``, ``under5`` or ``under10`` calendar
    days left, else ``ok``."""
    left = days_between(today, due_on)
    if left < 0:
        return "overdue"
    if left < 5:
        return "under5"
    if left < 10:
        return "under10"
    return "ok"


def one_year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def months_later_last_day(start_exclusive: date, *, months: int = 0, years: int = 0) -> date:
    """The last day of a period of months or years counted from the day after ``start_exclusive`` (Civil Code
    arts. 140, 143): the day before the corresponding day, or the month's end when there is none."""
    first = start_exclusive + timedelta(days=1)
    year, month0 = divmod(first.month - 1 + months + 12 * years, 12)
    year, month = first.year + year, month0 + 1
    days_in_month = calendar.monthrange(year, month)[1]
    if first.day > days_in_month:
        return date(year, month, days_in_month)
    return date(year, month, first.day) - timedelta(days=1)


def month_days(month: date) -> tuple[date, date]:
    """The first day of ``month``'s month and the first day of the next (the access review's month)."""
    first = month.replace(day=1)
    return first, first + timedelta(days=calendar.monthrange(first.year, first.month)[1])


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s (the monthly access review looks back one month)."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def closed_days_between(first: date, until: date) -> list[date]:
    """The days from ``first`` up to (not including) ``until`` on which the office is closed."""
    days = (first + timedelta(days=n) for n in range((until - first).days))
    return [day for day in days if is_office_closed(day)]


def days_either_side(days: int) -> timedelta:
    """``days`` calendar days as an interval, for "within N days before or after" a moment (the access review)."""
    return timedelta(days=days)


def month_has_ended(first: date, today: date) -> bool:
    """Whether the month starting ``first`` is over on ``today`` (its last day has passed)."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following <= today
