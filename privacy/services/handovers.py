"""Bulk hand-overs to contractors (§2(1), §6(2), ■19(2)④): made once, fetched once, tracked until returned or
destroyed.

``handover_create`` selects the subscribers (``handover_candidates``), passes each through the provision gate,
writes the file with exactly the hand-over's items and keeps it with its SHA-256. ``handover_download`` hands it
over once: every subscriber through the gate again, one provision record each (bulk-inserted, each checked, the
hash in the note), the access log, and the file emptied; a second download finds nothing. A file not fetched
within ``HANDOVER_FILE_KEEP_HOURS`` is emptied by ``handovers_expire``. The office then records its return or
destruction (``handover_confirm``); the contractor may state destruction through the portal first.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.responses import csv_bytes
from mctv.transitions import Lifecycle, TransitionError, require_status, set_status
from privacy import deadlines
from privacy.data_items import DataItem, normalize_items, scoped_values, unknown_items
from privacy.layouts import layout_validate
from privacy.models import BulkHandover, BulkUse, ConfidentialityAgreement, Provision, Purpose, User
from privacy.selectors.handovers import handover_candidates
from privacy.services.access_log import Numbered, export_number_reserve
from privacy.services.provision import ProvisionRefused, Refusal, provision_check_handover, provision_record_handover
from privacy.services.purposes import bulk_use_record
from subscribers.models import NumberSequence, Subscriber

HANDOVER_SEQUENCE = "handover"
Status = BulkHandover.Status

HANDOVER_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.READY: frozenset({Status.HANDED_OVER, Status.EXPIRED, Status.CANCELLED}),
        Status.HANDED_OVER: frozenset({Status.STATED_DESTROYED, Status.RETURNED, Status.DESTROYED}),
        Status.STATED_DESTROYED: frozenset({Status.RETURNED, Status.DESTROYED}),
        Status.RETURNED: frozenset(),
        Status.DESTROYED: frozenset(),
        Status.EXPIRED: frozenset(),
        Status.CANCELLED: frozenset(),
    },
)
HANDOVER_METHODS = (Provision.Method.TRANSMISSION, Provision.Method.MEDIA)


def _validate(
    *, agreement: ConfidentialityAgreement, purpose: Purpose, items: Iterable[str], file_format: str, layout: list
) -> list[str]:
    """The hand-over's items: known, within the agreement and the purpose; for a fixed-width file, the layout's."""
    if agreement.kind == ConfidentialityAgreement.Kind.CONSTRUCTION:
        raise ValidationError({"agreement": str(Refusal.HANDOVER_CONSTRUCTION[1])})
    if not agreement.is_in_force(timezone.localdate()) or not agreement.contractor.is_active:
        raise ValidationError({"agreement": str(Refusal.HANDOVER_AGREEMENT[1])})
    if file_format == BulkHandover.Format.FIXED:
        items = [item for item, _width in layout_validate(layout)]
    items = list(items)
    if unknown_items(items):
        raise ValidationError({"items": _("An unknown data item was named.")})
    if not items:
        raise ValidationError({"items": _("Choose at least one data item.")})
    if not set(items) <= set(agreement.items):
        raise ValidationError({"items": str(Refusal.OUTSIDE_AGREEMENT[1])})
    if not set(items) <= set(purpose.items):
        raise ValidationError({"items": _("An item is outside what the purpose uses.")})
    return items if file_format == BulkHandover.Format.FIXED else normalize_items(items)


def _rows(subscribers: Sequence[Subscriber], items: list[str]) -> list[list[str]]:
    """Each subscriber's values of exactly ``items``, in that order (``scoped_values`` reads nothing else)."""
    order = {code: n for n, code in enumerate(items)}
    rows = []
    for subscriber in subscribers:
        values = sorted(scoped_values(subscriber, items), key=lambda v: order[v[0]])
        rows.append([value for _code, _label, value in values])
    return rows


def _fixed(value: str, width: int) -> bytes:
    """``value`` in CP932 in exactly ``width`` bytes: cut at a character boundary, padded with spaces."""
    encoded = b""
    for char in value.replace("\r", " ").replace("\n", " "):
        code = char.encode("cp932", errors="replace")
        if len(encoded) + len(code) > width:
            break
        encoded += code
    return encoded + b" " * (width - len(encoded))


