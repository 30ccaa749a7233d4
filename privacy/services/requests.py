"""Subscribers' requests: intake, identity check, the clock, decision and its effects (§5, §6(3)–(4), ■29–■35).

Every status move goes through ``_move`` (the transition map) and writes a RequestEvent;
every due date comes from ``privacy.deadlines.due_date``.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.data_items import normalize_items
from privacy.deadlines import due_date
from privacy.models import ProvisionStop, RequestEvent, RequestRule, SubjectRequest
from privacy.models.disclosures import ProvisionStopScope
from privacy.models.requests import EDIT_KINDS, STOP_KINDS, RequestKind
from subscribers.models import NumberSequence, Subscriber
from subscribers.services import subscriber_suspend_use, subscriber_update

Status = SubjectRequest.Status
Decision = SubjectRequest.Decision
REQUEST_SEQUENCE = "subject_request"
MAX_EXTENSION_DAYS = 30

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IDENTITY_VERIFIED, Status.PAUSED, Status.WITHDRAWN}),
    Status.IDENTITY_VERIFIED: frozenset({Status.UNDER_REVIEW, Status.PAUSED, Status.WITHDRAWN}),
    Status.UNDER_REVIEW: frozenset({Status.DECIDED, Status.PAUSED, Status.WITHDRAWN}),
    # A pause ends by going back to where the request was (``paused_from``), or by withdrawal.
    Status.PAUSED: frozenset({Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW, Status.WITHDRAWN}),
    Status.DECIDED: frozenset({Status.REPLIED}),
    Status.REPLIED: frozenset({Status.CLOSED}),
    Status.WITHDRAWN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Stopping, suspending or erasing is done or not: "in part" would leave the requester unsure what happens.
ALL_OR_NOTHING_KINDS = frozenset({*STOP_KINDS, RequestKind.SUSPENSION, RequestKind.ERASURE})

STOP_SCOPE = {
    RequestKind.STOP_CONTRACTORS: ProvisionStopScope.CONTRACTORS,
    RequestKind.STOP_THIRD_PARTY: ProvisionStopScope.THIRD_PARTIES,
}


class RequestTransitionError(ValidationError):
    pass


def request_rule(kind: str) -> RequestRule:
    rule, _created = RequestRule.objects.get_or_create(kind=kind)
    return rule


def _recompute_due(request: SubjectRequest) -> None:
    """The period: the configured days, plus an extension, plus the days the clock stood still."""
    request.due_on = due_date(request.received_on, request.days + request.extension_days + request.paused_days)


def _event(request: SubjectRequest, user, action: str, *, before: str = "", note: str = "", **parameters) -> None:
    RequestEvent.objects.create(
        request=request,
        actor=user,
        action=action,
        from_status=before,
        to_status=request.status if before else "",
        note=note,
        parameters={k: str(v) for k, v in parameters.items()},
    )


def _save(request: SubjectRequest, user, reason: str) -> None:
    request.full_clean()
    request._history_user = user
    request._change_reason = reason
    request.save()


def _locked(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().select_related("subscriber").get(pk=request.pk)


def _move(request: SubjectRequest, status: str, user, *, action: str, note: str = "", **parameters) -> None:
    if status not in TRANSITIONS[request.status]:
        raise RequestTransitionError(
            _("A request cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(request.status).label, "new": Status(status).label},
            code="invalid_transition",
        )
    before = request.status
    request.status = status
    _save(request, user, action)
    _event(request, user, action, before=before, note=note, **parameters)


def allowed_moves(request: SubjectRequest) -> frozenset[str]:
    return TRANSITIONS[request.status]


def _require_status(request: SubjectRequest, *statuses: str) -> None:
    """Each step starts from where the workflow says: a pause, say, is not a way round the identity check."""
    if request.status not in statuses:
        raise RequestTransitionError(
            _("This cannot be done while the request is “%(status)s”.") % {"status": Status(request.status).label},
            code="wrong_status",
        )


@transaction.atomic
def request_receive(
    *,
    subscriber: Subscriber,
    kind: str,
    received_on: date,
    channel: str,
    details: str,
    user,
    reason: str = "",
    by_agent: bool = False,
    agent_name: str = "",
    agent_relation: str = "",
    agent_postal_code: str = "",
    agent_address: str = "",
    agent_phone: str = "",
) -> SubjectRequest:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if user.department_id is None:
        raise ValidationError(_("Your account belongs to no department; an administrator must set one."))
    if subscriber.erased_on:
        raise ValidationError(_("This subscriber's personal data has been erased."))
    if by_agent and not (agent_name.strip() and agent_postal_code and agent_address.strip()):
        raise ValidationError(_("A request by an agent needs the agent's name, postal code and address."))
    rule = request_rule(kind)
    (value,) = NumberSequence.reserve(REQUEST_SEQUENCE)
    request = SubjectRequest(
        number=f"R{value:07d}",
        subscriber=subscriber,
        department_id=user.department_id,
        kind=kind,
        received_on=received_on,
        channel=channel,
        details=details.strip(),
        reason=reason.strip(),
        by_agent=by_agent,
        agent_name=agent_name.strip() if by_agent else "",
        agent_relation=agent_relation.strip() if by_agent else "",
        agent_postal_code=agent_postal_code if by_agent else "",
        agent_address=agent_address.strip() if by_agent else "",
        agent_phone=agent_phone.strip() if by_agent else "",
        # The letters go to whoever made the request: the agent, or the subscriber at the registered address.
        requester_name=agent_name.strip() if by_agent else subscriber.full_name,
        requester_postal_code=agent_postal_code if by_agent else subscriber.postal_code,
        requester_address=agent_address.strip() if by_agent else subscriber.address,
        days=rule.days,
        fee_yen=rule.fee_yen,
        received_by=user,
    )
    _recompute_due(request)
    _save(request, user, "received")
    # No free text in the append-only event: an erasure or the retention purge must be able to remove it.
    _event(request, user, "received", days=request.days, due_on=request.due_on)
    return request


@transaction.atomic
def request_verify_identity(*, request: SubjectRequest, method: str, note: str = "", user) -> SubjectRequest:
    """■34: the requester (or agent) proved who they are; recorded with how, by whom, when."""
    request = _locked(request)
    _require_status(request, Status.RECEIVED)
    if not method:
        raise ValidationError({"identity_method": _("Choose how the identity was checked.")})
    if method == SubjectRequest.IdentityMethod.OTHER and not note.strip():
        raise ValidationError({"identity_note": _("Describe the document that was checked.")})
    request.identity_method, request.identity_note = method, note.strip()
    request.identity_checked_by, request.identity_checked_at = user, timezone.now()
    _move(request, Status.IDENTITY_VERIFIED, user, action="identity_verified", note=note, method=method)
    return request


@transaction.atomic
def request_start_review(*, request: SubjectRequest, user) -> SubjectRequest:
    request = _locked(request)
    _require_status(request, Status.IDENTITY_VERIFIED)
    _move(request, Status.UNDER_REVIEW, user, action="review_started")
    return request


@transaction.atomic
def request_pause(*, request: SubjectRequest, user, note: str, on: date | None = None) -> SubjectRequest:
    """Waiting for the requester (clarification): the clock stops from ``on``."""
    request = _locked(request)
    _require_status(request, Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW)
    if not note.strip():
        raise ValidationError({"note": _("Say what the requester was asked for.")})
    request.paused_on, request.paused_from = on or timezone.localdate(), request.status
    _move(request, Status.PAUSED, user, action="paused", note=note, since=request.paused_on)
    return request


@transaction.atomic
def request_resume(*, request: SubjectRequest, user, note: str = "", on: date | None = None) -> SubjectRequest:
    """The requester answered: the paused days are added and the due date moves by them."""
    request = _locked(request)
    if request.status != Status.PAUSED:
        raise RequestTransitionError(_("The request is not paused."), code="not_paused")
    on = on or timezone.localdate()
    if on < request.paused_on:
        raise ValidationError({"on": _("The clock cannot restart before it stopped.")})
    paused = (on - request.paused_on).days
    request.paused_days += paused
    back_to = request.paused_from
    request.paused_on, request.paused_from = None, ""
    _recompute_due(request)
    _move(request, back_to, user, action="resumed", note=note, paused_days=paused, due_on=request.due_on)
    return request


@transaction.atomic
def request_extend(*, request: SubjectRequest, days: int, reason: str, user) -> SubjectRequest:
    """Once, by up to 30 days, with a reason; the requester is sent an extension notice (letter)."""
    request = _locked(request)
    if request.status not in (Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW):
        raise ValidationError(_("Only a request still awaiting its decision can be extended."))
    if request.extension_days:
        raise ValidationError(_("The deadline has already been extended once."))
    if timezone.localdate() > request.due_on:
        raise ValidationError(_("The deadline has passed: an extension must be notified before it ends."))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("Extend by 1 to 30 days.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    before = request.due_on
    request.extension_days, request.extension_reason, request.extended_on = days, reason.strip(), timezone.localdate()
    _recompute_due(request)
    _save(request, user, "extended")
    _event(request, user, "extended", note=reason, days=days, due_before=before, due_on=request.due_on)
    return request


@transaction.atomic
def request_decide(*, request: SubjectRequest, decision: str, reasons: str, user, withheld_items=()) -> SubjectRequest:
    """Only an officer decides (§6(4), ■33); a decision in full takes effect in the same transaction."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = _locked(request)
    _require_status(request, Status.UNDER_REVIEW)
    if not request.identity_verified:
        raise ValidationError(_("The requester's identity has not been verified."))
    reasons = reasons.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    if decision == Decision.PARTIAL and request.kind in ALL_OR_NOTHING_KINDS:
        raise ValidationError({"decision": _("This kind of request is granted in full or not at all.")})
    if decision != Decision.FULL and not reasons:
        if request.kind in STOP_KINDS:
            message = _("Explain why the request has no legitimate reason, so the provision is not stopped.")
        else:
            message = _("Give the reasons when the request is not granted in full.")
        raise ValidationError({"reasons": message})
    withheld = normalize_items(withheld_items) if decision == Decision.PARTIAL else []
    if request.kind == RequestKind.DISCLOSURE and decision == Decision.PARTIAL and not withheld:
        raise ValidationError({"withheld_items": _("Choose the items that are not disclosed.")})
    request.withheld_items = withheld
    request.decision, request.decision_reasons = decision, reasons
    request.decided_by, request.decided_at = user, timezone.now()
    _move(request, Status.DECIDED, user, action="decided", note=reasons, decision=decision)
    if decision == Decision.FULL:
        _apply_effect(request, user)
    return request


