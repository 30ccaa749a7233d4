"""Appeals (審査請求) against decisions on requests: receipt, consultation of the review board (APPI art. 105), the
notice of consultation (art. 105(2)), the board's report, the ruling and its effect. Officers only."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.transitions import Lifecycle, require_status, set_status
from privacy import deadlines
from privacy.letters import decision_title
from privacy.models import Appeal, RequestSettings, SubjectRequest, User
from privacy.models.appeals import (
    APPEAL_MONTHS,
    APPEAL_YEARS_AT_MOST,
    REOPENING_RULINGS,
    AppealStatus,
)
from privacy.services.requests import request_reopen
from subscribers.models import NumberSequence

Status = AppealStatus
APPEAL_SEQUENCE = "appeal"
APPEAL_PERMISSION = "privacy.change_appeal"

APPEAL_LIFECYCLE = Lifecycle(
    Status,
    {
        # A ruling without consulting the board: a dismissal of an unlawful appeal (art. 105(1)(i)).
        Status.RECEIVED: frozenset({Status.CONSULTED, Status.RULED, Status.WITHDRAWN}),
        Status.CONSULTED: frozenset({Status.REPORTED, Status.WITHDRAWN}),
        Status.REPORTED: frozenset({Status.RULED, Status.WITHDRAWN}),
        Status.RULED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    },
)


def appeal_period_ends(decided_on: date, learned_on: date) -> date:
    """The last day an appeal may be made (Administrative Appeal Act art. 18(1)–(2)): three months from the day
    after the appellant learned of the decision, and never later than a year from the day after it was made; a last
    day the office is closed moves to the next open day, the appeal being an act towards the office."""
    by_learning = deadlines.months_later_last_day(learned_on, months=APPEAL_MONTHS)
    at_most = deadlines.months_later_last_day(decided_on, years=APPEAL_YEARS_AT_MOST)
    return deadlines.first_open_day_on_or_after(min(by_learning, at_most))


def _officer(user: User) -> None:
    if not user.has_perm(APPEAL_PERMISSION):
        raise PermissionDenied


def _save(appeal: Appeal, user: User, reason: str) -> None:
    appeal.full_clean()
    stamp_history(appeal, user=user, reason=reason)
    appeal.save()


def _locked(appeal: Appeal, *statuses: str) -> Appeal:
    locked = Appeal.objects.select_for_update().select_related("request").get(pk=appeal.pk)
    require_status(locked, *statuses, lifecycle=APPEAL_LIFECYCLE)
    return locked


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def appeal_receive(
    *,
    request: SubjectRequest,
    received_on: date,
    learned_on: date,
    grounds: str,
    user: User,
    appellant_name: str = "",
    appellant_postal_code: str = "",
    appellant_address: str = "",
    sent_on: date | None = None,
) -> Appeal:
    """An appeal against the decision on ``request``; whether it came within the period is recorded, not decided
    here — an appeal out of time is still received and then dismissed by a ruling."""
    _officer(user)
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.decision or not request.is_statutory:
        raise ValidationError(_("Only a decision on a request under the Act can be appealed."))
    if request.status not in (SubjectRequest.Status.REPLIED, SubjectRequest.Status.CLOSED):
        raise ValidationError(_("Record the decision letter as sent first: an appeal contests a decision notified."))
    assert request.decided_at is not None  # a decision records when
    decided_on = timezone.localdate(request.decided_at)
    _not_future(received_on, "received_on")
    if received_on < decided_on:
        raise ValidationError({"received_on": _("An appeal cannot precede the decision.")})
    if not decided_on <= learned_on <= received_on:
        raise ValidationError({"learned_on": _("The day of learning lies between the decision and the appeal.")})
    if not grounds.strip():
        raise ValidationError({"grounds": _("Record what the appeal asks and why.")})
    if sent_on is not None and not decided_on <= sent_on <= received_on:
        raise ValidationError({"sent_on": _("The postmark lies between the decision and the appeal's arrival.")})
    if user.department_id is None:
        raise ValidationError(_("Your account belongs to no department; an administrator must set one."))
    settings = RequestSettings.current()
    (value,) = NumberSequence.reserve(APPEAL_SEQUENCE)
    appeal = Appeal(
        number=f"A{value:07d}",
        request=request,
        decision_title=decision_title(request),
        decided_on=decided_on,
        department_id=user.department_id,
        received_on=received_on,
        learned_on=learned_on,
        sent_on=sent_on,
        # By post, the days in transit do not count (Administrative Appeal Act art. 18(3)).
        within_period=(sent_on or received_on) <= appeal_period_ends(decided_on, learned_on),
        consult_due_on=deadlines.due_date(received_on, settings.appeal_consult_days),
        grounds=grounds.strip(),
        appellant_name=appellant_name.strip() or request.requester_name,
        appellant_postal_code=appellant_postal_code or request.requester_postal_code,
        appellant_address=appellant_address.strip() or request.requester_address,
        received_by=user,
    )
    _save(appeal, user, "received")
    return appeal


@transaction.atomic
def appeal_consult(*, appeal: Appeal, on: date, notified_on: date | None, user: User) -> Appeal:
    """諮問 (art. 105(1), (3)): the review board is consulted; the appellant (and the requester) are told (105(2))."""
    _officer(user)
    appeal = _locked(appeal, Status.RECEIVED)
    _not_future(on, "on")
    if on < appeal.received_on:
        raise ValidationError({"on": _("The board is consulted after the appeal arrived.")})
    if notified_on is not None and (notified_on < on or notified_on > timezone.localdate()):
        raise ValidationError({"notified_on": _("The notice follows the consultation and is not in the future.")})
    appeal.consulted_on, appeal.consultation_notified_on = on, notified_on
    set_status(appeal, Status.CONSULTED, lifecycle=APPEAL_LIFECYCLE, user=user, reason="consulted")
    return appeal


@transaction.atomic
def appeal_record_notice(*, appeal: Appeal, on: date, user: User) -> Appeal:
    _officer(user)
    appeal = _locked(appeal, Status.CONSULTED, Status.REPORTED)
    assert appeal.consulted_on is not None
    if on < appeal.consulted_on or on > timezone.localdate():
        raise ValidationError({"on": _("The notice follows the consultation and is not in the future.")})
    appeal.consultation_notified_on = on
    _save(appeal, user, "consultation_notified")
    return appeal


@transaction.atomic
def appeal_record_report(*, appeal: Appeal, on: date, summary: str, user: User) -> Appeal:
    """答申: the board's report arrived."""
    _officer(user)
    appeal = _locked(appeal, Status.CONSULTED)
    assert appeal.consulted_on is not None
    _not_future(on, "on")
    if on < appeal.consulted_on:
        raise ValidationError({"on": _("The report follows the consultation.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Record the board's conclusion.")})
    appeal.reported_on, appeal.report_summary = on, summary.strip()
    set_status(appeal, Status.REPORTED, lifecycle=APPEAL_LIFECYCLE, user=user, reason="reported")
    return appeal


