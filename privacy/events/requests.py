"""The events of a subscriber's request, one writer per kind (``RequestEvent.Kind``), and how a reader sees them.

Services call these and nothing else writes ``RequestEvent`` rows. ``before`` is the status a move left (from
``mctv.transitions.set_status``); acts that are not moves pass none. ``note`` is what staff typed for this step, kept as
typed; the request's own particulars (what is requested, the agent's details) never go into the append-only log.
"""

from datetime import date

from django.utils.translation import gettext as _

from privacy.models import RequestEvent, SubjectRequest, User
from privacy.models.disclosures import ProvisionStopScope

from ._base import Parameter, day_of, label_of, write

Kind = RequestEvent.Kind


def _write(
    request: SubjectRequest, user: User, kind: str, *, before: str = "", note: str = "", **parameters: Parameter
) -> RequestEvent:
    return write(
        RequestEvent,
        on={"request": request},
        status=request.status,
        user=user,
        kind=kind,
        before=before,
        note=note,
        parameters=parameters,
    )


def request_received_event(*, request: SubjectRequest, user: User, days: int, due_on: date) -> RequestEvent:
    return _write(request, user, Kind.RECEIVED, days=days, due_on=due_on)


def request_identity_verified_event(
    *, request: SubjectRequest, user: User, before: str, method: str, note: str
) -> RequestEvent:
    return _write(request, user, Kind.IDENTITY_VERIFIED, before=before, note=note, method=method)


def request_review_started_event(*, request: SubjectRequest, user: User, before: str, note: str = "") -> RequestEvent:
    return _write(request, user, Kind.REVIEW_STARTED, before=before, note=note)


def request_paused_event(*, request: SubjectRequest, user: User, before: str, since: date, note: str) -> RequestEvent:
    return _write(request, user, Kind.PAUSED, before=before, note=note, since=since)


def request_resumed_event(
    *, request: SubjectRequest, user: User, before: str, paused_days: int, due_on: date, note: str
) -> RequestEvent:
    return _write(request, user, Kind.RESUMED, before=before, note=note, paused_days=paused_days, due_on=due_on)


def request_extended_event(
    *, request: SubjectRequest, user: User, days: int, due_before: date, due_on: date, reason: str
) -> RequestEvent:
    return _write(request, user, Kind.EXTENDED, note=reason, days=days, due_before=due_before, due_on=due_on)


def request_decided_event(
    *, request: SubjectRequest, user: User, before: str, decision: str, reasons: str
) -> RequestEvent:
    return _write(request, user, Kind.DECIDED, before=before, note=reasons, decision=decision)


def request_provision_stopped_event(*, request: SubjectRequest, user: User, scope: str) -> RequestEvent:
    return _write(request, user, Kind.PROVISION_STOPPED, scope=scope)


def request_use_suspended_event(*, request: SubjectRequest, user: User) -> RequestEvent:
    return _write(request, user, Kind.USE_SUSPENDED)


def request_erased_event(*, request: SubjectRequest, user: User) -> RequestEvent:
    return _write(request, user, Kind.ERASED)


def request_record_edited_event(*, request: SubjectRequest, user: User, history_id: int) -> RequestEvent:
    return _write(request, user, Kind.RECORD_EDITED, history_id=history_id)


def request_replied_event(
    *, request: SubjectRequest, user: User, before: str, method: str, replied_on: date, in_time: bool
) -> RequestEvent:
    return _write(request, user, Kind.REPLIED, before=before, method=method, replied_on=replied_on, in_time=in_time)


def request_closed_event(*, request: SubjectRequest, user: User, before: str, note: str) -> RequestEvent:
    return _write(request, user, Kind.CLOSED, before=before, note=note)


def request_withdrawn_event(*, request: SubjectRequest, user: User, before: str, note: str) -> RequestEvent:
    return _write(request, user, Kind.WITHDRAWN, before=before, note=note)


def request_fee_paid_event(*, request: SubjectRequest, user: User, paid_on: date, fee_yen: int) -> RequestEvent:
    return _write(request, user, Kind.FEE_PAID, paid_on=paid_on, fee_yen=fee_yen)


def request_disclosure_handed_over_event(
    *, request: SubjectRequest, user: User, form: str, export_no: int | None = None
) -> RequestEvent:
    """``export_no``: the print job's file handed over (a long disclosure), as the access log names it."""
    if export_no is None:
        return _write(request, user, Kind.DISCLOSURE_HANDED_OVER, form=form)
    return _write(request, user, Kind.DISCLOSURE_HANDED_OVER, form=form, export_no=export_no)


def request_correction_asked_event(*, request: SubjectRequest, user: User, correct_by: date) -> RequestEvent:
    return _write(request, user, Kind.CORRECTION_ASKED, correct_by=correct_by)