def _apply_effect(request: SubjectRequest, user) -> None:
    """What a request granted in full changes at once."""
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    subscriber = request.subscriber
    if request.kind in STOP_SCOPE:
        scope = STOP_SCOPE[request.kind]
        if not ProvisionStop.objects.in_force().filter(subscriber=subscriber, scope=scope).exists():
            stop = ProvisionStop(subscriber=subscriber, scope=scope, reason=reason, recorded_by=user, request=request)
            stop.full_clean()
            stop._history_user = user
            stop.save()
        _event(request, user, "provision_stopped", scope=scope)
    elif request.kind == RequestKind.SUSPENSION:
        subscriber_suspend_use(subscriber=subscriber, user=user, reason=reason)
        _event(request, user, "use_suspended")
    elif request.kind == RequestKind.ERASURE:
        from privacy.services.erasure import subscriber_personal_data_erase

        subscriber_personal_data_erase(subscriber=subscriber, user=user, reason=reason)
        _event(request, user, "erased")


@transaction.atomic
def request_apply_edit(*, request: SubjectRequest, user, services=None, **fields) -> Subscriber:
    """Correction, addition or deletion: the registry's own edit, its history row naming the request."""
    request = _locked(request)
    if request.kind not in EDIT_KINDS:
        raise ValidationError(_("This kind of request does not change the record."))
    if request.status != Status.DECIDED or request.decision == Decision.NONE:
        raise ValidationError(_("The record is changed only after a decision granting the request."))
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    subscriber = subscriber_update(
        subscriber=request.subscriber, user=user, services=services, change_reason=reason, **fields
    )
    history_id = subscriber.history.latest().history_id
    _event(request, user, "record_edited", history_id=history_id)
    return subscriber


