"""Subscribers' requests: intake, identity check, the clock, decision and its effects (§5, §6(3)–(4), ■29–■35).

Every status move goes through ``mctv.transitions.set_status`` along ``REQUEST_LIFECYCLE``, and every act writes
its typed event (``privacy.events.requests``); every due date comes from ``privacy.deadlines.due_date``.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.transitions import TransitionError
from privacy.events import requests as events
from privacy.models import (
    Consultation,
    SubjectRequest,
    User,
)
from privacy.models.request_rules import (
    FOLLOWS_DISCLOSURE_KINDS,
    RequestKind,
)
from privacy.models.requests import AgentKind
from subscribers.models import NumberSequence, Subscriber

from .request_decisions import (
    decisions_for,
    request_apply_edit,
    request_carry_out_disclosure,
    request_decide,
    request_dismiss,
    request_record_fee,
    request_record_handover,
    request_record_reply,
    request_waive_fee,
)
from .request_lifecycle import (
    ALL_OR_NOTHING_KINDS,
    AWAITING_DECISION,
    FOLLOW_UP_WINDOW_DAYS,
    MAX_EXTENSION_DAYS,
    REQUEST_LIFECYCLE,
    REQUEST_SEQUENCE,
    STEP_FROM,
    TRANSFERABLE_GROUPS,
    Status,
    _locked,
    _move,
    _recompute_due,
    _save,
    awaits_carrying_out,
    follow_up_deadline,
    follow_up_lapse,
    request_next_steps,
    request_rule,
)
from .request_periods import request_extend, request_pause, request_resume, request_special_extend

# The one entry point of the request workflow: views, tasks and tests call ``privacy.services.requests``.
__all__ = [
    "ALL_OR_NOTHING_KINDS",
    "AWAITING_DECISION",
    "FOLLOW_UP_WINDOW_DAYS",
    "MAX_EXTENSION_DAYS",
    "REQUEST_LIFECYCLE",
    "STEP_FROM",
    "consultation_record",
    "decisions_for",
    "follow_up_deadline",
    "follow_up_lapse",
    "request_apply_edit",
    "request_carry_out_disclosure",
    "request_close",
    "request_decide",
    "request_dismiss",
    "request_extend",
    "request_next_steps",
    "request_pause",
    "request_receive",
    "request_record_fee",
    "request_record_handover",
    "request_record_reply",
    "request_reopen",
    "request_resume",
    "request_rule",
    "request_special_extend",
    "request_start_review",
    "request_transfer",
    "request_verify_identity",
    "request_waive_fee",
]


@transaction.atomic
def request_receive(
    *,
    kind: str,
    received_on: date,
    channel: str,
    details: str,
    user: User,
    subscriber: Subscriber | None = None,
    subject_name: str = "",
    subject_postal_code: str = "",
    subject_address: str = "",
    reason: str = "",
    by_agent: bool = False,
    agent_kind: str = "",
    agent_name: str = "",
    agent_relation: str = "",
    agent_postal_code: str = "",
    agent_address: str = "",
    agent_phone: str = "",
    based_on: SubjectRequest | None = None,
    consultation: Consultation | None = None,
) -> SubjectRequest:
    """A written request arrived (art. 77(1)): recorded with the day the form arrived, whoever it names — a
    subscriber, or someone not (or no longer) in the registry, who is then answered from what the office holds."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if user.department_id is None:
        raise ValidationError(_("Your account belongs to no department; an administrator must set one."))
    if subscriber is not None and not subscriber.holds_personal_data:
        # Nothing is held any more: the request names a person, not the erased record.
        subject_name = subject_name or ""
        subscriber = None
    if subscriber is None and not (subject_name.strip() and subject_postal_code and subject_address.strip()):
        raise ValidationError(
            _("A request about someone not in the registry needs the person's name, postal code and address.")
        )
    if by_agent and not (agent_name.strip() and agent_postal_code and agent_address.strip()):
        raise ValidationError(_("A request by an agent needs the agent's name, postal code and address."))
    if by_agent and agent_kind not in AgentKind.values:
        raise ValidationError({"agent_kind": _("Say whether the agent is a statutory or an appointed one.")})
    if based_on is not None and based_on.kind != RequestKind.DISCLOSURE:
        raise ValidationError({"based_on": _("A correction or suspension follows a disclosure request.")})
    if based_on is not None and (
        based_on.subscriber_id != (subscriber.pk if subscriber else None)
        or (subscriber is None and based_on.subject_name != subject_name.strip())
    ):
        raise ValidationError({"based_on": _("That disclosure was about someone else.")})
    if consultation is not None and consultation.request_id is not None:
        raise ValidationError(_("This consultation has already become a request."))
    rule = request_rule(kind)
    (value,) = NumberSequence.reserve(REQUEST_SEQUENCE)
    if subscriber is not None:
        subject_name, subject_postal_code, subject_address = (
            subscriber.full_name,
            subscriber.postal_code,
            subscriber.address,
        )
    request = SubjectRequest(
        number=f"R{value:07d}",
        subscriber=subscriber,
        subject_name=subject_name.strip(),
        subject_address=subject_address.strip(),
        department_id=user.department_id,
        kind=kind,
        received_on=received_on,
        channel=channel,
        details=details.strip(),
        reason=reason.strip(),
        by_agent=by_agent,
        agent_kind=agent_kind if by_agent else "",
        agent_name=agent_name.strip() if by_agent else "",
        agent_relation=agent_relation.strip() if by_agent else "",
        agent_postal_code=agent_postal_code if by_agent else "",
        agent_address=agent_address.strip() if by_agent else "",
        agent_phone=agent_phone.strip() if by_agent else "",
        # The letters go to whoever made the request: the agent, or the person at their address.
        requester_name=agent_name.strip() if by_agent else subject_name.strip(),
        requester_postal_code=agent_postal_code if by_agent else subject_postal_code,
        requester_address=agent_address.strip() if by_agent else subject_address.strip(),
        based_on=based_on if kind in FOLLOWS_DISCLOSURE_KINDS else None,
        days=rule.days,
        fee_yen=rule.fee_yen,
        received_by=user,
    )
    _recompute_due(request)
    _save(request, user, "received")
    if consultation is not None:
        consultation.request = request
        stamp_history(consultation, user=user, reason="became_request")
        consultation.save(update_fields=["request", "updated_at"])
    events.request_received_event(request=request, user=user, days=request.days, due_on=request.due_on)
    return request


