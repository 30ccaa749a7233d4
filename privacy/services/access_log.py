"""Writing the staff access log: one row per subscriber whose data a staff user saw or took away."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from django.utils import timezone

from privacy.data_items import normalize_items
from privacy.models import AccessLog, User
from subscribers.models import NumberSequence

EXPORT_SEQUENCE = "export"
LOG_CHUNK = 2000  # rows written per INSERT: one statement's worth, whatever the use's size


class SubscriberRef(Protocol):
    """What the log keeps of a subscriber: the id, and the number, which outlives the record."""

    @property
    def pk(self) -> Any: ...

    @property
    def number(self) -> str: ...


def without_nul(values: dict[str, Any]) -> dict[str, Any]:
    """What was typed (a search, a filter) goes into JSON, and PostgreSQL's jsonb holds no NUL character."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}


@dataclass(frozen=True)
class Numbered:
    """A subscriber named by id and number without loading the record (a log row, a record already disposed of)."""

    pk: int
    number: str


def access_log_record(
    *,
    user: User,
    subscribers: Iterable[SubscriberRef],
    action: str,
    path: str = "",
    detail: dict[str, Any] | None = None,
    count: int | None = None,
    batch: uuid.UUID | None = None,
) -> int:
    """Record that ``user`` did ``action`` to each of ``subscribers``; returns the number of rows written.
    The rows of one call are one use: one time, and, when more than one, one batch whose first row heads it.

    Given ``count`` (a streamed export's), ``subscribers`` is read once, lazily, and written a chunk at a time, so
    a million rows cost no more memory than one chunk; ``batch`` lets the caller find the rows again."""
    detail = without_nul(detail or {})
    if count is None:
        subscribers = list(subscribers)
        count = len(subscribers)
    batch = batch or (uuid.uuid4() if count > 1 else None)
    at = timezone.now()
    rows = (
        AccessLog(
            at=at,
            user=user,
            subscriber_id=subscriber.pk,
            subscriber_number=subscriber.number,
            action=action,
            path=path.replace("\x00", "")[:300],
            detail=detail or {},
            batch=batch,
            batch_size=count,
            batch_head=position == 0,
        )
        for position, subscriber in enumerate(subscribers)
    )
    written = 0
    while chunk := list(islice(rows, LOG_CHUNK)):
        AccessLog.objects.bulk_create(chunk)
        written += len(chunk)
    if written != count and batch:  # a streamed reading found a record more or less than its count
        AccessLog.objects.filter(batch=batch).update(batch_size=written)
    return written


def export_number_reserve() -> int:
    """The number of the next export file (export #N), before it is made: the file's name carries it."""
    (value,) = NumberSequence.reserve(EXPORT_SEQUENCE)
    return value


def access_log_export(
    *,
    user: User,
    subscribers: Iterable[SubscriberRef],
    items: Iterable[str],
    export_no: int,
    path: str = "",
    detail: dict[str, Any] | None = None,
    count: int | None = None,
    batch: uuid.UUID | None = None,
) -> int:
    """Record an export file: one row per subscriber in it, each naming the file's number and the data items its
    columns carry — so that a lost file's people and items can be found again (``privacy.selectors.incident_scope``).
    """
    return access_log_record(
        user=user,
        subscribers=subscribers,
        action=AccessLog.Action.EXPORT,
        path=path,
        detail={**(detail or {}), "export_no": export_no, "items": normalize_items(items)},
        count=count,
        batch=batch,
    )
