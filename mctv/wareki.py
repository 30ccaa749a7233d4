"""Dates in the Japanese era (和暦), as the city's letters write them: 令和8年11月22日."""

from datetime import date

# First day of each era, newest first. 明治 starts on the day of the 改元の詔 (慶応4年9月8日 = 1868-10-23), as
# Gregorian-date converters do; the rescript made all of 1868 明治元年, so a year counts from 1868 even before
# Japan took the Gregorian calendar on 明治6年1月1日 (1873-01-01). Earlier days keep the Western form.
# 大正 and 昭和 began on the day of the accession (即日改元: 1912-07-30 and 1926-12-25 also close the old eras);
# a day is written in the new era, as converters do. 平成 and 令和 began the next day. Sources: docs/accountability.md.
ERAS = [
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
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
