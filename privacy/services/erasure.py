"""Erasing one subscriber's personal data everywhere it lies: the registry row and the rows that describe them.

Used by a decided erasure request (§5) and by the retention purge's anonymisation (§13), so both leave the
same thing behind: a row with a number and the dates statistics need, and no personal data.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from privacy.models import Consent, ProvisionStop, User, WorkOrder
from privacy.services.print_jobs import print_jobs_delete_naming
from subscribers.models import Subscriber
from subscribers.services import subscribers_erase


def subscriber_personal_data_erase(
    *, subscriber: Subscriber, user: User | None, reason: str, on_date: date | None = None
) -> dict[str, int]:
    """One subscriber: a decided erasure request."""
    return subscribers_personal_data_erase(subscriber_ids=[subscriber.pk], user=user, reason=reason, on_date=on_date)


@transaction.atomic
def subscribers_personal_data_erase(
    *, subscriber_ids: Iterable[int], user: User | None, reason: str, on_date: date | None = None
) -> dict[str, int]:
    """Erase the registry rows (and their history), and delete the work orders, stops and consents about the
    subscribers with their history — notes and reasons there may describe the person — and the print jobs whose
    files name them (labels, notices, a disclosure made but not yet deleted). Returns rows per table.
    The purge passes a whole batch: the same statements, whatever the number of subscribers."""
    ids = set(subscriber_ids)
    if not ids:
        return {}
    db = Subscriber.objects.db
    counts: dict[str, int] = {}
    # Plain DELETEs, as the purge's: no per-row signals, so no "deleted" history row is written only to be
    # removed, and nothing cascades from these rows (provision records keep the work order's number only).
    for model in (WorkOrder, ProvisionStop, Consent):
        counts[model._meta.db_table] = model.objects.filter(subscriber_id__any_of=ids)._raw_delete(db)
        counts[model.history.model._meta.db_table] = model.history.filter(subscriber_id__any_of=ids)._raw_delete(db)
    counts["django_admin_log"] = admin_log_forget(ids)
    # A print job lives a day (exempt from the retention classes): its file goes now, uncounted in the record.
    print_jobs_delete_naming(ids)
    erased = subscribers_erase(subscriber_ids=ids, user=user, reason=reason, on_date=on_date)
    counts["subscribers_subscriber (anonymised)"] = len(erased)
    return counts


def admin_log_forget(subscriber_ids: set[int]) -> int:
    """Django admin's change log writes each subscriber's number and name into its text: those lines go with the
    subscriber's personal data, whether erased or deleted."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscriber), object_id__in=[str(pk) for pk in subscriber_ids]
    ).delete()[0]
