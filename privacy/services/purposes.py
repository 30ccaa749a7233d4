"""Consent to unstated purposes (§2(3)), and the log every bulk use of personal data writes."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.models import BulkUse, Consent, PolicyVersion, Purpose, User
from privacy.services.access_log import access_log_export, export_number_reserve, without_nul
from subscribers.models import Subscriber


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
    subscribers=(),
    count: int | None = None,
    filters: dict | None = None,
    path: str = "",
    items: Iterable[str] = (),
    export_no: int | None = None,
    streamed: bool = False,
    batch: uuid.UUID | None = None,
) -> BulkUse:
    """One row for the use; when personal data leaves the screen, one access-log row per subscriber too, naming
    the file (``export_no``, reserved by the caller for the file's name) and the data items it carries.

    ``streamed``: ``subscribers`` is an iterator read once and ``count`` is its length (a streamed export), so
    the log is written a chunk at a time; ``batch`` names its rows for the caller to stream the file from."""
    if not streamed:
        subscribers = list(subscribers)
        count = len(subscribers) if count is None else count
    elif count is None:
        raise ValueError("A streamed use states its count.")
    leaves = bool(count) if streamed else bool(subscribers)
    filters = without_nul(filters or {})
    if leaves:
        export_no = export_no or export_number_reserve()
    use = BulkUse.objects.create(
        user=user,
        purpose=purpose,
        kind=kind,
        count=count,
        filters=filters or {},
        export_no=export_no if leaves else None,
    )
    if leaves and export_no:
        written = access_log_export(
            user=user,
            subscribers=subscribers,
            items=items,
            export_no=export_no,
            path=path,
            detail={**(filters or {}), "purpose": purpose.code, "bulk_use": use.pk, "kind": kind, "count": use.count},
            count=count if streamed else None,
            batch=batch,
        )
        if written != use.count and streamed:  # a record came or went between the count and the reading
            BulkUse.objects.filter(pk=use.pk).update(count=written)
            use.count = written
    return use
