"""Typed event logs (Saleor's ``order/events.py`` shape): one function per kind of event writes its row, with codes,
ids, dates and numbers as parameters and nothing translated; ``describe`` makes the sentence a person reads when the
page or letter is shown, in the reader's language."""

from django.db import models

from privacy.models import IncidentEvent, RequestEvent

from . import incidents, requests


def describe(event: RequestEvent | IncidentEvent) -> str:
    """The event's details as a sentence in the active language (empty when the kind needs none)."""
    if isinstance(event, RequestEvent):
        return requests.describe(event)
    return incidents.describe(event)


def move_label(event: RequestEvent | IncidentEvent, statuses: type[models.TextChoices]) -> str:
    """``before → after`` in the reader's language, for an event that moved the status."""
    if not event.to_status:
        return ""
    labels = dict(statuses.choices)
    return f"{labels.get(event.from_status, event.from_status)} → {labels.get(event.to_status, event.to_status)}"