@transaction.atomic
def appeal_rule(
    *, appeal: Appeal, ruling: str, reasons: str, on: date, user: User, departs_from_report: str = ""
) -> Appeal:
    """裁決. Without the board only an unlawful appeal is dismissed (art. 105(1)(i)); a ruling setting the decision
    aside reopens the request for a new decision."""
    _officer(user)
    appeal = _locked(appeal, Status.RECEIVED, Status.REPORTED)
    if ruling not in Appeal.Ruling.values:
        raise ValidationError({"ruling": _("Choose the ruling.")})
    if appeal.status == Status.RECEIVED and ruling != Appeal.Ruling.DISMISSED:
        raise ValidationError({"ruling": _("Consult the review board before ruling on the merits (art. 105).")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the ruling.")})
    _not_future(on, "on")
    if on < (appeal.reported_on or appeal.received_on):
        raise ValidationError({"on": _("The ruling follows the report.")})
    appeal.ruling, appeal.ruling_reasons, appeal.ruled_on = ruling, reasons.strip(), on
    appeal.departs_from_report = departs_from_report.strip()
    set_status(appeal, Status.RULED, lifecycle=APPEAL_LIFECYCLE, user=user, reason="ruled")
    if ruling in REOPENING_RULINGS:
        request_reopen(
            request=appeal.request,
            user=user,
            on=on,
            note=_("Ruling on appeal %(number)s: %(ruling)s")
            % {"number": appeal.number, "ruling": appeal.ruling_label},
        )
    return appeal


@transaction.atomic
def appeal_withdraw(*, appeal: Appeal, on: date, user: User) -> Appeal:
    _officer(user)
    appeal = _locked(appeal, Status.RECEIVED, Status.CONSULTED, Status.REPORTED)
    _not_future(on, "on")
    appeal.withdrawn_on = on
    set_status(appeal, Status.WITHDRAWN, lifecycle=APPEAL_LIFECYCLE, user=user, reason="withdrawn")
    return appeal
