"""Dates in the Japanese era (和暦), as the city's letters write them: 令和8年11月22日."""

from datetime import date

# First day of each era, newest first.
ERAS = [
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1873, 1, 1), "明治"),  # the solar calendar's first day; earlier dates are not expected
]


def wareki(value: date) -> str:
    for start, name in ERAS:
        if value >= start:
            year = value.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


def fiscal_year_label(year: int) -> str:
    """A fiscal year (April ``year`` – March ``year + 1``) as a city names it: 令和8年度. The year in which an era
    begins takes the new era's name (2019 is 令和元年度), as the cities did from May 2019."""
    for start, name in ERAS:
        if start.year <= year:
            number = year - start.year + 1
            return f"{name}{'元' if number == 1 else number}年度"
    return f"{year}年度"
