"""The yearly self-inspection per department and the audit's findings (§4(1); rules ■15, ■17).

A department's officer starts the year's inspection from the checklist in force, answers it (a question not met
needs the finding, the remedy and its due date), completes it once every question is answered, and records each
remedy when it is done. The auditor writes findings; the department's officer answers each.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv import dates
from mctv.db import stamp_history
from mctv.transitions import Lifecycle, require_status, set_status
from privacy.fiscal_years import fiscal_year, fiscal_year_bounds
from privacy.models import AuditFinding, Department, InspectionAnswer, InspectionChecklistItem, SelfInspection, User

Status = SelfInspection.Status
Result = InspectionAnswer.Result

INSPECTION_LIFECYCLE = Lifecycle(
    Status, {Status.IN_PROGRESS: frozenset({Status.COMPLETED}), Status.COMPLETED: frozenset()}
)
AUDIT_FINDING_LIFECYCLE = Lifecycle(
    AuditFinding.Status,
    {AuditFinding.Status.OPEN: frozenset({AuditFinding.Status.ANSWERED}), AuditFinding.Status.ANSWERED: frozenset()},
)


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _check_year(year: int, today: date) -> None:
    if not 2000 <= year <= fiscal_year(today):
        raise ValidationError({"fiscal_year": _("Choose this fiscal year or an earlier one.")})


def _check_day(name: str, day: date, earliest: date, today: date) -> None:
    if day > today:
        raise ValidationError({name: _("The date cannot be in the future.")})
    if day < earliest:
        raise ValidationError({name: _("The date cannot be before %(earliest)s.") % {"earliest": dates.long(earliest)}})


def may_act_for(user: User, department: Department) -> bool:
    """The department's own responsible officer, or an officer who belongs to it, acts for it."""
    return user.pk == department.responsible_officer_id or user.department_id == department.pk


def may_answer(user: User, finding: AuditFinding) -> bool:
    """The department's officer answers, and never the person who wrote the finding (someone may hold both roles)."""
    return (
        user.has_perm("privacy.answer_auditfinding")
        and may_act_for(user, finding.department)
        and finding.written_by_id != user.pk
    )


@transaction.atomic
def inspection_start(*, user: User, department: Department, fiscal_year: int) -> SelfInspection:
    """Start the department's inspection for the year from the questions in use; one per department and year."""
    _require(user, "privacy.add_selfinspection")
    if not may_act_for(user, department):
        raise PermissionDenied
    _check_year(fiscal_year, timezone.localdate())
    items = list(InspectionChecklistItem.objects.filter(active=True).order_by("order", "id"))
    if not items:
        raise ValidationError(_("The checklist has no question in use: an administrator adds them first."))
    inspection = SelfInspection(fiscal_year=fiscal_year, department=department, started_by=user)
    inspection.full_clean(validate_constraints=False)
    stamp_history(inspection, user=user)
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        raise ValidationError(
            _("The inspection of %(department)s for this year has already been started.") % {"department": department}
        ) from None
    InspectionAnswer.objects.bulk_create(
        InspectionAnswer(
            inspection=inspection, item=i, order=i.order, category=i.category, question=i.question, basis=i.basis
        )
        for i in items
    )
    return inspection


@dataclass(frozen=True)
class AnswerInput:
    result: str
    finding: str = ""
    remedy: str = ""
    remedy_due_on: date | None = None
    # The answer's fingerprint as the page showed it: a later save by someone else is not overwritten.
    seen: str = ""


def _locked_inspection(inspection: SelfInspection, user: User) -> SelfInspection:
    _require(user, "privacy.change_selfinspection")
    inspection = SelfInspection.objects.select_for_update().select_related("department").get(pk=inspection.pk)
    if not may_act_for(user, inspection.department):
        raise PermissionDenied
    return inspection


