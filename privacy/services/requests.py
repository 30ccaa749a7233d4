"""Subscribers' requests: intake, identity check, the clock, decision and its effects (§5, §6(3)–(4), ■29–■35).

Every status move goes through ``mctv.transitions.set_status`` along ``REQUEST_LIFECYCLE``, and every act writes
its typed event (``privacy.events.requests``); every due date comes from ``privacy.deadlines.due_date``.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.transitions import Lifecycle, TransitionError, require_status, set_status
from privacy import deadlines
from privacy.data_items import normalize_items
from privacy.events import requests as events
from privacy.models import ProvisionStop, RequestRule, SubjectRequest, User
from privacy.models.disclosures import ProvisionStopScope
from privacy.models.requests import EDIT_KINDS, STOP_KINDS, RequestKind
from subscribers.models import NumberSequence, Subscriber
from subscribers.services import subscriber_suspend_use, subscriber_update

Status = SubjectRequest.Status
Decision = SubjectRequest.Decision
REQUEST_SEQUENCE = "subject_request"
MAX_EXTENSION_DAYS = 30

REQUEST_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.RECEIVED: frozenset({Status.IDENTITY_VERIFIED, Status.PAUSED, Status.WITHDRAWN}),
        Status.IDENTITY_VERIFIED: frozenset({Status.UNDER_REVIEW, Status.PAUSED, Status.WITHDRAWN}),
        Status.UNDER_REVIEW: frozenset({Status.DECIDED, Status.PAUSED, Status.WITHDRAWN}),
        # A pause ends by going back to where the request was (``paused_from``), or by withdrawal.
        Status.PAUSED: frozenset({Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW, Status.WITHDRAWN}),
        Status.DECIDED: frozenset({Status.REPLIED}),
        Status.REPLIED: frozenset({Status.CLOSED}),
        Status.WITHDRAWN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    },
)

AWAITING_DECISION = frozenset({Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW})
# Where each step of the request page starts from: the services refuse any other status, and the page offers a
# step only from these. A pause, say, is not a way round the identity check.
STEP_FROM: dict[str, frozenset[str]] = {
    "verify": frozenset({Status.RECEIVED}),
    "review": frozenset({Status.IDENTITY_VERIFIED}),
    "pause": AWAITING_DECISION,
    "resume": frozenset({Status.PAUSED}),
    "extend": AWAITING_DECISION,
    "decide": frozenset({Status.UNDER_REVIEW}),
    "reply": frozenset({Status.DECIDED}),
    "close": frozenset({Status.REPLIED, Status.WITHDRAWN}),
    "withdraw": AWAITING_DECISION | {Status.PAUSED},
    "fee": frozenset(Status.values),
}
# Steps that also depend on the request's own state, as the services check it.
STEP_ALSO_NEEDS = {
    "extend": lambda request: request.extension_available,
    "fee": lambda request: request.fee_outstanding,
}

# Stopping, suspending or erasing is done or not: "in part" would leave the requester unsure what happens.
ALL_OR_NOTHING_KINDS = frozenset({*STOP_KINDS, RequestKind.SUSPENSION, RequestKind.ERASURE})

STOP_SCOPE: dict[str, str] = {
    RequestKind.STOP_CONTRACTORS: ProvisionStopScope.CONTRACTORS,
    RequestKind.STOP_THIRD_PARTY: ProvisionStopScope.THIRD_PARTIES,
}


def request_next_steps(request: SubjectRequest) -> list[str]:
    """The steps that may be taken on ``request`` now, in the page's order (permissions aside)."""
    return [
        step
        for step, statuses in STEP_FROM.items()
        if request.status in statuses and STEP_ALSO_NEEDS.get(step, lambda r: True)(request)
    ]


def request_rule(kind: str) -> RequestRule:
    rule, _created = RequestRule.objects.get_or_create(kind=kind)
    return rule


def _recompute_due(request: SubjectRequest) -> None:
    """The period: the configured days, plus an extension, plus the days the clock stood still."""
    request.due_on = deadlines.due_date(
        request.received_on, request.days + request.extension_days + request.paused_days
    )


def _save(request: SubjectRequest, user: User, reason: str) -> None:
    """Save what is not a status move (an extension, a fee); its history row names who and why."""
    request.full_clean()
    stamp_history(request, user=user, reason=reason)
    request.save()