def handover_file(handover: BulkHandover, subscribers: Sequence[Subscriber]) -> bytes:
    """The file: a CSV (UTF-8 with a BOM, headings, every cell through ``csv_safe``) or fixed-width CP932 lines."""
    items = list(handover.items)
    rows = _rows(subscribers, items)
    if handover.file_format == BulkHandover.Format.FIXED:
        widths = [width for _item, width in layout_validate(handover.layout)]
        return b"".join(b"".join(_fixed(v, w) for v, w in zip(row, widths, strict=True)) + b"\r\n" for row in rows)
    with translation.override(settings.LANGUAGE_CODE):
        headings = [str(DataItem(code).label) for code in items]
    return csv_bytes([headings, *rows])


def _subscribers(ids: Iterable[int]) -> list[Subscriber]:
    return list(Subscriber.objects.filter(pk__in=list(ids)).prefetch_related("services").order_by("number"))


@transaction.atomic
def handover_create(
    *,
    agreement: ConfidentialityAgreement,
    purpose: Purpose,
    items: Iterable[str],
    method: str,
    file_format: str,
    layout: list | None = None,
    layout_name: str = "",
    user: User,
    note: str = "",
) -> BulkHandover:
    """Make the file once: the subscribers the purpose reaches, each let through by the gate, exactly the items.
    ``layout_name``: the recipient's saved layout the ``layout`` was copied from, if any."""
    if method not in HANDOVER_METHODS:
        raise ValidationError({"method": _("A file is handed over by transmission or on media.")})
    layout = layout or []
    chosen = _validate(agreement=agreement, purpose=purpose, items=items, file_format=file_format, layout=layout)
    now = timezone.now()
    subscribers = _subscribers(handover_candidates(user, purpose, at=now).values_list("pk", flat=True))
    if not subscribers:
        raise ValidationError(_("The purpose reaches no subscriber: there is nothing to hand over."))
    (value,) = NumberSequence.reserve(HANDOVER_SEQUENCE)
    handover = BulkHandover(
        number=f"H{value:07d}",
        agreement=agreement,
        contractor=agreement.contractor,
        purpose=purpose,
        items=chosen,
        method=method,
        file_format=file_format,
        layout=[list(pair) for pair in layout] if file_format == BulkHandover.Format.FIXED else [],
        layout_name=layout_name if file_format == BulkHandover.Format.FIXED else "",
        produced_by=user,
        produced_at=now,
        export_no=export_number_reserve(),
        file_expires_at=now + timedelta(hours=settings.HANDOVER_FILE_KEEP_HOURS),
        note=note,
    )
    try:
        provision_check_handover(handover, subscribers, at=now)
    except ProvisionRefused as refusal:
        raise ValidationError(str(refusal.message), code=refusal.code) from refusal
    content = handover_file(handover, subscribers)
    handover.content = content
    handover.sha256 = hashlib.sha256(content).hexdigest()
    handover.count = len(subscribers)
    handover.subscribers = [[s.pk, s.number] for s in subscribers]
    handover.full_clean(exclude=["agreement", "contractor", "purpose", "produced_by"])
    stamp_history(handover, user=user, reason="produced")
    handover.save()
    return handover


def _locked(handover: BulkHandover) -> BulkHandover:
    return (
        BulkHandover.objects.select_for_update(of=("self",))
        .select_related("agreement", "contractor", "purpose")
        .get(pk=handover.pk)
    )