@transaction.atomic
def inspection_answer(*, inspection: SelfInspection, user: User, answers: dict[int, AnswerInput]) -> int:
    """Save the answers typed (answer id → input); a question may be left for later. Returns how many changed."""
    inspection = _locked_inspection(inspection, user)
    require_status(inspection, Status.IN_PROGRESS, lifecycle=INSPECTION_LIFECYCLE)
    rows = {a.pk: a for a in inspection.answers.filter(pk__in=list(answers))}
    started_on = timezone.localdate(inspection.created_at)
    errors = {}
    changed = []
    for pk, given in answers.items():
        answer = rows.get(pk)
        if answer is None:
            raise ValidationError(_("The answers do not belong to this inspection."))
        if given.seen and given.seen != answer.fingerprint():
            errors[pk] = _("Someone else changed this answer after the page was opened: reload the page.")
            continue
        keep_remedy = given.result == Result.NOT_MET
        values = {
            "result": given.result,
            "finding": given.finding.strip(),
            "remedy": given.remedy.strip() if keep_remedy else "",
            "remedy_due_on": given.remedy_due_on if keep_remedy else None,
        }
        if given.result == Result.NOT_MET and not (values["finding"] and values["remedy"] and values["remedy_due_on"]):
            errors[pk] = _("A question not met needs the finding, the remedy and its due date.")
            continue
        if all(getattr(answer, k) == v for k, v in values.items()):
            continue
        if answer.remedied_on is not None:
            errors[pk] = _("The remedy of this question is recorded as done: its answer can no longer change.")
            continue
        if given.remedy_due_on is not None and keep_remedy and given.remedy_due_on < started_on:
            errors[pk] = _("The remedy cannot be due before the inspection started.")
            continue
        for k, v in values.items():
            setattr(answer, k, v)
        changed.append(answer)
    if errors:
        raise ValidationError({f"answer_{pk}": message for pk, message in errors.items()})
    for answer in changed:
        answer.full_clean()
        stamp_history(answer, user=user)
        answer.save()
    return len(changed)


@transaction.atomic
def inspection_complete(*, inspection: SelfInspection, user: User, completed_on: date) -> SelfInspection:
    """Complete it once every question is answered, on a day of its fiscal year (or the days after, not the future)."""
    inspection = _locked_inspection(inspection, user)
    INSPECTION_LIFECYCLE.check(inspection.status, Status.COMPLETED, thing=str(SelfInspection._meta.verbose_name))
    unanswered = inspection.answers.filter(result="").count()
    if unanswered:
        raise ValidationError(
            _("%(n)d question(s) are not answered yet: answer every question first.") % {"n": unanswered}
        )
    started_on = max(fiscal_year_bounds(inspection.fiscal_year)[0], timezone.localdate(inspection.created_at))
    _check_day("completed_on", completed_on, started_on, timezone.localdate())
    inspection.completed_on, inspection.completed_by = completed_on, user
    set_status(inspection, Status.COMPLETED, lifecycle=INSPECTION_LIFECYCLE, user=user)
    return inspection


@transaction.atomic
def inspection_remedied(*, answer: InspectionAnswer, user: User, remedied_on: date) -> InspectionAnswer:
    """Record that a finding's remedy is done."""
    inspection = _locked_inspection(answer.inspection, user)
    answer = InspectionAnswer.objects.select_for_update().get(pk=answer.pk)
    if answer.result != Result.NOT_MET or answer.remedied_on is not None:
        raise ValidationError(_("Only a question not met, whose remedy is not yet recorded, can be remedied."))
    _check_day("remedied_on", remedied_on, timezone.localdate(inspection.created_at), timezone.localdate())
    answer.remedied_on, answer.remedied_by = remedied_on, user
    stamp_history(answer, user=user, reason=_("Remedied"))
    answer.save()
    return answer


@transaction.atomic
def audit_finding_write(
    *, user: User, department: Department, fiscal_year: int, found_on: date, finding: str, requested_action: str = ""
) -> AuditFinding:
    """The auditor's finding about a department, for its year (found in that year or the days after)."""
    _require(user, "privacy.add_auditfinding")
    today = timezone.localdate()
    _check_year(fiscal_year, today)
    _check_day("found_on", found_on, fiscal_year_bounds(fiscal_year)[0], today)
    if not finding.strip():
        raise ValidationError({"finding": _("Write down the finding.")})
    record = AuditFinding(
        fiscal_year=fiscal_year,
        department=department,
        found_on=found_on,
        finding=finding.strip(),
        requested_action=requested_action.strip(),
        written_by=user,
    )
    record.full_clean()
    stamp_history(record, user=user)
    record.save()
    return record


@transaction.atomic
def audit_finding_answer(*, finding: AuditFinding, user: User, answer: str, answered_on: date) -> AuditFinding:
    """The department's answer: by its responsible officer or an officer of the department, once."""
    _require(user, "privacy.answer_auditfinding")
    finding = AuditFinding.objects.select_for_update().select_related("department").get(pk=finding.pk)
    if not may_answer(user, finding):
        raise PermissionDenied
    AUDIT_FINDING_LIFECYCLE.check(
        finding.status, AuditFinding.Status.ANSWERED, thing=str(AuditFinding._meta.verbose_name)
    )
    if not answer.strip():
        raise ValidationError({"answer": _("Write down the department's answer.")})
    _check_day("answered_on", answered_on, finding.found_on, timezone.localdate())
    finding.answer, finding.answered_on, finding.answered_by = answer.strip(), answered_on, user
    set_status(finding, AuditFinding.Status.ANSWERED, lifecycle=AUDIT_FINDING_LIFECYCLE, user=user)
    return finding
