"""Incidents (§11): record, affected subscribers, notices, publication, reports — officers only."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv import dates
from mctv.db import stamp_history
from mctv.transitions import Lifecycle, set_status
from privacy.data_items import normalize_items, unknown_items
from privacy.events import incidents as events
from privacy.models import Incident, IncidentEvent, IncidentSubscriber, User
from subscribers.models import NumberSequence, Subscriber
from subscribers.normalize import normalize_text

Status = Incident.Status
INCIDENT_SEQUENCE = "incident"

INCIDENT_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.OPEN: frozenset({Status.PRELIMINARY_REPORTED, Status.CLOSED}),
        Status.PRELIMINARY_REPORTED: frozenset({Status.FINAL_REPORTED}),
        Status.FINAL_REPORTED: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    },
)
# The event each move writes.
MOVE_EVENTS: dict[str, Callable[..., IncidentEvent]] = {
    Status.PRELIMINARY_REPORTED: events.incident_preliminary_reported_event,
    Status.FINAL_REPORTED: events.incident_final_reported_event,
    Status.CLOSED: events.incident_closed_event,
}


def require_officer(user: User) -> None:
    if not user.has_perm("privacy.change_incident"):
        raise PermissionDenied


def parse_subscriber_numbers(text: str) -> tuple[list[Subscriber], list[str]]:
    """Subscriber numbers pasted one per line (or separated by spaces/commas): (found, not found)."""
    tokens = [t for t in normalize_text(text or "").replace(",", " ").replace("、", " ").split() if t]
    numbers = list(dict.fromkeys(tokens))
    found = {s.number: s for s in Subscriber.objects.filter(number__in=numbers)}
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


@transaction.atomic
def incident_record(*, user: User, subscribers: Iterable[Subscriber] = (), **fields: Any) -> Incident:
    require_officer(user)
    items = fields.pop("items", [])
    if unknown_items(items):
        raise ValidationError({"items": _("An unknown data item was named.")})
    if fields.get("discovered_at") and fields["discovered_at"] > timezone.now():
        raise ValidationError({"discovered_at": _("The date cannot be in the future.")})
    (value,) = NumberSequence.reserve(INCIDENT_SEQUENCE)
    incident = Incident(number=f"I{value:07d}", items=normalize_items(items), recorded_by=user, **fields)
    incident.full_clean()
    stamp_history(incident, user=user)
    incident.save()
    IncidentSubscriber.objects.bulk_create(
        [IncidentSubscriber(incident=incident, subscriber=s) for s in dict.fromkeys(subscribers)]
    )
    events.incident_recorded_event(incident=incident, user=user, people=incident.affected_count)
    return incident


@transaction.atomic
def incident_update(
    *, incident: Incident, user: User, add_subscribers: Iterable[Subscriber] = (), **fields: Any
) -> Incident:
    require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(_("A closed incident cannot be changed."))
    if fields.get("discovered_at") and fields["discovered_at"] > timezone.now():
        raise ValidationError({"discovered_at": _("The date cannot be in the future.")})
    if "items" in fields:
        if unknown_items(fields["items"]):
            raise ValidationError({"items": _("An unknown data item was named.")})
        fields["items"] = normalize_items(fields["items"])
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean()
    stamp_history(incident, user=user)
    incident.save()
    pasting = list(dict.fromkeys(add_subscribers))
    # Someone a derivation found, now named by hand too: touched by the incident's items as well.
    incident.affected.filter(subscriber__in=pasting, pasted=False).update(pasted=True)
    existing = set(incident.affected.values_list("subscriber_id", flat=True))
    added = IncidentSubscriber.objects.bulk_create(
        [IncidentSubscriber(incident=incident, subscriber=s) for s in pasting if s.pk not in existing]
    )
    events.incident_edited_event(incident=incident, user=user, subscribers_added=len(added))
    return incident


@transaction.atomic
def incident_set_status(
    *, incident: Incident, status: str, user: User, on: date | None = None, note: str = ""
) -> Incident:
    """Move through the map: report dates are recorded with the move; closing an unreported reportable incident
    is refused."""
    require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    INCIDENT_LIFECYCLE.check(incident.status, status, thing=str(Incident._meta.verbose_name))
    on = on or timezone.localdate()
    earliest = incident.preliminary_reported_on or incident.discovered_on
    if on > timezone.localdate() or on < earliest:
        raise ValidationError(
            {"on": _("The date must lie between %(earliest)s and today.") % {"earliest": dates.long(earliest)}}
        )
    if status == Status.PRELIMINARY_REPORTED:
        incident.preliminary_reported_on = on
    elif status == Status.FINAL_REPORTED:
        incident.final_reported_on = on
    elif status == Status.CLOSED:
        if incident.status == Status.OPEN and incident.reportable_reasons():
            raise ValidationError(_("A reportable incident is closed only after its final report."))
        if not note.strip():
            raise ValidationError({"note": _("Say why the incident is closed.")})
        if gaps := incident.notice_gaps():
            raise ValidationError(gaps)
        incident.closed_on = on
    before = set_status(incident, status, lifecycle=INCIDENT_LIFECYCLE, user=user)
    MOVE_EVENTS[status](incident=incident, user=user, before=before, on=on, note=note)
    return incident


@transaction.atomic
def incident_mark_notices_sent(
    *, incident: Incident, subscriber_ids: Iterable[int], sent_on: date, method: str, user: User
) -> int:
    """§11(1)①: the letters to these affected subscribers went out on ``sent_on`` by ``method``."""
    require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(_("A closed incident cannot be changed."))
    if not incident.notice_text.strip():
        # The letter tells the person what happened in words written for them, never the internal description.
        raise ValidationError(_("Write what the notice tells the people affected before recording notices as sent."))
    if sent_on > timezone.localdate() or sent_on < incident.discovered_on:
        raise ValidationError(
            {
                "sent_on": _("The date must lie between %(earliest)s and today.")
                % {"earliest": dates.long(incident.discovered_on)}
            }
        )
    # A notice recorded as sent stays as recorded: only those not yet sent are marked.
    updated = IncidentSubscriber.objects.filter(
        incident=incident, subscriber_id__in=subscriber_ids, notice_sent_on__isnull=True
    ).update(notice_sent_on=sent_on, notice_method=method, notice_impossible_reason="")
    events.incident_notices_sent_event(incident=incident, user=user, count=updated, method=method, sent_on=sent_on)
    return updated


@transaction.atomic
def incident_mark_notices_impossible(
    *, incident: Incident, subscriber_ids: Iterable[int], reason: str, user: User
) -> int:
    """§11(1)②: these affected subscribers cannot be reached (no address, returned mail …); why is recorded, and
    the incident is then published before it closes."""
    require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(_("A closed incident cannot be changed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the notice cannot reach them.")})
    updated = IncidentSubscriber.objects.filter(
        incident=incident, subscriber_id__in=subscriber_ids, notice_sent_on__isnull=True
    ).update(notice_impossible_reason=reason.strip()[:200])
    events.incident_notices_impossible_event(incident=incident, user=user, count=updated, note=reason)
    return updated
