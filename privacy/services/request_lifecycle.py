"""The request's lifecycle and what every step shares: the statuses each step starts from, the clock's
arithmetic, the locked re-read, the 90 days a correction or suspension has after a disclosure (arts. 90(3),
98(3)). The steps themselves are in ``requests`` (intake and the clock), ``request_decisions`` (decisions, their
effects, fees and the disclosure carried out); ``privacy.services.requests`` is the one entry point."""

from datetime import date

from django.utils.translation import gettext as _

from mctv import dates
from mctv.db import stamp_history
from mctv.transitions import Lifecycle, require_status, set_status
from privacy import deadlines
from privacy.models import (
    RequestRule,
    SubjectRequest,
    User,
)
from privacy.models.disclosures import ProvisionStopScope
from privacy.models.request_rules import (
    FOLLOWS_DISCLOSURE_KINDS,
    STATUTORY_KINDS,
    STOP_KINDS,
    KindGroup,
    RequestKind,
)

Status = SubjectRequest.Status
Decision = SubjectRequest.Decision
REQUEST_SEQUENCE = "subject_request"
MAX_EXTENSION_DAYS = 30

REQUEST_LIFECYCLE = Lifecycle(
    Status,
    {
        # 却下 (DECIDED) may come before the review: a form never corrected, a correction asked too late.
        Status.RECEIVED: frozenset(
            {Status.IDENTITY_VERIFIED, Status.PAUSED, Status.WITHDRAWN, Status.DECIDED, Status.TRANSFERRED}
        ),
        Status.IDENTITY_VERIFIED: frozenset(
            {Status.UNDER_REVIEW, Status.PAUSED, Status.WITHDRAWN, Status.DECIDED, Status.TRANSFERRED}
        ),
        Status.UNDER_REVIEW: frozenset({Status.DECIDED, Status.PAUSED, Status.WITHDRAWN, Status.TRANSFERRED}),
        # A pause ends by going back to where the request was (``paused_from``), by withdrawal, or by 却下.
        Status.PAUSED: frozenset(
            {Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW, Status.WITHDRAWN, Status.DECIDED}
        ),
        Status.DECIDED: frozenset({Status.REPLIED}),
        # A ruling that sets the decision aside sends the request back for a new one.
        Status.REPLIED: frozenset({Status.CLOSED, Status.UNDER_REVIEW}),
        Status.TRANSFERRED: frozenset({Status.CLOSED}),
        Status.WITHDRAWN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.UNDER_REVIEW}),
    },
)

# 移送 exists for disclosure (art. 85) and correction (art. 96); the suspension articles (98–103) have none.
TRANSFERABLE_GROUPS = frozenset({KindGroup.DISCLOSURE, KindGroup.CORRECTION})
TRANSFER_ARTICLE: dict[str, str] = {KindGroup.DISCLOSURE: "第85条第1項", KindGroup.CORRECTION: "第96条第1項"}

AWAITING_DECISION = frozenset({Status.RECEIVED, Status.IDENTITY_VERIFIED, Status.UNDER_REVIEW})
# Arts. 90(3), 98(3): a correction or suspension is asked within 90 days of the disclosure it follows.
FOLLOW_UP_WINDOW_DAYS = 90
# Where each step of the request page starts from: the services refuse any other status, and the page offers a
# step only from these. A pause, say, is not a way round the identity check.
STEP_FROM: dict[str, frozenset[str]] = {
    "verify": frozenset({Status.RECEIVED}),
    "review": frozenset({Status.IDENTITY_VERIFIED}),
    "pause": AWAITING_DECISION,
    "resume": frozenset({Status.PAUSED}),
    "extend": AWAITING_DECISION,
    "special_extend": AWAITING_DECISION,
    "decide": frozenset({Status.UNDER_REVIEW}),
    "dismiss": AWAITING_DECISION | {Status.PAUSED},
    "transfer": AWAITING_DECISION,
    "reply": frozenset({Status.DECIDED}),
    "fee": frozenset(Status.values),
    "waive_fee": frozenset(Status.values),
    "carry_out": frozenset({Status.DECIDED, Status.REPLIED}),
    "close": frozenset({Status.REPLIED, Status.WITHDRAWN, Status.TRANSFERRED}),
    "withdraw": AWAITING_DECISION | {Status.PAUSED},
}
# Steps that also depend on the request's own state, as the services check it.
STEP_ALSO_NEEDS = {
    "extend": lambda request: (
        request.extension_available and not request.special_until and not request.remainders_exist
    ),
    "special_extend": lambda request: (
        request.kind in STATUTORY_KINDS
        and request.extension_available
        and not request.special_until
        and not request.remainder_of_id
        and not request.remainders_exist
    ),
    "dismiss": lambda request: request.kind in STATUTORY_KINDS,
    "transfer": lambda request: request.group in TRANSFERABLE_GROUPS,
    "fee": lambda request: request.fee_outstanding,
    "waive_fee": lambda request: request.fee_outstanding,
    "carry_out": lambda request: request.grants_disclosure and request.disclosed_on is None,
    "close": lambda request: not awaits_carrying_out(request),
}


