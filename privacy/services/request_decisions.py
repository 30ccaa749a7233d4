"""Deciding a request and what follows: the decisions each kind may receive (arts. 82, 93, 101), 却下, the effects
of a grant, the record changed through the registry, the reply, fees (art. 89) and the disclosure carried out
(art. 87). Officers decide (§6(4), ■33)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.data_items import normalize_items
from privacy.events import requests as events
from privacy.models import (
    ProvisionStop,
    SubjectRequest,
    User,
    WithholdingGround,
)
from privacy.models.request_rules import (
    DECISION_LABELS,
    EDIT_KINDS,
    KIND_GROUP,
    STATUTORY_KINDS,
    STOP_KINDS,
    RequestKind,
)
from subscribers.models import Subscriber
from subscribers.services import subscriber_suspend_use, subscriber_update

from .request_lifecycle import (
    ALL_OR_NOTHING_KINDS,
    STOP_SCOPE,
    Decision,
    Status,
    _locked,
    _move,
    _save,
    _stop_pause,
    follow_up_lapse,
    request_rule,
)


def decisions_for(kind: str) -> list[str]:
    """The decisions a kind may receive on review (arts. 82, 93, 101; the declaration's own: granted or not);
    却下 is its own step (``request_dismiss``)."""
    allowed = DECISION_LABELS[KIND_GROUP[kind]]
    return [
        d
        for d in Decision.values
        if d in allowed and d != Decision.DISMISSED and not (d == Decision.PARTIAL and kind in ALL_OR_NOTHING_KINDS)
    ]


@transaction.atomic
def request_decide(
    *,
    request: SubjectRequest,
    decision: str,
    reasons: str,
    user: User,
    withheld_items: Iterable[str] = (),
    withholding_grounds: dict[str, str] | None = None,
) -> SubjectRequest:
    """Only an officer decides (§6(4), ■33); a decision in full takes effect in the same transaction. A disclosure
    in part names, for each item withheld, the article that withholds it (arts. 78, 79)."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = _locked(request, "decide")
    if not request.identity_verified:
        raise ValidationError(_("The requester's identity has not been verified."))
    reasons = reasons.strip()
    if decision not in decisions_for(request.kind):
        if decision == Decision.PARTIAL and request.kind in ALL_OR_NOTHING_KINDS:
            raise ValidationError({"decision": _("This kind of request is granted in full or not at all.")})
        raise ValidationError({"decision": _("Choose the decision.")})
    lapse = follow_up_lapse(request)
    if lapse:
        raise ValidationError(_("This request must be dismissed: %(why)s") % {"why": lapse})
    if request.subscriber_id is None and decision in (Decision.FULL, Decision.PARTIAL):
        raise ValidationError(
            {"decision": _("Nobody by this name is in the registry: nothing can be disclosed or changed.")}
        )
    if decision != Decision.FULL and not reasons:
        if request.kind in STOP_KINDS:
            message = _("Explain why the request has no legitimate reason, so the provision is not stopped.")
        else:
            message = _("Give the reasons when the request is not granted in full.")
        raise ValidationError({"reasons": message})
    withheld, grounds = _withholding(request, decision, withheld_items, withholding_grounds or {})
    request.withheld_items, request.withholding_grounds = withheld, grounds
    request.decision, request.decision_reasons = decision, reasons
    request.decided_by, request.decided_at = user, timezone.now()
    before = _move(request, Status.DECIDED, user, "decided")
    events.request_decided_event(request=request, user=user, before=before, decision=decision, reasons=reasons)
    if decision == Decision.FULL:
        _apply_effect(request, user)
    return request


def _withholding(
    request: SubjectRequest, decision: str, items: Iterable[str], grounds: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The items a disclosure leaves out and the ground (article) of each: every item withheld in part
    (arts. 78, 79), at least one ground for a refusal (art. 82(2)); none for the other decisions."""
    if request.kind != RequestKind.DISCLOSURE:
        return (normalize_items(items) if decision == Decision.PARTIAL else []), {}
    if decision == Decision.PARTIAL:
        withheld = normalize_items(items)
        if not withheld:
            raise ValidationError({"withheld_items": _("Choose the items that are not disclosed.")})
    elif decision == Decision.NONE:
        withheld = normalize_items(code for code, ground in grounds.items() if ground)
        if not withheld:
            raise ValidationError({"withheld_items": _("Name the ground (the article) for the refusal.")})
    else:
        return [], {}
    chosen = {item: grounds.get(item, "") for item in withheld}
    known = set(WithholdingGround.objects.filter(active=True).values_list("code", flat=True))
    if any(code not in known for code in chosen.values()):
        raise ValidationError(
            {"withheld_items": _("Name the ground (the article) for each item that is not disclosed.")}
        )
    return withheld, chosen


@transaction.atomic
def request_dismiss(*, request: SubjectRequest, reasons: str, user: User) -> SubjectRequest:
    """却下: not a lawful request — a form never corrected, a correction or suspension asked more than 90 days
    after the disclosure (arts. 90(3), 98(3)). A 処分 like any decision, by an officer, with its reasons."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = _locked(request, "dismiss")
    if request.kind not in STATUTORY_KINDS:
        raise ValidationError(_("Only a request under the Act is dismissed; answer this one with a decision."))
    if not reasons.strip():
        raise ValidationError({"reasons": _("Say why the request is not a lawful one.")})
    if request.status == Status.PAUSED:
        _stop_pause(request, timezone.localdate())
    request.decision, request.decision_reasons = Decision.DISMISSED, reasons.strip()
    request.withheld_items, request.withholding_grounds = [], {}
    request.decided_by, request.decided_at = user, timezone.now()
    before = _move(request, Status.DECIDED, user, "dismissed")
    events.request_decided_event(
        request=request, user=user, before=before, decision=Decision.DISMISSED, reasons=reasons
    )
    return request


def _apply_effect(request: SubjectRequest, user: User) -> None:
    """What a request granted in full changes at once."""
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    subscriber = request.subscriber
    assert subscriber is not None  # nothing is granted for a person not in the registry (request_decide)
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
    request = SubjectRequest.objects.select_for_update(of=("self",)).select_related("subscriber").get(pk=request.pk)
    if request.kind not in EDIT_KINDS:
        raise ValidationError(_("This kind of request does not change the record."))
    if not request.record_change_allowed:
        raise ValidationError(_("The record is changed only after a decision granting the request."))
    reason = _("Request %(number)s (%(kind)s)") % {"number": request.number, "kind": request.get_kind_display()}
    assert request.subscriber is not None  # nothing is granted for a person not in the registry (request_decide)
    subscriber = subscriber_update(
        subscriber=request.subscriber, user=user, services=services, change_reason=reason, **fields
    )
    history_id = subscriber.history.latest().history_id
    events.request_record_edited_event(request=request, user=user, history_id=history_id)
    from privacy.services.correction_notices import correction_notices_prepare

    # Art. 97: the recipients of what changed are listed for a notice each.
    correction_notices_prepare(request=request, user=user)
    return subscriber


@transaction.atomic
def request_record_reply(*, request: SubjectRequest, replied_on: date, method: str, user: User) -> SubjectRequest:
    """The decision letter left (method, date); the request then shows whether it was in time."""
    request = _locked(request, "reply")
    if request.record_change_allowed and not request.record_edited_since_decision:
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
def request_record_fee(*, request: SubjectRequest, paid_on: date, user: User) -> SubjectRequest:
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.fee_yen:
        raise ValidationError(_("No fee is set for this request."))
    if not request.fee_outstanding:
        raise ValidationError(_("The fee has already been recorded as paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    request.fee_paid_on = paid_on
    _save(request, user, "fee_paid")
    events.request_fee_paid_event(request=request, user=user, paid_on=paid_on, fee_yen=request.fee_yen)
    return request


def request_check_handover(request: SubjectRequest) -> SubjectRequest:
    """The request as stored, if its disclosed data may be handed over: granted, and a fee the configuration sets
    paid or waived (■35, art. 89). A long disclosure made by a worker is checked so when it is asked for."""
    request = SubjectRequest.objects.get(pk=request.pk)  # as stored: a waiver may have come since it was read
    if not request.grants_disclosure:
        raise PermissionDenied
    if request.fee_outstanding:
        raise ValidationError(_("The fee has not been recorded as paid: nothing is handed over before it is."))
    return request


def request_record_handover(*, request: SubjectRequest, user: User, form: str, export_no: int | None = None) -> None:
    """The disclosed data was handed over (PDF printed, or an electronic copy downloaded), once allowed;
    ``export_no`` names a print job's file."""
    request = request_check_handover(request)
    events.request_disclosure_handed_over_event(request=request, user=user, form=form, export_no=export_no)


@transaction.atomic
def request_waive_fee(*, request: SubjectRequest, reason: str, user: User) -> SubjectRequest:
    """The ordinance's fee is waived (減免), with the reason, by an officer; the disclosure may then be handed
    over."""
    if not user.has_perm("privacy.decide_subjectrequest"):
        raise PermissionDenied
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.fee_outstanding:
        raise ValidationError(_("No fee is outstanding for this request."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for waiving the fee.")})
    request.fee_waived_reason = reason.strip()
    _save(request, user, "fee_waived")
    events.request_fee_waived_event(request=request, user=user, reason=request.fee_waived_reason)
    return request


@transaction.atomic
def request_carry_out_disclosure(
    *, request: SubjectRequest, on: date, method: str, user: User, sheets: int = 0, copies_paid: bool = False
) -> SubjectRequest:
    """開示の実施 (art. 87): the day and the way the requester received the disclosure. The 90 days for a
    correction or suspension count from this day (arts. 90(3), 98(3)). Paper copies cost what the ordinance sets
    per sheet, paid as they are handed over; nothing is handed over before the fee is paid or waived."""
    request = _locked(request, "carry_out")
    if not request.grants_disclosure:
        raise ValidationError(_("Only a disclosure granted in full or in part is carried out."))
    if request.disclosed_on is not None:
        raise ValidationError(_("The disclosure has already been carried out."))
    if request.fee_outstanding:
        raise ValidationError(_("The fee has not been recorded as paid: nothing is handed over before it is."))
    if method not in SubjectRequest.DisclosureMethod.values:
        raise ValidationError({"method": _("Choose how the disclosure was carried out.")})
    assert request.decided_at is not None  # a decision records when
    if on > timezone.localdate() or on < timezone.localdate(request.decided_at):
        raise ValidationError({"on": _("The date must lie between the decision and today.")})
    sheets = sheets if method == SubjectRequest.DisclosureMethod.COPY else 0
    if method == SubjectRequest.DisclosureMethod.COPY and sheets < 1:
        raise ValidationError({"sheets": _("Give the number of sheets copied.")})
    cost = sheets * request_rule(request.kind).copy_yen_per_sheet
    if cost and not copies_paid and not request.fee_waived_reason:
        raise ValidationError(
            {"copies_paid": _("The copies cost %(yen)s yen: record that it was paid.") % {"yen": f"{cost:,}"}}
        )
    request.disclosed_on, request.disclosure_method = on, method
    request.copy_sheets, request.copy_fee_yen = sheets, cost
    _save(request, user, "disclosure_carried_out")
    events.request_disclosure_carried_out_event(
        request=request, user=user, on=on, method=method, sheets=sheets, copy_fee_yen=cost
    )
    return request