def _move(request: SubjectRequest, status: str, user: User, reason: str) -> str:
    return set_status(request, status, lifecycle=REQUEST_LIFECYCLE, user=user, reason=reason)


def _locked(request: SubjectRequest, step: str) -> SubjectRequest:
    """The request re-read under a row lock, refused unless ``step`` may start from its status."""
    locked = SubjectRequest.objects.select_for_update().select_related("subscriber").get(pk=request.pk)
    require_status(locked, *STEP_FROM[step], lifecycle=REQUEST_LIFECYCLE)
    return locked


@transaction.atomic
def request_receive(
    *,
    subscriber: Subscriber,
    kind: str,
    received_on: date,
    channel: str,
    details: str,
    user: User,
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
    if not subscriber.holds_personal_data:
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
    events.request_received_event(request=request, user=user, days=request.days, due_on=request.due_on)
    return request


@transaction.atomic
def request_verify_identity(*, request: SubjectRequest, method: str, note: str = "", user: User) -> SubjectRequest:
    """■34: the requester (or agent) proved who they are; recorded with how, by whom, when."""
    request = _locked(request, "verify")
    if not method:
        raise ValidationError({"identity_method": _("Choose how the identity was checked.")})
    if method == SubjectRequest.IdentityMethod.OTHER and not note.strip():
        raise ValidationError({"identity_note": _("Describe the document that was checked.")})
    request.identity_method, request.identity_note = method, note.strip()
    request.identity_checked_by, request.identity_checked_at = user, timezone.now()
    before = _move(request, Status.IDENTITY_VERIFIED, user, "identity_verified")
    events.request_identity_verified_event(request=request, user=user, before=before, method=method, note=note)
    return request


@transaction.atomic
def request_start_review(*, request: SubjectRequest, user: User) -> SubjectRequest:
    request = _locked(request, "review")
    before = _move(request, Status.UNDER_REVIEW, user, "review_started")
    events.request_review_started_event(request=request, user=user, before=before)
    return request


@transaction.atomic
def request_pause(*, request: SubjectRequest, user: User, note: str, on: date | None = None) -> SubjectRequest:
    """Waiting for the requester (clarification): the clock stops from ``on``."""
    request = _locked(request, "pause")
    if not note.strip():
        raise ValidationError({"note": _("Say what the requester was asked for.")})
    since = on or timezone.localdate()
    request.paused_on, request.paused_from = since, request.status
    before = _move(request, Status.PAUSED, user, "paused")
    events.request_paused_event(request=request, user=user, before=before, since=since, note=note)
    return request


@transaction.atomic
def request_resume(*, request: SubjectRequest, user: User, note: str = "", on: date | None = None) -> SubjectRequest:
    """The requester answered: the paused days are added and the due date moves by them."""
    request = _locked(request, "resume")
    paused_on = request.paused_on
    assert paused_on is not None  # a paused request records since when (set with the move)
    on = on or timezone.localdate()
    if on < paused_on:
        raise ValidationError({"on": _("The clock cannot restart before it stopped.")})
    paused = deadlines.days_between(paused_on, on)
    request.paused_days += paused
    back_to = request.paused_from
    request.paused_on, request.paused_from = None, ""
    _recompute_due(request)
    before = _move(request, back_to, user, "resumed")
    events.request_resumed_event(
        request=request, user=user, before=before, paused_days=paused, due_on=request.due_on, note=note
    )
    return request


@transaction.atomic
def request_extend(*, request: SubjectRequest, days: int, reason: str, user: User) -> SubjectRequest:
    """Once, by up to 30 days, with a reason; the requester is sent an extension notice (letter)."""
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in STEP_FROM["extend"]:
        raise TransitionError(_("Only a request still awaiting its decision can be extended."), code="wrong_status")
    if not request.extension_available:
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
    events.request_extended_event(
        request=request, user=user, days=days, due_before=before, due_on=request.due_on, reason=reason
    )
    return request


@transaction.atomic
def request_decide(
    *, request: SubjectRequest, decision: str, reasons: str, user: User, withheld_items: Iterable[str] = ()
) -> SubjectRequest:
    """Only an officer decides (§6(4), ■33); a decision in full takes effect in the same transaction."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = _locked(request, "decide")
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
    before = _move(request, Status.DECIDED, user, "decided")
    events.request_decided_event(request=request, user=user, before=before, decision=decision, reasons=reasons)
    if decision == Decision.FULL:
        _apply_effect(request, user)
    return request


def _apply_effect(request: SubjectRequest, user: User) -> None:
    """What a request granted in full changes at once."""
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    subscriber = request.subscriber
    if request.kind in STOP_SCOPE:
        scope = STOP_SCOPE[request.kind]
        if not ProvisionStop.objects.in_force().filter(subscriber=subscriber, scope=scope).exists():
            stop = ProvisionStop(subscriber=subscriber, scope=scope, reason=reason, recorded_by=user, request=request)
            stop.full_clean()
            stamp_history(stop, user=user)
            stop.save()
        events.request_provision_stopped_event(request=request, user=user, scope=scope)
    elif request.kind == RequestKind.SUSPENSION:
        subscriber_suspend_use(subscriber=subscriber, user=user, reason=reason)
        events.request_use_suspended_event(request=request, user=user)
    elif request.kind == RequestKind.ERASURE:
        from privacy.services.erasure import subscriber_personal_data_erase

        subscriber_personal_data_erase(subscriber=subscriber, user=user, reason=reason)
        events.request_erased_event(request=request, user=user)


@transaction.atomic
def request_apply_edit(
    *, request: SubjectRequest, user: User, services: Iterable[str] | None = None, **fields: Any
) -> Subscriber:
    """Correction, addition or deletion: the registry's own edit, its history row naming the request."""
    request = SubjectRequest.objects.select_for_update().select_related("subscriber").get(pk=request.pk)
    if request.kind not in EDIT_KINDS:
        raise ValidationError(_("This kind of request does not change the record."))
    if not request.record_change_allowed:
        raise ValidationError(_("The record is changed only after a decision granting the request."))
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    subscriber = subscriber_update(
        subscriber=request.subscriber, user=user, services=services, change_reason=reason, **fields
    )
    history_id = subscriber.history.latest().history_id
    events.request_record_edited_event(request=request, user=user, history_id=history_id)
    return subscriber


@transaction.atomic
def request_record_reply(*, request: SubjectRequest, replied_on: date, method: str, user: User) -> SubjectRequest:
    """The decision letter left (method, date); the request then shows whether it was in time."""
    request = _locked(request, "reply")
    if request.record_change_allowed and not request.events.filter(kind=events.Kind.RECORD_EDITED).exists():
        raise ValidationError(_("Change the record as decided before replying."))
    if replied_on > timezone.localdate():
        raise ValidationError({"replied_on": _("The reply date cannot be in the future.")})
    if request.decided_at and replied_on < timezone.localdate(request.decided_at):
        raise ValidationError({"replied_on": _("The reply cannot precede the decision.")})
    request.replied_on, request.reply_method = replied_on, method
    before = _move(request, Status.REPLIED, user, "replied")
    events.request_replied_event(
        request=request,
        user=user,
        before=before,
        method=method,
        replied_on=replied_on,
        in_time=bool(request.replied_in_time),
    )
    return request


@transaction.atomic
def request_close(*, request: SubjectRequest, user: User, note: str = "") -> SubjectRequest:
    request = _locked(request, "close")
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


@transaction.atomic
def request_record_fee(*, request: SubjectRequest, paid_on: date, user: User) -> SubjectRequest:
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.fee_yen:
        raise ValidationError(_("No fee is set for this request."))
    if request.fee_paid_on:
        raise ValidationError(_("The fee has already been recorded as paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    request.fee_paid_on = paid_on
    _save(request, user, "fee_paid")
    events.request_fee_paid_event(request=request, user=user, paid_on=paid_on, fee_yen=request.fee_yen)
    return request


def request_record_handover(*, request: SubjectRequest, user: User, form: str) -> None:
    """The disclosed data was handed over (PDF printed, or an electronic copy downloaded) — only once a fee the
    configuration sets has been paid (■35)."""
    if not request.grants_disclosure:
        raise PermissionDenied
    if request.fee_outstanding:
        raise ValidationError(_("The fee has not been recorded as paid: nothing is handed over before it is."))
    events.request_disclosure_handed_over_event(request=request, user=user, form=form)