def handover_download(*, handover: BulkHandover, user: User, path: str = "") -> bytes | None:
    """Hand the file over, once. ``None`` when there is no file to fetch (fetched already, expired, cancelled).
    Raises ProvisionRefused, and cancels the hand-over, when the gate now refuses a subscriber in the file (a stop
    decided since it was made): the file holds everyone or goes to nobody; a new hand-over leaves them out."""
    refused: ProvisionRefused | None = None
    with transaction.atomic():
        handover = _locked(handover)
        if handover.status != Status.READY or handover.content is None or handover.file_expires_at <= timezone.now():
            return None
        content = bytes(handover.content)
        subscribers = _subscribers(pk for pk, _number in handover.subscribers)
        try:
            if len(subscribers) != len(handover.subscribers):
                raise ProvisionRefused(Refusal.ERASED)
            with transaction.atomic():
                provision_record_handover(
                    handover=handover,
                    subscribers=subscribers,
                    method=handover.method,
                    user=user,
                    note=f"{handover.number} sha256:{handover.sha256}",
                )
        except ProvisionRefused as refusal:
            refused = refusal
            handover.content, handover.subscribers = None, []
            set_status(handover, Status.CANCELLED, lifecycle=HANDOVER_LIFECYCLE, user=user, reason=refusal.code)
        else:
            # The use names its purpose (the bulk-use log) and each subscriber's access-log row names the file.
            bulk_use_record(
                user=user,
                purpose=handover.purpose,
                kind=BulkUse.Kind.HANDOVER,
                subscribers=[Numbered(pk, number) for pk, number in handover.subscribers],
                filters={"handover": handover.number, "sha256": handover.sha256},
                path=path,
                items=handover.items,
                export_no=handover.export_no,
            )
            now = timezone.now()
            # The provision records name the subscribers from now on; the hand-over keeps only the count.
            handover.content, handover.subscribers = None, []
            handover.handed_over_at, handover.handed_over_by = now, user
            handover.return_by = deadlines.return_by(timezone.localdate(now), handover.agreement.return_within_days)
            set_status(handover, Status.HANDED_OVER, lifecycle=HANDOVER_LIFECYCLE, user=user, reason="handed over")
    if refused is not None:
        raise refused
    return content


def handover_state_destroyed(*, handover: BulkHandover, user: User, statement: str) -> BulkHandover:
    """The contractor states, through the portal, that it destroyed what it was handed; staff check it off."""
    if not statement.strip():
        raise ValidationError({"statement": _("Say how and when the data was destroyed.")})
    with transaction.atomic():
        handover = _locked(handover)
        require_status(handover, Status.HANDED_OVER, lifecycle=HANDOVER_LIFECYCLE)
        handover.statement, handover.stated_at, handover.stated_by = statement.strip(), timezone.now(), user
        set_status(handover, Status.STATED_DESTROYED, lifecycle=HANDOVER_LIFECYCLE, user=user, reason="stated")
    return handover


def handover_confirm(*, handover: BulkHandover, user: User, outcome: str, on: date, how: str) -> BulkHandover:
    """The office confirms the hand-over returned or destroyed: who confirmed (``user``), how, and on which day."""
    if outcome not in (Status.RETURNED, Status.DESTROYED):
        raise TransitionError(_("Choose returned or destroyed."), code="invalid_outcome")
    if not how.strip():
        raise ValidationError({"how": _("Say how the return or destruction was confirmed.")})
    with transaction.atomic():
        handover = _locked(handover)
        if handover.handed_over_at and on < timezone.localdate(handover.handed_over_at):
            raise ValidationError({"on": _("The day cannot be before the hand-over.")})
        if on > timezone.localdate():
            raise ValidationError({"on": _("The day cannot be in the future.")})
        handover.confirmed_on, handover.confirmed_how = on, how.strip()
        handover.confirmed_by, handover.confirmed_at = user, timezone.now()
        set_status(handover, outcome, lifecycle=HANDOVER_LIFECYCLE, user=user, reason="confirmed")
    return handover


def handovers_expire(*, now: datetime | None = None) -> int:
    """Every quarter hour: a file not fetched in time is emptied, its hand-over marked so. Idempotent."""
    now = now or timezone.now()
    expired = 0
    for pk in BulkHandover.objects.filter(status=Status.READY, file_expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            handover = BulkHandover.objects.select_for_update().filter(pk=pk, status=Status.READY).first()
            if handover is None or handover.file_expires_at > now:
                continue
            handover.content, handover.subscribers = None, []
            set_status(handover, Status.EXPIRED, lifecycle=HANDOVER_LIFECYCLE, user=None, reason="file expired")
            expired += 1
    return expired