@transaction.atomic
def request_record_reply(*, request: SubjectRequest, replied_on: date, method: str, user) -> SubjectRequest:
    """The decision letter left (method, date); the request then shows whether it was in time."""
    request = _locked(request)
    if (
        request.kind in EDIT_KINDS
        and request.decision in (Decision.FULL, Decision.PARTIAL)
        and not request.events.filter(action="record_edited").exists()
    ):
        raise ValidationError(_("Change the record as decided before replying."))
    if replied_on > timezone.localdate():
        raise ValidationError({"replied_on": _("The reply date cannot be in the future.")})
    if request.decided_at and replied_on < timezone.localdate(request.decided_at):
        raise ValidationError({"replied_on": _("The reply cannot precede the decision.")})
    request.replied_on, request.reply_method = replied_on, method
    _move(
        request,
        Status.REPLIED,
        user,
        action="replied",
        method=method,
        replied_on=replied_on,
        in_time=request.replied_in_time,
    )
    return request


@transaction.atomic
def request_close(*, request: SubjectRequest, user, note: str = "") -> SubjectRequest:
    request = _locked(request)
    request.closed_on = timezone.localdate()
    _move(request, Status.CLOSED, user, action="closed", note=note)
    return request


@transaction.atomic
def request_withdraw(*, request: SubjectRequest, user, note: str) -> SubjectRequest:
    request = _locked(request)
    if not note.strip():
        raise ValidationError({"note": _("Record how the requester withdrew the request.")})
    _move(request, Status.WITHDRAWN, user, action="withdrawn", note=note)
    return request


@transaction.atomic
def request_record_fee(*, request: SubjectRequest, paid_on: date, user) -> SubjectRequest:
    request = _locked(request)
    if not request.fee_yen:
        raise ValidationError(_("No fee is set for this request."))
    request.fee_paid_on = paid_on
    _save(request, user, "fee_paid")
    _event(request, user, "fee_paid", paid_on=paid_on, fee_yen=request.fee_yen)
    return request


def request_record_handover(*, request: SubjectRequest, user, form: str) -> None:
    """The disclosed data was handed over (PDF printed, or an electronic copy downloaded)."""
    _event(request, user, "disclosure_handed_over", form=form)
