"""Writing the staff access log: one row per subscriber whose data a staff user saw or took away."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import CharField, Field
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
    headed: bool = False,
    at: datetime | None = None,
) -> int:
    """Record that ``user`` did ``action`` to each of ``subscribers``; returns the number of rows written.
    The rows of one call are one use: one time, and, when more than one, one batch whose first row heads it.

    Given ``count`` (a streamed export's), ``subscribers`` is read once, lazily, and written a chunk at a time, so
    a million rows cost no more memory than one chunk; ``batch`` lets the caller find the rows again. A use logged
    over several calls passes the same ``batch``, ``count`` and ``at`` to each, and ``headed`` once an earlier call
    wrote the head (``ExportLog``).

    The log is append-only, so ``count`` is what the use stated: a record that left the reading after it was
    counted is not logged (it is not in the file either), and the rows say how many were asked for."""
    detail = without_nul(detail or {})
    if count is None:
        subscribers = list(subscribers)
        count = len(subscribers)
    batch = batch or (uuid.uuid4() if count > 1 else None)
    use = AccessLog(
        at=at or timezone.now(),
        user=user,
        action=action,
        path=path.replace("\x00", "")[:300],
        detail=detail or {},
        batch=batch,
        batch_size=count,
    )
    people = iter(subscribers)
    written = 0
    while chunk := list(islice(people, LOG_CHUNK)):
        _write(use, chunk, first=written == 0 and not headed)
        written += len(chunk)
    return written


# What one use's rows share, and so are bound once; each row adds its subscriber's id and number, and the first
# of the use heads its batch.
USE_FIELDS = ("at", "user", "action", "path", "detail", "batch", "batch_size")


def _write(use: AccessLog, chunk: list[SubscriberRef], *, first: bool) -> None:
    """Insert a chunk of ``use``'s rows. On PostgreSQL one INSERT … SELECT FROM UNNEST of the ids and numbers,
    the shared values bound once: ``bulk_create`` readied ten fields of a model instance per row, 1.3 ms of CPU
    for a page of 25 results and the same again for every 25 rows of an export. The rows are the same."""
    if connection.vendor != "postgresql":
        AccessLog.objects.bulk_create(
            AccessLog(
                **{name: getattr(use, name) for name in USE_FIELDS},
                subscriber_id=subscriber.pk,
                subscriber_number=subscriber.number,
                batch_head=first and position == 0,
            )
            for position, subscriber in enumerate(chunk)
        )
        return
    shared = [column.get_db_prep_save(getattr(use, column.attname), connection) for column in map(_field, USE_FIELDS)]
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(),
            [*shared, first, [subscriber.pk for subscriber in chunk], [subscriber.number for subscriber in chunk]],
        )


def _field(name: str) -> Field:
    found = AccessLog._meta.get_field(name)
    assert isinstance(found, Field)
    return found


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = [quote(_field(name).column) for name in (*USE_FIELDS, "subscriber", "subscriber_number", "batch_head")]
    # Text for the character columns: a cast to varchar(n) would cut a longer value, where the column refuses it.
    shared = ", ".join(
        f"CAST(%s AS {'text' if isinstance(_field(name), CharField) else _field(name).db_type(connection)})"
        for name in USE_FIELDS
    )
    return (
        f"INSERT INTO {quote(AccessLog._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {shared}, one.id, one.number, one.position = 1 AND %s "
        "FROM UNNEST(%s::bigint[], %s::text[]) WITH ORDINALITY AS one(id, number, position)"
    )


@dataclass
class ExportLog:
    """The access log of one file sent as a stream, written a chunk at a time: each chunk's rows are committed just
    before the chunk is sent (``write``), so the first byte waits for one chunk whatever the file's size, and the
    log names everybody whose data left — a cut download, the chunks sent and no more than one beyond. The rows
    are one use: one time, one batch, one head, and the ``count`` the use stated."""

    user: User
    export_no: int
    items: list[str]
    count: int
    path: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    batch: uuid.UUID | None = field(default_factory=uuid.uuid4)  # None: a use of one person, as access_log_record
    at: datetime = field(default_factory=timezone.now)
    headed: bool = False

    def write(self, subscribers: Sequence[SubscriberRef]) -> None:
        with transaction.atomic():
            written = access_log_export(
                user=self.user,
                subscribers=subscribers,
                items=self.items,
                export_no=self.export_no,
                path=self.path,
                detail=self.detail,
                count=self.count,
                batch=self.batch,
                headed=self.headed,
                at=self.at,
            )
        self.headed |= written > 0


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
    headed: bool = False,
    at: datetime | None = None,
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
        headed=headed,
        at=at,
    )
