"""The office's date styles as template filters, built into every template (``mctv.dates``, docs/dates.md).

``{{ d|wareki_weekday }}`` 令和8年12月17日（木） for deadlines; ``{{ d|wareki }}`` 令和8年12月17日;
``{{ d|wareki_short }}`` R8.12.17 in dense lists; ``{{ t|wareki_time }}`` / ``{{ t|wareki_short_time }}`` for a
moment (``:"s"`` adds the seconds); ``{{ d|wareki_month }}`` 令和8年12月. Anything not a date shows as "".
"""

from datetime import date

from django import template

from mctv import dates

register = template.Library()


def _day_filter(style):
    def render(value):
        return style(value) if isinstance(value, date) else ""

    render.__doc__ = style.__doc__
    return render


register.filter("wareki", _day_filter(dates.long))
register.filter("wareki_weekday", _day_filter(dates.with_weekday))
register.filter("wareki_short", _day_filter(dates.compact))
register.filter("wareki_month", _day_filter(dates.month))


@register.filter
def wareki_time(value, seconds=""):
    """令和8年12月17日 14:05 (``:"s"`` 14:05:09)."""
    return dates.long_time(value, seconds=seconds == "s") if isinstance(value, date) else ""


@register.filter
def wareki_short_time(value, seconds=""):
    """R8.12.17 14:05 (``:"s"`` 14:05:09)."""
    return dates.compact_time(value, seconds=seconds == "s") if isinstance(value, date) else ""