def request_fee_waived_event(*, request: SubjectRequest, user: User, reason: str) -> RequestEvent:
    return _write(request, user, Kind.FEE_WAIVED, note=reason)


def request_disclosure_carried_out_event(
    *, request: SubjectRequest, user: User, on: date, method: str, sheets: int, copy_fee_yen: int
) -> RequestEvent:
    return _write(
        request,
        user,
        Kind.DISCLOSURE_CARRIED_OUT,
        on=on,
        method=method,
        sheets=sheets,
        copy_fee_yen=copy_fee_yen,
    )


def request_special_extension_event(
    *, request: SubjectRequest, user: User, rest_by: date, remainder: str
) -> RequestEvent:
    return _write(
        request,
        user,
        Kind.SPECIAL_EXTENSION,
        note=request.special_extension_reason,
        rest_by=rest_by,
        remainder=remainder,
    )


def request_transferred_event(*, request: SubjectRequest, user: User, before: str, to: str, on: date) -> RequestEvent:
    return _write(request, user, Kind.TRANSFERRED, before=before, note=request.transfer_reason, to=to, on=on)


def request_recipient_notified_event(*, request: SubjectRequest, user: User, recipient: str, on: date) -> RequestEvent:
    return _write(request, user, Kind.RECIPIENT_NOTIFIED, recipient=recipient, on=on)


def request_reopened_event(
    *, request: SubjectRequest, user: User, before: str, note: str, due_on: date
) -> RequestEvent:
    return _write(request, user, Kind.REOPENED, before=before, note=note, due_on=due_on)


def describe(event: RequestEvent) -> str:
    """The event's facts as the reader's language says them; rows written before the kinds were typed hold their
    values as text, which reads the same."""
    p = event.parameters
    if event.kind == Kind.RECEIVED:
        return _("reply due %(due_on)s (%(days)s days)") % {"due_on": day_of(p, "due_on"), "days": p.get("days")}
    if event.kind == Kind.IDENTITY_VERIFIED:
        return label_of(SubjectRequest.IdentityMethod, p.get("method"))
    if event.kind == Kind.PAUSED:
        return _("clock stopped from %(since)s") % {"since": day_of(p, "since")}
    if event.kind == Kind.RESUMED:
        return _("%(days)s days paused; reply now due %(due_on)s") % {
            "days": p.get("paused_days"),
            "due_on": day_of(p, "due_on"),
        }
    if event.kind == Kind.EXTENDED:
        return _("by %(days)s days: due %(before)s → %(after)s") % {
            "days": p.get("days"),
            "before": day_of(p, "due_before"),
            "after": day_of(p, "due_on"),
        }
    if event.kind == Kind.DECIDED:
        return label_of(SubjectRequest.Decision, p.get("decision"))
    if event.kind == Kind.PROVISION_STOPPED:
        return label_of(ProvisionStopScope, p.get("scope"))
    if event.kind == Kind.REPLIED:
        in_time = p.get("in_time") in (True, "True")
        return _("%(method)s on %(day)s, %(timeliness)s") % {
            "method": label_of(SubjectRequest.ReplyMethod, p.get("method")),
            "day": day_of(p, "replied_on"),
            "timeliness": _("in time") if in_time else _("late"),
        }
    if event.kind == Kind.FEE_PAID:
        return _("%(yen)s yen, paid on %(day)s") % {"yen": p.get("fee_yen"), "day": day_of(p, "paid_on")}
    if event.kind == Kind.DISCLOSURE_HANDED_OVER:
        if p.get("export_no"):
            return _("%(form)s, export #%(n)s") % {"form": str(p.get("form", "")).upper(), "n": p["export_no"]}
        return str(p.get("form", "")).upper()
    if event.kind == Kind.CORRECTION_ASKED:
        return _("corrected form due by %(day)s") % {"day": day_of(p, "correct_by")}
    if event.kind == Kind.DISCLOSURE_CARRIED_OUT:
        return _("%(method)s on %(day)s") % {
            "method": label_of(SubjectRequest.DisclosureMethod, p.get("method")),
            "day": day_of(p, "on"),
        }
    if event.kind == Kind.SPECIAL_EXTENSION:
        return _("the rest decided by %(day)s %(remainder)s") % {
            "day": day_of(p, "rest_by"),
            "remainder": p.get("remainder") or "",
        }
    if event.kind == Kind.TRANSFERRED:
        return _("to %(body)s on %(day)s") % {"body": p.get("to"), "day": day_of(p, "on")}
    if event.kind == Kind.RECIPIENT_NOTIFIED:
        return _("%(recipient)s, sent on %(day)s") % {"recipient": p.get("recipient"), "day": day_of(p, "on")}
    if event.kind == Kind.REOPENED:
        return _("new decision due %(day)s") % {"day": day_of(p, "due_on")}
    return ""
