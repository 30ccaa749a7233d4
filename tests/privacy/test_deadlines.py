"""The reply deadline, on its own: day of receipt not counted, closed days roll back to the last open day."""

from datetime import date

import pytest

from privacy.deadlines import due_date, is_office_closed, open_days_between


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # an ordinary fortnight: Mon 2 Nov + 15 days ends on Tue 17 Nov, an open day
        (date(2026, 11, 2), 15, date(2026, 11, 17)),
        # the day of receipt is not counted: Wed + 1 day is Thu
        (date(2026, 11, 4), 1, date(2026, 11, 5)),
        # ends on a Saturday → the Friday before
        (date(2026, 11, 6), 15, date(2026, 11, 20)),
        # received on a Saturday, ends on a Sunday → Friday
        (date(2026, 11, 7), 15, date(2026, 11, 20)),
        # ends on Labor Thanksgiving Day (Mon 23 Nov) → back over the weekend to Friday
        (date(2026, 11, 8), 15, date(2026, 11, 20)),
        # ends on 31 Dec, inside the 29 Dec – 3 Jan closure → Mon 28 Dec
        (date(2026, 12, 16), 15, date(2026, 12, 28)),
        # ends on Sun 3 Jan → back over the whole closure to Mon 28 Dec
        (date(2026, 12, 19), 15, date(2026, 12, 28)),
        # ends on Mon 4 Jan, the first open day of the year
        (date(2026, 12, 20), 15, date(2027, 1, 4)),
        # Golden Week: ends on Children's Day (5 May) → back over 4, 3, 2 May to Fri 1 May
        (date(2026, 4, 20), 15, date(2026, 5, 1)),
        # 2026's silver week: ends on the national holiday of 22 Sep → Fri 18 Sep
        (date(2026, 9, 7), 15, date(2026, 9, 18)),
        # a leap day is an ordinary open day
        (date(2028, 2, 14), 15, date(2028, 2, 29)),
        # extended by 30 days: the same rule over 45 days
        (date(2026, 11, 2), 45, date(2026, 12, 17)),
    ],
)
def test_due_date(received, days, due):
    assert due_date(received, days) == due


def test_the_due_date_is_always_an_open_day_on_or_before_the_period_end():
    for offset in range(366):
        received = date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + offset)
        due = due_date(received, 15)
        assert not is_office_closed(due)
        assert (due - received).days <= 15


@pytest.mark.parametrize("day", [date(2026, 12, 29), date(2027, 1, 3), date(2026, 11, 3), date(2026, 11, 21)])
def test_closed_days(day):
    assert is_office_closed(day)


def test_a_period_needs_a_day():
    with pytest.raises(ValueError):
        due_date(date(2026, 11, 2), 0)


def test_open_days_between_skips_weekends_and_holidays():
    # Fri 20 Nov → Wed 25 Nov: Sat, Sun and the Monday holiday do not count; Tue and Wed do
    assert open_days_between(date(2026, 11, 20), date(2026, 11, 25)) == 2
    assert open_days_between(date(2026, 11, 25), date(2026, 11, 20)) == -2
