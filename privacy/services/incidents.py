"""Incidents (§11): record, affected subscribers, notices, publication, reports — officers only."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.data_items import normalize_items, unknown_items
from privacy.models import Incident, IncidentEvent, IncidentSubscriber
from subscribers.models import NumberSequence, Subscriber
from subscribers.normalize import normalize_text

Status = Incident.Status
INCIDENT_SEQUENCE = "incident"

TRANSITIONS = {
    Status.OPEN: frozenset({Status.PRELIMINARY_REPORTED, Status.CLOSED}),
    Status.PRELIMINARY_REPORTED: frozenset({Status.FINAL_REPORTED}),
    Status.FINAL_REPORTED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def _require_officer(user) -> None:
    if not user.has_perm("privacy.change_incident"):
        raise PermissionDenied


def parse_subscriber_numbers(text: str) -> tuple[list[Subscriber], list[str]]:
    """Subscriber numbers pasted one per line (or separated by spaces/commas): (found, not found)."""
    tokens = [t for t in normalize_text(text or "").replace(",", " ").replace("、", " ").split() if t]
    numbers = list(dict.fromkeys(tokens))
    found = {s.number: s for s in Subscriber.objects.filter(number__in=numbers)}
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


def _event(incident, user, action, *, before="", note=""):
    IncidentEvent.objects.create(
        incident=incident,
        actor=user,
        action=action,
        from_status=before,
        to_status=incident.status if before else "",
        note=note,
    )


@transaction.atomic
def incident_record(*, user, subscribers=(), **fields) -> Incident:
    _require_officer(user)
    items = fields.pop("items", [])
    if unknown_items(items):
        raise ValidationError({"items": _("An unknown data item was named.")})
    if fields.get("discovered_at") and fields["discovered_at"] > timezone.now():
        raise ValidationError({"discovered_at": _("The date cannot be in the future.")})
    (value,) = NumberSequence.reserve(INCIDENT_SEQUENCE)
    incident = Incident(number=f"I{value:07d}", items=normalize_items(items), recorded_by=user, **fields)
    incident.full_clean()
    incident._history_user = user
    incident.save()
    IncidentSubscriber.objects.bulk_create(
        [IncidentSubscriber(incident=incident, subscriber=s) for s in dict.fromkeys(subscribers)]
    )
    _event(incident, user, "recorded", note=_("%(n)d people affected") % {"n": incident.affected_count})
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, user, add_subscribers=(), **fields) -> Incident:
    _require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Status.CLOSED:
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
    incident._history_user = user
    incident.save()
    existing = set(incident.affected.values_list("subscriber_id", flat=True))
    IncidentSubscriber.objects.bulk_create(
        [
            IncidentSubscriber(incident=incident, subscriber=s)
            for s in dict.fromkeys(add_subscribers)
            if s.pk not in existing
        ]
    )
    _event(incident, user, "edited")
    return incident


@transaction.atomic
def incident_set_status(*, incident: Incident, status: str, user, on: date | None = None, note: str = "") -> Incident:
    """Move through the map: report dates are recorded with the move; closing an unreported reportable incident
    is refused."""
    _require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if status not in TRANSITIONS[incident.status]:
        raise ValidationError(
            _("An incident cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(incident.status).label, "new": Status(status).label}
        )
    on = on or timezone.localdate()
    earliest = incident.preliminary_reported_on or incident.discovered_on
    if on > timezone.localdate() or on < earliest:
        raise ValidationError(
            {"on": _("The date must lie between %(earliest)s and today.") % {"earliest": earliest.isoformat()}}
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
        incident.closed_on = on
    before = incident.status
    incident.status = status
    incident.full_clean()
    incident._history_user = user
    incident.save()
    _event(incident, user, status, before=before, note=note)
    return incident


@transaction.atomic
def incident_mark_notices_sent(*, incident: Incident, subscriber_ids, sent_on: date, method: str, user) -> int:
    """§11(1)①: the letters to these affected subscribers went out on ``sent_on`` by ``method``."""
    _require_officer(user)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Status.CLOSED:
        raise ValidationError(_("A closed incident cannot be changed."))
    if sent_on > timezone.localdate() or sent_on < incident.discovered_on:
        raise ValidationError(
            {
                "sent_on": _("The date must lie between %(earliest)s and today.")
                % {"earliest": incident.discovered_on.isoformat()}
            }
        )
    # A notice recorded as sent stays as recorded: only those not yet sent are marked.
    updated = IncidentSubscriber.objects.filter(
        incident=incident, subscriber_id__in=subscriber_ids, notice_sent_on__isnull=True
    ).update(notice_sent_on=sent_on, notice_method=method)
    _event(
        incident,
        user,
        "notices_sent",
        note=_("%(n)d notices, %(method)s") % {"n": updated, "method": IncidentSubscriber.Method(method).label},
    )
    return updated
