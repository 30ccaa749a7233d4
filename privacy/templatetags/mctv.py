from datetime import date, datetime

from django import template
from django.utils import timezone

from mctv import dates
from mctv.wareki import fiscal_year_label as to_fiscal_year_label
from privacy import events
from privacy.data_items import item_labels
from privacy.fiscal_years import fiscal_year
from privacy.history_reasons import reason_label
from privacy.models import Incident, RequestEvent, SubjectRequest

register = template.Library()


@register.filter
def fiscal_year_label(value):
    """令和8年度 for fiscal year 2026."""
    return to_fiscal_year_label(value) if isinstance(value, int) else ""


@register.filter
def fiscal_year_of(value):
    """The fiscal year a day belongs to (2026 for 2027-03-31)."""
    return fiscal_year(value) if isinstance(value, date) else ""


@register.filter
def not_met_count(inspection):
    """How many of an inspection's questions were not met (its answers prefetched)."""
    return sum(1 for a in inspection.answers.all() if a.result == "not_met")


@register.filter
def wareki_full(value):
    """令和8年11月22日（2026年11月22日）: the era and the Western date together."""
    if not isinstance(value, date):
        return ""
    day = value if not isinstance(value, datetime) else timezone.localtime(value).date()
    return f"{dates.long(day)}（{day.year}年{day.month}月{day.day}日）"


@register.filter
def items_display(items):
    return "、".join(item_labels(items))


@register.filter
def event_details(event):
    """A request's or incident's event as a sentence in the reader's language."""
    return events.describe(event)


@register.filter
def event_move(event):
    """``before → after`` of an event that moved the status."""
    statuses = SubjectRequest.Status if isinstance(event, RequestEvent) else Incident.Status
    return events.move_label(event, statuses)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (a register entry's column by its key)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def history_reason(reason):
    """Why a history row was written (a stamped code or label), in the reader's language."""
    return reason_label(reason)