@transaction.atomic
def consultation_record(
    *,
    received_on: date,
    channel: str,
    name: str,
    summary: str,
    user: User,
    contact: str = "",
    kind: str = "",
    answer: str = "",
    subscriber: Subscriber | None = None,
) -> Consultation:
    """A call or a visit without a written request (相談): recorded, answered, and perhaps later a request."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if user.department_id is None:
        raise ValidationError(_("Your account belongs to no department; an administrator must set one."))
    consultation = Consultation(
        received_on=received_on,
        channel=channel,
        name=name.strip(),
        contact=contact.strip(),
        kind=kind,
        summary=summary.strip(),
        answer=answer.strip(),
        subscriber=subscriber,
        department_id=user.department_id,
        handled_by=user,
    )
    consultation.full_clean()
    stamp_history(consultation, user=user, reason="recorded")
    consultation.save()
    return consultation


@transaction.atomic
def request_verify_identity(
    *, request: SubjectRequest, method: str, note: str = "", agent_authority: str = "", user: User
) -> SubjectRequest:
    """■34, art. 77(2): the requester proved who they are — and an agent also that they are the agent (a family
    register or a guardianship certificate for a statutory agent, a letter of attorney for an appointed one)."""
    request = _locked(request, "verify")
    if not method:
        raise ValidationError({"identity_method": _("Choose how the identity was checked.")})
    if method == SubjectRequest.IdentityMethod.OTHER and not note.strip():
        raise ValidationError({"identity_note": _("Describe the document that was checked.")})
    if request.by_agent and not agent_authority.strip():
        if request.agent_kind == AgentKind.APPOINTED:
            message = _("Record the letter of attorney that was checked.")
        else:
            message = _("Record the document that shows the agent's authority (e.g. a family register).")
        raise ValidationError({"agent_authority": message})
    request.agent_authority = agent_authority.strip() if request.by_agent else ""
    request.identity_method, request.identity_note = method, note.strip()
    request.identity_checked_by, request.identity_checked_at = user, timezone.now()
    before = _move(request, Status.IDENTITY_VERIFIED, user, "identity_verified")
    events.request_identity_verified_event(request=request, user=user, before=before, method=method, note=note)
    return request


@transaction.atomic
def request_start_review(*, request: SubjectRequest, user: User, note: str = "") -> SubjectRequest:
    request = _locked(request, "review")
    before = _move(request, Status.UNDER_REVIEW, user, "review_started")
    events.request_review_started_event(request=request, user=user, before=before, note=note)
    return request


@transaction.atomic
def request_transfer(*, request: SubjectRequest, to: str, reason: str, on: date, user: User) -> SubjectRequest:
    """移送 (arts. 85, 96): after consulting the other body, it decides; the requester is told in writing."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = _locked(request, "transfer")
    if request.group not in TRANSFERABLE_GROUPS:
        raise ValidationError(_("The Act provides no transfer for this kind of request (arts. 85, 96)."))
    if not to.strip():
        raise ValidationError({"to": _("Name the body the request goes to.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    if on < request.received_on or on > timezone.localdate():
        raise ValidationError({"on": _("The transfer date must lie between receipt and today.")})
    request.transferred_to, request.transfer_reason, request.transferred_on = to.strip(), reason.strip(), on
    before = _move(request, Status.TRANSFERRED, user, "transferred")
    events.request_transferred_event(request=request, user=user, before=before, to=request.transferred_to, on=on)
    return request


@transaction.atomic
def request_reopen(*, request: SubjectRequest, user: User, on: date, note: str) -> SubjectRequest:
    """An appeal's ruling set the decision aside: the request is reviewed again and a new decision is due within
    the request's days from the ruling. The old decision stays in the history and the events."""
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (Status.REPLIED, Status.CLOSED):
        raise TransitionError(_("Only a request whose decision has been sent can be reopened."), code="wrong_status")
    request.reopened_on = on
    request.decision, request.decision_reasons = "", ""
    request.withheld_items, request.withholding_grounds = [], {}
    request.decided_by, request.decided_at = None, None
    request.replied_on, request.reply_method, request.closed_on = None, "", None
    request.extension_days, request.extension_reason, request.extended_on = 0, "", None
    request.special_extension_reason, request.special_until = "", None
    request.days, request.paused_days = request_rule(request.kind).days, 0
    # A new decision is carried out anew; the 90 days for a correction then count from that day.
    request.disclosed_on, request.disclosure_method, request.copy_sheets, request.copy_fee_yen = None, "", 0, 0
    _recompute_due(request)
    before = _move(request, Status.UNDER_REVIEW, user, "reopened")
    events.request_reopened_event(request=request, user=user, before=before, note=note, due_on=request.due_on)
    return request


@transaction.atomic
def request_close(*, request: SubjectRequest, user: User, note: str = "") -> SubjectRequest:
    request = _locked(request, "close")
    if awaits_carrying_out(request):
        raise ValidationError(_("The disclosure has not been carried out yet: record it before closing the file."))
    request.closed_on = timezone.localdate()
    before = _move(request, Status.CLOSED, user, "closed")
    events.request_closed_event(request=request, user=user, before=before, note=note)
    return request


@transaction.atomic
def request_withdraw(*, request: SubjectRequest, user: User, note: str) -> SubjectRequest:
    request = _locked(request, "withdraw")
    if not note.strip():
        raise ValidationError({"note": _("Record how the requester withdrew the request.")})
    before = _move(request, Status.WITHDRAWN, user, "withdrawn")
    events.request_withdrawn_event(request=request, user=user, before=before, note=note)
    return request
