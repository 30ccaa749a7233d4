"""Writes to the registry. Each runs in one transaction, so nothing is half-saved."""

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from mctv.db import stamp_history
from mctv.edit_versions import Change
from mctv.transitions import Lifecycle, set_status

from .models import SUBSCRIBER_NUMBER_SEQUENCE, NumberSequence, Subscriber, SubscriberService, format_subscriber_number

if TYPE_CHECKING:
    from privacy.models import User

Status = Subscriber.Status

# Which status may follow which; anything else is refused.
SUBSCRIBER_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.APPLIED: frozenset({Status.ACTIVE, Status.TERMINATED, Status.VOIDED}),
        Status.ACTIVE: frozenset({Status.SUSPENDED, Status.TERMINATED, Status.VOIDED}),
        Status.SUSPENDED: frozenset({Status.ACTIVE, Status.TERMINATED, Status.VOIDED}),
        Status.TERMINATED: frozenset(),
        # Voiding is for a registration made by mistake; once voided, the record stays as it was.
        Status.VOIDED: frozenset(),
    },
)
STATUS_DATE_FIELD: dict[str, str] = {
    Status.ACTIVE: "activated_on",
    Status.SUSPENDED: "suspended_on",
    Status.TERMINATED: "terminated_on",
    Status.VOIDED: "voided_on",
}
# Moves with their own page, permission and service (``subscriber_void``), not the status form's.
SEPARATE_MOVES = frozenset({Status.VOIDED})


def subscriber_next_numbers(count: int = 1) -> list[str]:
    return [format_subscriber_number(n) for n in NumberSequence.reserve(SUBSCRIBER_NUMBER_SEQUENCE, count)]


@transaction.atomic
def subscriber_create(
    *, user: "User", services: Iterable[str] = (), duplicates_checked: Iterable[str] = (), **fields: Any
) -> Subscriber:
    """``duplicates_checked``: the numbers of the likely duplicates the clerk was shown and registered anyway
    after checking them; the history row records them."""
    subscriber = Subscriber(**fields)
    subscriber.number = subscriber_next_numbers()[0]
    subscriber.full_clean()
    stamp_history(subscriber, user=user, reason=_registered_reason(list(duplicates_checked)))
    subscriber.save()
    _sync_services(subscriber=subscriber, services=services, user=user, on_date=subscriber.applied_on)
    return subscriber


def _registered_reason(duplicates_checked: list[str]) -> str:
    if not duplicates_checked:
        return _("Registered")
    shown = "、".join(duplicates_checked[:5]) + ("…" if len(duplicates_checked) > 5 else "")
    return _("Registered after checking likely duplicates: %(numbers)s") % {"numbers": shown}


@transaction.atomic
def subscriber_update(
    *,
    subscriber: Subscriber,
    user: "User",
    services: Iterable[str] | None = None,
    change_reason: str = "",
    **fields: Any,
) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if not subscriber.accepts_changes:
        raise ValidationError(unchangeable_message(subscriber), code="terminated")
    for name, value in fields.items():
        setattr(subscriber, name, value)
    subscriber.full_clean()
    stamp_history(subscriber, user=user, reason=change_reason or _("Edited"))
    subscriber.save()
    if services is not None:
        _sync_services(subscriber=subscriber, services=services, user=user, on_date=timezone.localdate())
    return subscriber


def unchangeable_message(subscriber: Subscriber) -> str:
    if subscriber.status == Status.VOIDED:
        return _("A voided registration cannot be changed.")
    return _("A terminated subscriber's record cannot be changed.")


def subscriber_allowed_statuses(subscriber: Subscriber) -> frozenset[str]:
    """The moves the status form offers (voiding has its own page)."""
    return SUBSCRIBER_LIFECYCLE.allowed(subscriber.status) - SEPARATE_MOVES


