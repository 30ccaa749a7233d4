"""The statistics page's tables (§2(2) purpose 3): counts of the subscribers the statistics purpose may use,
small cells suppressed (``privacy.statistics``)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from privacy import statistics
from privacy.models import Purpose
from privacy.models.purposes import STATISTICS_PURPOSE
from subscribers.models import Subscriber, SubscriberService

from .access import Viewer
from .purposes import subscribers_usable_by


@dataclass(frozen=True)
class Statistics:
    purpose: Purpose
    tables: list[statistics.Table]
    threshold: int
    count: int  # people counted
    as_of: date


def statistics_tables(user: Viewer, *, today: date | None = None) -> Statistics:
    """The tables, from the subscribers the statistics purpose may use.

    The tables share no category totals (only the grand total), so no table's hidden cells can be
    worked out by subtracting another table's visible ones.
    """
    today = today or timezone.localdate()
    threshold = settings.STATISTICS_MIN_CELL
    purpose = Purpose.objects.get(code=STATISTICS_PURPOSE)  # seeded, and admin deletes no purpose
    usable = subscribers_usable_by(user, purpose, on=today)
    people = list(usable.values_list("status", "street_address", "birth_date", "applied_on"))
    services = list(
        SubscriberService.objects.filter(subscriber__in=usable.values("pk"), ended_on__isnull=True).values_list(
            "service", flat=True
        )
    )
    status_label = dict(Subscriber.Status.choices)
    service_label = dict(SubscriberService.Service.choices)
    shown_district = statistics.districts_with_enough_people([p[1] for p in people], threshold)
    districts = sorted(set(shown_district.values()) - {statistics.OTHER})
    if statistics.OTHER in shown_district.values():
        districts.append(statistics.OTHER)
    years = [str(y) for y in sorted({p[3].year for p in people})]
    tables = [
        statistics.one_way_table(
            "契約状況別の加入者数",
            "契約状況",
            [str(status_label[p[0]]) for p in people],
            [str(label) for label in Subscriber.Status.labels],
            threshold,
        ),
        statistics.one_way_table(
            "サービス別の契約数（契約中）",
            "サービス",
            [str(service_label[s]) for s in services],
            [str(label) for label in SubscriberService.Service.labels],
            threshold,
            column="契約数",
        ),
        statistics.cross_table(
            "町名別・年齢階級別の加入者数",
            "町名",
            [(shown_district[statistics.district_of(p[1])], statistics.age_band(p[2], today)) for p in people],
            districts,
            [*statistics.AGE_BANDS, statistics.UNKNOWN],
            threshold,
        ),
        statistics.one_way_table("申込年別の加入者数", "申込年", [str(p[3].year) for p in people], years, threshold),
    ]
    return Statistics(purpose=purpose, tables=tables, threshold=threshold, count=len(people), as_of=today)
