"""The events of an incident, one writer per kind (``IncidentEvent.Kind``), and how a reader sees them.

Services call these and nothing else writes ``IncidentEvent`` rows. Counts and codes are stored, never a sentence:
the register is read in the reader's language, whenever it is read.
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.models import Incident, IncidentEvent, IncidentScope, IncidentSubscriber, User

from ._base import Parameter, day_of, label_of, write

Kind = IncidentEvent.Kind


def _write(
    incident: Incident, user: User, kind: str, *, before: str = "", note: str = "", **parameters: Parameter
) -> IncidentEvent:
    return write(
        IncidentEvent,
        on={"incident": incident},
        status=incident.status,
        user=user,
        kind=kind,
        before=before,
        note=note,
        parameters=parameters,
    )


def incident_recorded_event(*, incident: Incident, user: User, people: int) -> IncidentEvent:
    return _write(incident, user, Kind.RECORDED, people=people)


def incident_edited_event(*, incident: Incident, user: User, subscribers_added: int) -> IncidentEvent:
    return _write(incident, user, Kind.EDITED, subscribers_added=subscribers_added)


def incident_preliminary_reported_event(
    *, incident: Incident, user: User, before: str, on: date, note: str
) -> IncidentEvent:
    return _write(incident, user, Kind.PRELIMINARY_REPORTED, before=before, note=note, on=on)


def incident_final_reported_event(*, incident: Incident, user: User, before: str, on: date, note: str) -> IncidentEvent:
    return _write(incident, user, Kind.FINAL_REPORTED, before=before, note=note, on=on)


def incident_closed_event(*, incident: Incident, user: User, before: str, on: date, note: str) -> IncidentEvent:
    return _write(incident, user, Kind.CLOSED, before=before, note=note, on=on)


def incident_notices_sent_event(
    *, incident: Incident, user: User, count: int, method: str, sent_on: date
) -> IncidentEvent:
    return _write(incident, user, Kind.NOTICES_SENT, count=count, method=method, sent_on=sent_on)


def incident_notices_impossible_event(*, incident: Incident, user: User, count: int, note: str) -> IncidentEvent:
    return _write(incident, user, Kind.NOTICES_IMPOSSIBLE, note=note, count=count)


def incident_scope_added_event(
    *, incident: Incident, user: User, scope: int, derived_from: str, people: int, added: int
) -> IncidentEvent:
    return _write(incident, user, Kind.SCOPE_ADDED, scope=scope, derived_from=derived_from, people=people, added=added)


def describe(event: IncidentEvent) -> str:
    """The event's facts in the reader's language. Rows written before the kinds were typed kept their sentence in
    the note instead (the log is append-only), and have no parameters to describe."""
    p = event.parameters
    if event.kind == Kind.RECORDED and "people" in p:
        return ngettext("%(n)d person affected", "%(n)d people affected", p["people"]) % {"n": p["people"]}
    if event.kind == Kind.EDITED and p.get("subscribers_added"):
        n = p["subscribers_added"]
        return ngettext("%(n)d affected subscriber added", "%(n)d affected subscribers added", n) % {"n": n}
    if event.kind == Kind.SCOPE_ADDED and "people" in p:
        return ngettext(
            "%(kind)s: %(n)d person found, %(added)d newly affected",
            "%(kind)s: %(n)d people found, %(added)d newly affected",
            p["people"],
        ) % {"kind": label_of(IncidentScope.Kind, p.get("derived_from")), "n": p["people"], "added": p.get("added", 0)}
    if event.kind in (Kind.PRELIMINARY_REPORTED, Kind.FINAL_REPORTED, Kind.CLOSED) and "on" in p:
        return _("on %(day)s") % {"day": day_of(p, "on")}
    if event.kind == Kind.NOTICES_IMPOSSIBLE and "count" in p:
        n = p["count"]
        return ngettext("%(n)d person cannot be notified", "%(n)d people cannot be notified", n) % {"n": n}
    if event.kind == Kind.NOTICES_SENT and "count" in p:
        n = p["count"]
        return ngettext(
            "%(n)d notice, %(method)s, sent on %(day)s", "%(n)d notices, %(method)s, sent on %(day)s", n
        ) % {
            "n": n,
            "method": label_of(IncidentSubscriber.Method, p.get("method")),
            "day": day_of(p, "sent_on"),
        }
    return ""
