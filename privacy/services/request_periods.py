"""The request's clock: a correction of the form stops it (arts. 77(3), 83(1)), an extension adds up to 30 days
(art. 83(2)), and the special rule for very large requests sets a later date (arts. 84, 95, 103)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.transitions import TransitionError
from privacy import deadlines
from privacy.events import requests as events
from privacy.models import RequestSettings, SubjectRequest, User
from privacy.models.request_rules import STATUTORY_KINDS, RequestKind
from subscribers.models import NumberSequence

from .request_lifecycle import (
    MAX_EXTENSION_DAYS,
    REQUEST_SEQUENCE,
    STEP_FROM,
    Status,
    _locked,
    _move,
    _recompute_due,
    _save,
    _stop_pause,
    request_rule,
)


@transaction.atomic
def request_pause(
    *, request: SubjectRequest, user: User, note: str, on: date | None = None, correct_by: date | None = None
) -> SubjectRequest:
    """補正 (arts. 77(3), 91(3), 99(3)): the requester is asked to complete the form by a date; the clock stops from
    ``on`` until the corrected form arrives, and those days are not counted (art. 83(1))."""
    request = _locked(request, "pause")
    if not note.strip():
        raise ValidationError({"note": _("Say what the requester is asked to correct.")})
    since = on or timezone.localdate()
    if since < request.received_on or since > timezone.localdate():
        raise ValidationError({"on": _("The day the correction was asked must lie between receipt and today.")})
    correct_by = correct_by or deadlines.period_end(since, RequestSettings.current().correction_days)
    if correct_by <= since:
        raise ValidationError({"correct_by": _("Give the requester a day after today to correct the form.")})
    request.paused_on, request.paused_from = since, request.status
    request.correction_asked, request.correction_due_on = note.strip(), correct_by
    before = _move(request, Status.PAUSED, user, "paused")
    events.request_paused_event(request=request, user=user, before=before, since=since, note=note)
    events.request_correction_asked_event(request=request, user=user, correct_by=correct_by)
    return request


@transaction.atomic
def request_resume(*, request: SubjectRequest, user: User, note: str = "", on: date | None = None) -> SubjectRequest:
    """The corrected form arrived ``on``: the days it took are added and the due date moves by them."""
    request = _locked(request, "resume")
    paused_on = request.paused_on
    assert paused_on is not None  # a paused request records since when (set with the move)
    on = on or timezone.localdate()
    if on < paused_on:
        raise ValidationError({"on": _("The clock cannot restart before it stopped.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    back_to = request.paused_from
    paused = _stop_pause(request, on)
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
    if not request.extension_available or request.special_until or request.remainders_exist:
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


# What the rest of a very large request does not copy from it: its own identity, what it asks, its date, and the
# fee, which was asked once with the request.
REMAINDER_OWN_FIELDS = frozenset(
    {"id", "number", "created_at", "updated_at", "details", "remainder_of_id", "special_until"}
    | {"fee_yen", "fee_paid_on", "fee_waived_reason"}
)


@transaction.atomic
def request_special_extend(
    *, request: SubjectRequest, reason: str, rest_by: date, part: str, user: User
) -> SubjectRequest:
    """The special rule for very large requests (arts. 84, 95, 103), notified within the period. A disclosure is
    decided on a reasonable ``part`` within the configured days (60 by the law) and the rest, recorded as its own
    request, by ``rest_by``; a correction or suspension is decided whole by ``rest_by``. Returns the request whose
    period now ends on ``rest_by``."""
    request = _locked(request, "special_extend")
    if request.kind not in STATUTORY_KINDS:
        raise ValidationError(_("The special rule applies to requests under the Act only."))
    if not request.extension_available or request.special_until or request.remainder_of_id:
        raise ValidationError(_("The period has already been extended."))
    if timezone.localdate() > request.due_on:
        raise ValidationError(_("The deadline has passed: the special rule must be notified within the period."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for applying the special rule.")})
    if rest_by <= request.period_ends_on:
        raise ValidationError({"rest_by": _("The date for the rest must come after the present period's end.")})
    rule = request_rule(request.kind)
    request.special_extension_reason = reason.strip()
    if request.kind == RequestKind.DISCLOSURE:
        if not part.strip():
            raise ValidationError({"part": _("Say which part is decided within the period.")})
        if rest_by <= deadlines.period_end(request.received_on, rule.special_part_days + request.paused_days):
            raise ValidationError({"rest_by": _("The rest is decided after the first part's period.")})
        (value,) = NumberSequence.reserve(REQUEST_SEQUENCE)
        remainder = SubjectRequest(
            **{
                f.attname: getattr(request, f.attname)
                for f in SubjectRequest._meta.concrete_fields
                if f.attname not in REMAINDER_OWN_FIELDS
            },
            number=f"R{value:07d}",
            details=_("The rest of request %(number)s: %(details)s")
            % {"number": request.number, "details": request.details},
            remainder_of=request,
            special_until=rest_by,
        )
        _recompute_due(remainder)
        _save(remainder, user, "special_extension")
        events.request_received_event(request=remainder, user=user, days=remainder.days, due_on=remainder.due_on)
        request.details = f"{request.details}\n" + _("Decided within the period: %(part)s") % {"part": part.strip()}
        request.days = rule.special_part_days
        _recompute_due(request)
        _save(request, user, "special_extension")
        events.request_special_extension_event(request=request, user=user, rest_by=rest_by, remainder=remainder.number)
        return request
    request.special_until = rest_by
    _recompute_due(request)
    _save(request, user, "special_extension")
    events.request_special_extension_event(request=request, user=user, rest_by=rest_by, remainder="")
    return request
