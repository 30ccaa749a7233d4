"""The incident register (§11): who sees it, and the reports owed to the authorities and when."""

from dataclasses import dataclass
from datetime import date

from privacy import deadlines
from privacy.models import Incident, IncidentSettings
from privacy.models.incidents import IncidentQuerySet, ReportDeadline

from .access import Viewer, staff_with_permission


def may_see_incidents(user: Viewer) -> bool:
    """Officers and auditors (the permission); clerks and contractors never."""
    return staff_with_permission(user, "privacy.view_incident")


def incidents_visible_to(user: Viewer) -> IncidentQuerySet:
    return Incident.objects.all() if may_see_incidents(user) else Incident.objects.none()


@dataclass(frozen=True)
class ReportDue:
    """An open incident's next report, as the dashboard and the digest show it."""

    incident: Incident
    deadline: ReportDeadline
    today: date

    @property
    def due_on(self) -> date:
        return self.deadline.due_on

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def urgency(self) -> str:
        return deadlines.urgency(self.due_on, self.today)

    @property
    def abs_days(self) -> int:
        return abs(deadlines.days_between(self.today, self.due_on))


def incident_reports_due(incidents: IncidentQuerySet, *, today: date, last_day: date | None = None) -> list[ReportDue]:
    """The next report of each open incident among ``incidents`` that owes one (due by ``last_day``, when given),
    soonest first. The dashboard passes what the user may see; the digest, sent to officers, all of them."""
    config = IncidentSettings.current()
    rows = []
    for incident in incidents.open().with_counts():
        deadline = incident.next_deadline(config)
        if deadline and (last_day is None or deadline.due_on <= last_day):
            rows.append(ReportDue(incident, deadline, today))
    return sorted(rows, key=lambda row: (row.due_on, row.incident.number))
