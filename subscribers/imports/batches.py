"""A batch of cleaned rows against the registry: who exists already (one query by the former register's numbers),
what would change, the likely duplicates (within the file and in the registry, by ``subscribers.duplicates``' own
keys and reasons), and the writes — ``bulk_create_with_history`` / ``bulk_update_with_history``, numbers reserved in
one call, the search columns computed as ``Subscriber.save`` computes them."""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from subscribers import normalize
from subscribers.duplicates import DUPLICATE_FIELDS, DuplicateKeys, duplicate_reasons, keys_of
from subscribers.models import Subscriber, SubscriberService, search_text_of
from subscribers.services import (
    SUBSCRIBER_LIFECYCLE,
    _sync_services,
    legacy_key_tombstone,
    subscriber_next_numbers,
    unchangeable_message,
)

from .rows import CleanRow

if TYPE_CHECKING:
    from privacy.models import User

Status = Subscriber.Status
STATUS_DAY: dict[str, str] = {
    Status.ACTIVE: "activated_on",
    Status.SUSPENDED: "suspended_on",
    Status.TERMINATED: "terminated_on",
}
KEY_FIELDS = ("pk", "number", "legacy_key", *DUPLICATE_FIELDS)
Problem = tuple[int, str, str]


@dataclass
class Plan:
    # Each new subscriber with the services the row contracts (None: the file has no column for them).
    creates: list[tuple[int, Subscriber, list[str] | None]] = field(default_factory=list)
    updates: list[tuple[int, Subscriber, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[list[Any]] = field(default_factory=list)


class Batcher:
    """Carries what one pass over a file has seen (the former numbers, the duplicate keys) from batch to batch."""

    def __init__(self, *, legacy_column: str):
        self.legacy_column = legacy_column
        self.seen: dict[str, int] = {}
        self.by_reading: dict[tuple, tuple[int, DuplicateKeys]] = {}
        self.by_address: dict[tuple, tuple[int, DuplicateKeys]] = {}
        self.stored: dict[tuple, list[tuple[str, str, DuplicateKeys]]] | None = None

    def plan(self, rows: list[CleanRow]) -> Plan:
        plan = Plan()
        fresh = []
        for row in rows:
            key = row.values["legacy_key"]
            if key in self.seen:
                plan.problems.append(
                    (row.number, self.legacy_column, _("The same number as row %(row)d.") % {"row": self.seen[key]})
                )
                continue
            self.seen[key] = row.number
            fresh.append(row)
        keys = [row.values["legacy_key"] for row in fresh]
        # A person erased (at their request, or at the end of the retention period) is not brought back by the old
        # register: the erased record keeps a keyed hash of the former number (``legacy_key_tombstone``).
        tombstones = {legacy_key_tombstone(key): key for key in keys}
        erased = {
            tombstones[t]
            for t in Subscriber.objects.filter(legacy_key__in=tombstones).values_list("legacy_key", flat=True)
        }
        found = Subscriber.objects.filter(legacy_key__in=keys)
        if any(row.services is not None for row in fresh):
            found = found.prefetch_related(Prefetch("services", SubscriberService.objects.filter(ended_on=None)))
        existing = {s.legacy_key: s for s in found}
        kept = []
        for row in fresh:
            if row.values["legacy_key"] in erased:
                plan.problems.append(
                    (
                        row.number,
                        self.legacy_column,
                        _("This person's data was erased from the registry: the row is not imported."),
                    )
                )
                continue
            subscriber = existing.get(row.values["legacy_key"])
            if subscriber is None:
                new = Subscriber(**row.values)
                plan.creates.append((row.number, new, row.services))
                kept.append((row, new))
                continue
            changes, problem = changes_of(subscriber, row)
            if problem:
                plan.problems.append((row.number, self.legacy_column, problem))
            elif changes:
                plan.updates.append((row.number, subscriber, changes))
            else:
                plan.unchanged += 1
        self._duplicates(plan, kept)
        return plan

    def _duplicates(self, plan: Plan, rows: list[tuple[CleanRow, Subscriber]]) -> None:
        """New rows only: a row updating its own subscriber is that subscriber, not a duplicate of it."""
        keyed = [(row, keys_of(new)) for row, new in rows]
        for row, keys in keyed:
            earlier: dict[int, DuplicateKeys] = {}
            for index, key in ((self.by_reading, _reading(keys)), (self.by_address, _address(keys))):
                if key is None:
                    continue
                if key in index:
                    earlier.setdefault(*index[key])
                else:
                    index[key] = (row.number, keys)
            for number, theirs in sorted(earlier.items()):
                plan.duplicates.append(
                    [row.number, _("row %(row)d") % {"row": number}, "、".join(duplicate_reasons(keys, theirs))]
                )
        if self.stored is None:
            self.stored = _registry_index()
        for row, keys in keyed:
            found: dict[str, list[str]] = {}
            for key in (_reading(keys), _address(keys)):
                for other, legacy_key, theirs in self.stored.get(key, []) if key is not None else []:
                    if legacy_key not in self.seen:  # not this file's own subscriber (an update, not a duplicate)
                        found[other] = duplicate_reasons(keys, theirs)
            for subscriber_number in sorted(found):
                plan.duplicates.append([row.number, subscriber_number, "、".join(found[subscriber_number])])


def _registry_index() -> dict[tuple, list[tuple[str, str, DuplicateKeys]]]:
    """The registry as it stood before the import, by the two rules' keys: read once, in one streamed query (a query
    per batch would read the rows this import wrote as well, and grow with every batch)."""
    index: dict[tuple, list[tuple[str, str, DuplicateKeys]]] = {}
    rows = (
        Subscriber.objects.filter(erased_on__isnull=True)
        .exclude(status=Status.VOIDED)
        .values_list(*KEY_FIELDS[1:])
        .iterator(chunk_size=5000)
    )
    for values in rows:
        stored = SimpleNamespace(**dict(zip(KEY_FIELDS[1:], values, strict=True)))
        theirs = keys_of(stored)
        for key in (_reading(theirs), _address(theirs)):
            if key is not None:
                index.setdefault(key, []).append((stored.number, stored.legacy_key, theirs))
    return index


def _reading(keys: DuplicateKeys) -> tuple | None:
    return ("r", keys.reading, keys.birth_date) if keys.birth_date and all(keys.reading) else None


def _address(keys: DuplicateKeys) -> tuple | None:
    return ("a", keys.name, keys.address) if keys.name and keys.address else None


def changes_of(subscriber: Subscriber, row: CleanRow) -> tuple[dict[str, Any], str]:
    """What the row would change in the subscriber (the items the file has columns for), or why it may not."""
    values = row.values
    changes = {
        name: values[name]
        for name in row.provided - {"status"}
        if name in values and getattr(subscriber, name) != values[name]
    }
    status = values["status"] if "status" in row.provided else subscriber.status
    if status != subscriber.status:
        if status not in SUBSCRIBER_LIFECYCLE.allowed(subscriber.status):
            return {}, _("The status cannot go from “%(old)s” to “%(new)s”.") % {
                "old": SUBSCRIBER_LIFECYCLE.label(subscriber.status),
                "new": SUBSCRIBER_LIFECYCLE.label(status),
            }
        changes["status"] = status
        if status in STATUS_DAY:
            changes[STATUS_DAY[status]] = values.get(STATUS_DAY[status]) or timezone.localdate()
        if subscriber.status == Status.SUSPENDED:
            changes["suspended_on"] = None  # as a status move does; the history keeps the suspension's dates
    elif "status" in row.provided and status in STATUS_DAY:
        day = STATUS_DAY[status]
        if values.get(day) and getattr(subscriber, day) != values[day]:
            changes[day] = values[day]
    # The services in force, prefetched, against the file's (a termination ends them all, in plan_write).
    in_force = sorted(s.service for s in subscriber.services.all()) if row.services is not None else None
    if in_force is not None and in_force != row.services and status != Status.TERMINATED:
        changes["services"] = row.services
    if changes and not subscriber.accepts_changes:
        return {}, unchangeable_message(subscriber)
    return changes, ""


def plan_write(plan: Plan, *, user: "User", created_reason: str, updated_reason: str, batch_size: int) -> None:
    """Write a planned batch; the caller holds the transaction."""
    if plan.creates:
        new = [subscriber for _row, subscriber, _services in plan.creates]
        for subscriber, number in zip(new, subscriber_next_numbers(len(new)), strict=True):
            subscriber.number = number
            # As Subscriber.save computes them (the values are stored as cleaned: no second normalisation).
            subscriber.search_text = search_text_of(subscriber)
            subscriber.search_bigrams = normalize.search_bigrams(subscriber.search_text)
        bulk_create_with_history(
            new, Subscriber, batch_size=batch_size, default_user=user, default_change_reason=created_reason
        )
        contracted = [
            _service_row(subscriber, service)
            for _row, subscriber, services in plan.creates
            for service in services or ()
        ]
        if contracted:
            bulk_create_with_history(
                contracted,
                SubscriberService,
                batch_size=batch_size,
                default_user=user,
                default_change_reason=created_reason,
            )
    if plan.updates:
        now = timezone.now()
        names: set[str] = set()
        rows = []
        services_of: dict[int, list[str]] = {}
        for _row, subscriber, changes in plan.updates:
            if "services" in changes:
                services_of[subscriber.pk] = changes.pop("services")
            for name, value in changes.items():
                if name == "status":
                    SUBSCRIBER_LIFECYCLE.move(subscriber, value)
                else:
                    setattr(subscriber, name, value)
            subscriber.updated_at = now
            subscriber.set_search_columns()  # bulk_update does not call save(), which would
            names |= changes.keys()
            rows.append(subscriber)
        bulk_update_with_history(
            rows,
            Subscriber,
            sorted(names | {"search_text", "search_bigrams", "updated_at"}),
            batch_size=batch_size,
            default_user=user,
            default_change_reason=updated_reason,
            default_date=now,
        )
        for subscriber in rows:
            if subscriber.status == Status.TERMINATED and subscriber.terminated_on:
                # A termination ends every contracted service on its day, as the status page's does.
                _sync_services(
                    subscriber=subscriber,
                    services=(),
                    user=user,
                    on_date=subscriber.terminated_on,
                    reason=updated_reason,
                )
            elif subscriber.pk in services_of:
                # Services started or ended today, as the edit page records them (a row per change, with history).
                _sync_services(
                    subscriber=subscriber,
                    services=services_of[subscriber.pk],
                    user=user,
                    on_date=timezone.localdate(),
                    reason=updated_reason,
                )


def _service_row(subscriber: Subscriber, service: str) -> SubscriberService:
    """A new subscriber's service, from the day the subscriber's record says it began; a terminated subscriber's
    ended on the day of the termination."""
    started = subscriber.activated_on or subscriber.applied_on
    ended = subscriber.terminated_on if subscriber.status == Status.TERMINATED else None
    if ended is not None and ended < started:
        started = ended
    return SubscriberService(subscriber=subscriber, service=service, started_on=started, ended_on=ended)