@transaction.atomic
def subscriber_set_status(
    *, subscriber: Subscriber, status: str, on_date: date, user: "User", reason: str = ""
) -> Subscriber:
    """Move a subscriber through the status map; the history row records who, when, from, to and why.
    Voiding goes through ``subscriber_void``, which asks for a reason."""
    if status in SEPARATE_MOVES:
        raise ValidationError({"status": _("A registration is voided on its own page, with a reason.")})
    return _set_status(subscriber=subscriber, status=status, on_date=on_date, user=user, reason=reason)


@transaction.atomic
def subscriber_void(*, subscriber: Subscriber, user: "User", reason: str, on_date: date | None = None) -> Subscriber:
    """Void a registration made by mistake (取消し; a duplicate, a wrong person): distinct from a termination
    (解約), it says there never was a contract. Every contracted service ends; lists, searches, exports and every
    bulk use leave the record out, and no contractor receives it; the record and its history stay, disposed of
    as a terminated subscriber's would be, counted from the day it was voided (docs/retention.md)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the registration is voided.")})
    return _set_status(
        subscriber=subscriber,
        status=Status.VOIDED,
        on_date=on_date or timezone.localdate(),
        user=user,
        reason=_("Voided: %(reason)s") % {"reason": reason},
    )


def _set_status(*, subscriber: Subscriber, status: str, on_date: date, user: "User", reason: str) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    SUBSCRIBER_LIFECYCLE.check(subscriber.status, status, thing=str(Subscriber._meta.verbose_name))
    if on_date < subscriber.applied_on:
        raise ValidationError({"on_date": _("The date cannot be before the application date.")})
    if on_date > timezone.localdate():
        # The status changes now, so its date cannot lie ahead.
        raise ValidationError({"on_date": _("The date cannot be in the future.")})
    if subscriber.status == Status.SUSPENDED:
        subscriber.suspended_on = None  # the history keeps the suspension's dates
    setattr(subscriber, STATUS_DATE_FIELD[status], on_date)
    set_status(subscriber, status, lifecycle=SUBSCRIBER_LIFECYCLE, user=user, reason=reason)
    if status in (Status.TERMINATED, Status.VOIDED):
        # Termination (and voiding) ends every contracted service on the same day.
        _sync_services(subscriber=subscriber, services=(), user=user, on_date=on_date)
    return subscriber


def _sync_services(
    *, subscriber: Subscriber, services: Iterable[str], user: "User | None", on_date: date, reason: str = ""
) -> None:
    wanted = set(services)
    open_services = {s.service: s for s in subscriber.services.filter(ended_on__isnull=True)}
    for kind, row in open_services.items():
        if kind not in wanted:
            row.ended_on = max(on_date, row.started_on)
            stamp_history(row, user=user, reason=reason)
            row.save()
    for kind in sorted(wanted - open_services.keys()):
        row = SubscriberService(subscriber=subscriber, service=kind, started_on=on_date)
        row.full_clean()
        stamp_history(row, user=user, reason=reason)
        row.save()


# What an erased record keeps in place of personal data: values the constraints accept and no one can be read from.
ERASED_VALUES = {
    "family_name": "消去済",
    "given_name": "消去済",
    "family_name_kana": "ショウキョズミ",
    "given_name_kana": "ショウキョズミ",
    "birth_date": None,
    "sex": Subscriber.Sex.NOT_STATED,
    "occupation": "",
    "postal_code": "0000000",
    "street_address": "消去済",
    "building": "",
    "phone": "",
    "mobile_phone": "",
    "email": "",
    "legacy_key": "",  # the former register's number names the person as much as the name does: see below
}


def legacy_key_tombstone(legacy_key: str) -> str:
    """What an erased record keeps of its former register's number: a keyed hash, from which the number cannot be
    read, but by which an import of the old register recognises the person and does not bring them back."""
    digest = hmac.new(settings.SECRET_KEY.encode(), legacy_key.encode(), hashlib.sha256).hexdigest()
    return f"erased:{digest[:40]}"


@transaction.atomic
def subscriber_erase(
    *, subscriber: Subscriber, user: "User | None", reason: str, on_date: date | None = None
) -> Subscriber:
    """Erase a subscriber's personal data, keeping the row and its number for the records that name it.

    Used by a decided erasure request; the retention purge erases many at once through ``subscribers_erase``,
    which this is the one-subscriber case of. Idempotent: a second call finds nothing left to erase.
    """
    subscribers_erase(subscriber_ids=[subscriber.pk], user=user, reason=reason, on_date=on_date)
    return Subscriber.objects.get(pk=subscriber.pk)


ERASED_FIELDS = [
    *ERASED_VALUES,
    "status",
    "terminated_on",
    "use_suspended_on",
    "erased_on",
    "search_text",
    "search_bigrams",
    "updated_at",
]


@transaction.atomic
def subscribers_erase(
    *, subscriber_ids: Iterable[int], user: "User | None", reason: str, on_date: date | None = None
) -> list[int]:
    """Erase the personal data of the given subscribers; returns the ids erased now (those already erased are
    left as they are). The change history, which holds every earlier value, goes too; one history row remains
    per subscriber, recording who erased and why. A subscriber not yet terminated (nor voided) is terminated first."""
    on_date = on_date or timezone.localdate()
    rows = list(
        Subscriber.objects.select_for_update()
        .filter(pk__any_of=set(subscriber_ids), erased_on__isnull=True)
        .order_by("pk")
    )
    if not rows:
        return []
    now = timezone.now()
    for subscriber in rows:
        if subscriber.status not in (Status.TERMINATED, Status.VOIDED):
            # Many rows at once, by the same map (bulk_update_with_history below writes each one's history row).
            SUBSCRIBER_LIFECYCLE.move(subscriber, Status.TERMINATED)
            subscriber.terminated_on = max(on_date, subscriber.applied_on)
            _sync_services(subscriber=subscriber, services=(), user=user, on_date=subscriber.terminated_on)
        former = subscriber.legacy_key
        for name, value in ERASED_VALUES.items():
            setattr(subscriber, name, value)
        subscriber.legacy_key = legacy_key_tombstone(former) if former else ""
        subscriber.use_suspended_on, subscriber.erased_on, subscriber.updated_at = None, on_date, now
        subscriber.set_search_columns()  # bulk_update does not call save(), which would
    ids = [subscriber.pk for subscriber in rows]
    Subscriber.history.filter(id__any_of=ids).delete()
    bulk_update_with_history(
        rows, Subscriber, ERASED_FIELDS, default_user=user, default_change_reason=reason, default_date=now
    )
    return ids


@transaction.atomic
def subscriber_suspend_use(
    *, subscriber: Subscriber, user: "User", reason: str, on_date: date | None = None
) -> Subscriber:
    """Suspension of use (§5): from now on, bulk uses by purpose leave the subscriber out."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.use_suspended_on is None:
        subscriber.use_suspended_on = on_date or timezone.localdate()
        stamp_history(subscriber, user=user, reason=reason)
        subscriber.save()
    return subscriber


def subscriber_services_at(subscriber: Subscriber, moment: datetime) -> list[str]:
    """The services contracted at ``moment``, from the services' own history (what the edit form showed then)."""
    rows = SubscriberService.history.filter(subscriber_id=subscriber.pk, history_date__lte=moment).order_by(
        "id", "-history_date", "-history_id"
    )
    latest_of_each: dict[int, Any] = {}
    for row in rows:
        latest_of_each.setdefault(row.id, row)
    return sorted(row.service for row in latest_of_each.values() if row.history_type != "-" and row.ended_on is None)


def subscriber_services_changed(subscriber: Subscriber, since: datetime, *, label: str) -> list[Change]:
    """The services as an edit form drawn at ``since`` showed them and as they are now, when they differ."""
    before, now = subscriber_services_at(subscriber, since), subscriber_services_at(subscriber, timezone.now())
    if before == now:
        return []
    names = dict(SubscriberService.Service.choices)

    def shown(codes: list[str]) -> str:
        return "、".join(str(names[code]) for code in codes) or _("(blank)")

    return [Change("services", label, before, now, shown(before), shown(now))]