def awaits_carrying_out(request: SubjectRequest) -> bool:
    """A disclosure granted and not yet carried out (art. 87): its file stays open until it is."""
    return request.grants_disclosure and request.disclosed_on is None


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
    """The period: the configured days, plus an extension, plus the days the clock stood still for a correction of
    the form (arts. 83(1), 94(1), 102(1)); a special extension's date replaces it (arts. 84, 95, 103). A request
    reopened by an appeal's ruling runs its period again from the ruling."""
    if request.special_until:
        request.period_ends_on = request.special_until
        request.due_on = deadlines.last_open_day_on_or_before(request.special_until)
        return
    start = request.reopened_on or request.received_on
    request.period_ends_on = deadlines.period_end(start, request.days + request.extension_days + request.paused_days)
    request.due_on = deadlines.last_open_day_on_or_before(request.period_ends_on)


def follow_up_deadline(disclosure: SubjectRequest) -> date | None:
    """The last day a correction or suspension may be asked after ``disclosure`` was carried out (arts. 90(3),
    98(3)); None while it has not been."""
    if disclosure.disclosed_on is None:
        return None
    # The requester's act towards the office: a last day the office is closed runs to the next open day.
    return deadlines.first_open_day_on_or_after(deadlines.period_end(disclosure.disclosed_on, FOLLOW_UP_WINDOW_DAYS))


def follow_up_lapse(request: SubjectRequest) -> str:
    """Why a correction or suspension request cannot be granted and must be dismissed (却下), or ""."""
    if request.kind not in FOLLOWS_DISCLOSURE_KINDS:
        return ""
    disclosure = request.based_on
    if disclosure is None or disclosure.disclosed_on is None:
        return _("It follows no disclosure carried out (arts. 90(1), 98(1)).")
    if request.received_on < disclosure.disclosed_on:
        return _("It was made before the disclosure was carried out (arts. 90(1), 98(1)).")
    last_day = follow_up_deadline(disclosure)
    assert last_day is not None
    if request.received_on > last_day:
        return _("It was made after %(last)s, more than 90 days after the disclosure (arts. 90(3), 98(3)).") % {
            "last": dates.long(last_day)
        }
    return ""


def _save(request: SubjectRequest, user: User, reason: str) -> None:
    """Save what is not a status move (an extension, a fee); its history row names who and why."""
    request.full_clean()
    stamp_history(request, user=user, reason=reason)
    request.save()


def _move(request: SubjectRequest, status: str, user: User, reason: str) -> str:
    return set_status(request, status, lifecycle=REQUEST_LIFECYCLE, user=user, reason=reason)


def _locked(request: SubjectRequest, step: str) -> SubjectRequest:
    """The request re-read under a row lock, refused unless ``step`` may start from its status."""
    locked = SubjectRequest.objects.select_for_update(of=("self",)).select_related("subscriber").get(pk=request.pk)
    require_status(locked, *STEP_FROM[step], lifecycle=REQUEST_LIFECYCLE)
    return locked


def _stop_pause(request: SubjectRequest, on: date) -> int:
    """End a pause on ``on``: its days join the request's, and the due date moves by them."""
    paused_on = request.paused_on
    assert paused_on is not None  # a paused request records since when (set with the move)
    paused = max(0, deadlines.days_between(paused_on, on))
    request.paused_days += paused
    request.paused_on, request.paused_from = None, ""
    _recompute_due(request)
    return paused
