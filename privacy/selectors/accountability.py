"""What the officer and the auditor see of training, self-inspections and audit findings (§4(1), ■15, ■17)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Prefetch, Q, QuerySet

from privacy.fiscal_years import fiscal_year, fiscal_year_bounds
from privacy.models import AuditFinding, Department, InspectionAnswer, SelfInspection, TrainingSession, User
from privacy.roles import STAFF_ROLES
from privacy.selectors.access import Viewer, staff_with_permission


def may_see_accountability(user: Viewer) -> bool:
    """Officers and auditors (the permission); clerks and contractors never."""
    return staff_with_permission(user, "privacy.view_trainingsession")


def _staff_accounts() -> QuerySet[User]:
    """Accounts that can open subscribers' records: office staff (clerks, officers, auditors) and administrators.
    Contractors' portal accounts are trained under their agreements, not here."""
    return (
        User.objects.filter(contractor__isnull=True)
        .filter(Q(groups__name__in=[str(r) for r in STAFF_ROLES]) | Q(is_superuser=True))
        .exclude(groups__name="contractor")
    )


def staff_handling_personal_data() -> QuerySet[User]:
    """Everyone who handles personal data today: the active staff accounts."""
    return (
        _staff_accounts()
        .filter(is_active=True)
        .distinct()
        .select_related("department")
        .order_by("department__code", "last_name", "first_name", "username")
    )


def staff_training(fiscal_year: int) -> QuerySet[User]:
    """The staff of ``fiscal_year`` — accounts active now and created by its end, and anyone who attended a session
    in it (since gone or not) — each with the day of their last training up to the year's end
    (``last_trained_on``) and of their last in the year (``trained_in_year_on``, None when untrained that year)."""
    first, last = fiscal_year_bounds(fiscal_year)
    held = "training_sessions__held_on"
    in_year = Q(**{f"{held}__gte": first, f"{held}__lte": last})
    attended = TrainingSession.objects.in_fiscal_year(fiscal_year).values("attendance__user")
    joined_by_end = Q(date_joined__date__lte=last)
    return (
        _staff_accounts()
        .filter((Q(is_active=True) & joined_by_end) | Q(pk__in=attended))
        .distinct()
        .select_related("department")
        .order_by("department__code", "last_name", "first_name", "username")
        .annotate(
            last_trained_on=Max(held, filter=Q(**{f"{held}__lte": last})),
            trained_in_year_on=Max(held, filter=in_year),
        )
    )


def _trained_in_year(user: User) -> bool:
    """Read from the annotation of ``staff_training``."""
    return getattr(user, "trained_in_year_on", None) is not None


def staff_untrained(fiscal_year: int) -> list[User]:
    """Those who have had no training in ``fiscal_year``: the dashboard warns the officer of them."""
    return [u for u in staff_training(fiscal_year) if not _trained_in_year(u)]


def open_remedies() -> QuerySet[InspectionAnswer]:
    return (
        InspectionAnswer.objects.open_remedies()
        .select_related("inspection__department")
        .order_by("remedy_due_on", "inspection__department__code", "order")
    )


@dataclass
class DepartmentYear:
    """A department's self-inspection for the year (None: not started) and the audit's findings about it."""

    department: Department
    inspection: SelfInspection | None
    findings: list[AuditFinding] = field(default_factory=list)


@dataclass
class AccountabilityYear:
    """The year's training, inspections and audit: the overview page and the yearly report read the same."""

    fiscal_year: int
    first_day: date
    last_day: date
    sessions: list[TrainingSession]
    staff: list[User]
    departments: list[DepartmentYear]

    @property
    def trained(self) -> list[User]:
        return [u for u in self.staff if _trained_in_year(u)]

    @property
    def untrained(self) -> list[User]:
        return [u for u in self.staff if not _trained_in_year(u)]

    @property
    def findings(self) -> list[AuditFinding]:
        return [f for d in self.departments for f in d.findings]


def accountability_year(fiscal_year: int) -> AccountabilityYear:
    first, last = fiscal_year_bounds(fiscal_year)
    sessions = list(
        TrainingSession.objects.in_fiscal_year(fiscal_year)
        .prefetch_related("attendees__department")
        .order_by("held_on", "id")
    )
    inspections = {
        i.department_id: i
        for i in SelfInspection.objects.filter(fiscal_year=fiscal_year)
        .select_related("started_by", "completed_by")
        .prefetch_related(Prefetch("answers", queryset=InspectionAnswer.objects.select_related("remedied_by")))
    }
    findings: dict[int, list[AuditFinding]] = {}
    for finding in (
        AuditFinding.objects.filter(fiscal_year=fiscal_year)
        .select_related("department", "written_by", "answered_by")
        .order_by("found_on", "id")
    ):
        findings.setdefault(finding.department_id, []).append(finding)
    departments = [
        DepartmentYear(d, inspections.get(d.pk), findings.get(d.pk, []))
        for d in Department.objects.select_related("responsible_officer").order_by("code")
    ]
    return AccountabilityYear(fiscal_year, first, last, sessions, list(staff_training(fiscal_year)), departments)


@dataclass(frozen=True)
class AccountabilityWarnings:
    """What the dashboard tells the officer and the auditor: untrained staff, remedies overdue, findings open."""

    untrained: list[User]
    remedies_overdue: int
    findings_open: int

    def __bool__(self) -> bool:
        return bool(self.untrained or self.remedies_overdue or self.findings_open)


def accountability_warnings(user: Viewer, today: date) -> AccountabilityWarnings | None:
    if not may_see_accountability(user):
        return None
    return AccountabilityWarnings(
        untrained=staff_untrained(fiscal_year(today)),
        remedies_overdue=InspectionAnswer.objects.overdue(today).count(),
        findings_open=AuditFinding.objects.filter(status=AuditFinding.Status.OPEN).count(),
    )
