"""Consent to unstated purposes (§2(3)), and the log every bulk use of personal data writes."""

from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.models import BulkUse, Consent, PolicyVersion, Purpose, User
from privacy.services.access_log import (
    LOG_CHUNK,
    ExportLog,
    SubscriberRef,
    access_log_export,
    export_number_reserve,
    without_nul,
)
from subscribers.models import Subscriber

KEY_CHUNK = 20_000  # the keys of an export are read this many a round trip


@transaction.atomic
def consent_record(
    *,
    subscriber: Subscriber,
    purpose: Purpose,
    user_told: str,
    use_told: str,
    method: str,
    given_on: date,
    user: User,
    policy_version: PolicyVersion | None = None,
) -> Consent:
    """Record that the subscriber, told who uses the data and for what, consented (§2(3))."""
    if purpose.stated_in_declaration:
        raise ValidationError({"purpose": _("A purpose the declaration states needs no consent.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if not purpose.is_in_force(given_on):
        raise ValidationError({"purpose": _("The purpose is not in force on that date.")})
    if not subscriber.holds_personal_data:
        raise ValidationError(_("This subscriber's personal data has been erased."))
    # The version on the form the subscriber signed; by default the one in force that day.
    version = policy_version or PolicyVersion.objects.current(given_on)
    if version is None:
        raise ValidationError(_("No version of the declaration was in force on that date."))
    if version.effective_on > given_on:
        raise ValidationError({"policy_version": _("That version was not yet in force on the date of consent.")})
    consent = Consent(
        subscriber=subscriber,
        purpose=purpose,
        user_told=user_told.strip(),
        use_told=use_told.strip(),
        policy_version=version,
        method=method,
        given_on=given_on,
        recorded_by=user,
    )
    consent.full_clean()
    stamp_history(consent, user=user)
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError as error:  # two clerks at once: the database keeps one consent in force
        raise ValidationError(_("The subscriber has already consented to this purpose.")) from error
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: date, user: User) -> Consent:
    """Withdrawal ends the consent from that day; the row, and its history, stay."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise ValidationError(_("The consent has already been withdrawn."))
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("The date cannot be in the future.")})
    consent.withdrawn_on, consent.withdrawal_recorded_by = withdrawn_on, user
    consent.full_clean()
    stamp_history(consent, user=user)
    consent.save()
    return consent


def bulk_use_record(
    *,
    user: User,
    purpose: Purpose,
    kind: str,
    subscribers: Iterable[SubscriberRef] = (),
    count: int | None = None,
    filters: dict | None = None,
    path: str = "",
    items: Iterable[str] = (),
    export_no: int | None = None,
) -> BulkUse:
    """One row for the use; when personal data leaves the screen, one access-log row per subscriber too, naming
    the file (``export_no``, reserved by the caller for the file's name) and the data items it carries."""
    subscribers = list(subscribers)
    use = _bulk_use_create(
        user=user,
        purpose=purpose,
        kind=kind,
        count=len(subscribers) if count is None else count,
        filters=filters,
        export_no=(export_no or export_number_reserve()) if subscribers else None,
    )
    if use.export_no:
        access_log_export(
            user=user,
            subscribers=subscribers,
            items=items,
            export_no=use.export_no,
            path=path,
            detail=_log_detail(use, filters),
        )
    return use


def bulk_export_stream(
    *,
    user: User,
    purpose: Purpose,
    kind: str,
    subscribers: QuerySet[Subscriber],
    columns: Sequence[str],
    filters: dict | None = None,
    path: str = "",
    items: Iterable[str] = (),
    export_no: int,
) -> Iterator[Subscriber]:
    """A file of any size: the use is recorded now, with the count of ``subscribers`` as they stand; the records
    are then read ``LOG_CHUNK`` at a time in number order, and each chunk is written to the access log and
    committed just before it is handed on. So the first byte waits for one chunk whatever the size, memory holds
    one chunk (and the keys, 8 bytes a record), and the log names everybody whose data left — a cut download,
    the chunks sent and no more than one beyond. Each chunk is read through ``subscribers`` again: whoever left
    it meanwhile (a suspension of use, an erasure) is neither in the file nor in the log."""
    keys = array("q", subscribers.order_by("number").values_list("pk", flat=True).iterator(chunk_size=KEY_CHUNK))
    use = _bulk_use_create(user=user, purpose=purpose, kind=kind, count=len(keys), filters=filters, export_no=export_no)
    log = ExportLog(
        user=user,
        export_no=export_no,
        items=list(items),
        count=len(keys),
        path=path,
        detail=_log_detail(use, filters),
        at=use.at,
    )

    def chunks() -> Iterator[Subscriber]:
        for start in range(0, len(keys), LOG_CHUNK):
            named = keys[start : start + LOG_CHUNK].tolist()
            chunk = list(subscribers.filter(pk__any_of=named).order_by("number").only("pk", *columns))
            log.write(chunk)
            yield from chunk

    return chunks()


def _bulk_use_create(
    *, user: User, purpose: Purpose, kind: str, count: int, filters: dict | None, export_no: int | None
) -> BulkUse:
    return BulkUse.objects.create(
        user=user,
        purpose=purpose,
        kind=kind,
        count=count,
        filters=without_nul(filters or {}),
        export_no=export_no if count else None,
    )


def _log_detail(use: BulkUse, filters: dict | None) -> dict:
    return {**(filters or {}), "purpose": use.purpose.code, "bulk_use": use.pk, "kind": use.kind, "count": use.count}
