"""Retention periods counted the way Japanese municipalities count them (三沢市文書取扱規程, declaration §13).

A record's period starts on 1 April of the fiscal year (April–March) after the one in which it closed,
and ends on 31 March N years later. ``disposal_date`` is the one place that counts; everything that
decides whether a record may go calls it.
"""

from datetime import date

PERMANENT = 0  # years: kept for good, never disposed of


def fiscal_year(day: date) -> int:
    """The fiscal year a day belongs to, named by the calendar year it starts in (令和8年度 = April 2026–March 2027)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of fiscal year ``year`` (1 April ``year`` – 31 March ``year + 1``)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def disposal_date(closed_on: date, years: int) -> date | None:
    """The first day a record closed on ``closed_on`` may be disposed of; ``None`` for a permanent record."""
    if years == PERMANENT:
        return None
    if years < 0:
        raise ValueError("a retention period is a positive number of years, or permanent")
    # The period runs from 1 April of the next fiscal year to 31 March ``years`` later; the day after may dispose.
    return date(fiscal_year(closed_on) + 1 + years, 4, 1)


def latest_closing_date_disposable_on(today: date, years: int) -> date | None:
    """The last closing date whose records may be disposed of on ``today`` (for indexed range queries)."""
    if years == PERMANENT:
        return None
    # disposal_date(c) <= today  ⇔  fiscal_year(c) + 1 + years <= fiscal_year(today)
    #                            ⇔  c <= 31 March of (fiscal_year(today) - years)
    return date(fiscal_year(today) - years, 3, 31)
