"""Erasing one subscriber's personal data everywhere it lies: the registry row and the rows that describe them.

Used by a decided erasure request (§5) and by the retention purge's anonymisation (§13), so both leave the
same thing behind: a row with a number and the dates statistics need, and no personal data.
"""

from datetime import date

from django.db import transaction

from privacy.models import Consent, ProvisionStop, WorkOrder
from subscribers.models import Subscriber
from subscribers.services import subscriber_erase


@transaction.atomic
def subscriber_personal_data_erase(*, subscriber: Subscriber, user, reason: str,
                                   on_date: date | None = None) -> dict[str, int]:
    """Erase the registry row (and its history), and delete the work orders, stops and consents about the
    subscriber with their history — notes and reasons there may describe the person. Returns rows per table."""
    pk = subscriber.pk
    counts = {
        "privacy_workorder": WorkOrder.objects.filter(subscriber_id=pk).delete()[0],
        "privacy_provisionstop": ProvisionStop.objects.filter(subscriber_id=pk).delete()[0],
        "privacy_consent": Consent.objects.filter(subscriber_id=pk).delete()[0],
    }
    # After the rows: deleting a row writes one more history row, which must go too.
    counts["privacy_historicalworkorder"] = WorkOrder.history.filter(subscriber_id=pk).delete()[0]
    counts["privacy_historicalprovisionstop"] = ProvisionStop.history.filter(subscriber_id=pk).delete()[0]
    counts["privacy_historicalconsent"] = Consent.history.filter(subscriber_id=pk).delete()[0]
    subscriber_erase(subscriber=subscriber, user=user, reason=reason, on_date=on_date)
    counts["subscribers_subscriber (anonymised)"] = 1
    return counts
