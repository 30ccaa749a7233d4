"""What may be disposed of today (declaration §13, ■13): each class's records past their retention period and not
held, and — for the proposals page — what is held and why. The purge asks again in every batch, so a hold placed
after approval wins. Each class's own rule is in ``privacy.selectors.retention_classes``."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.deadlines import one_year_before
from privacy.fiscal_years import latest_closing_date_disposable_on
from privacy.models import Incident, IncidentSubscriber, LegalHold, RetentionRule, SubjectRequest
from privacy.models.requests import OPEN_STATUSES
from privacy.retention_coverage import sharing_classes
from privacy.selectors.retention_classes import CLASS_RULES, SubscriberHolds


def subscriber_holds(record_class: str, today: date) -> SubscriberHolds:
    """Why a subscriber's records of ``record_class`` may not go today, each reason with the ids it holds: open
    requests and a year after a decision, open incidents, manual holds (on every class, or on a class sharing
    tables with this one: ``sharing_classes``). Only rows that name a subscriber: one NULL in
    a list would make every ``NOT IN`` it feeds unknown."""
    decided_since = timezone.make_aware(datetime.combine(one_year_before(today), time.min))
    requests = SubjectRequest.objects.filter(Q(status__in=OPEN_STATUSES) | Q(decided_at__gte=decided_since)).filter(
        subscriber__isnull=False
    )
    holds = (
        LegalHold.objects.in_force(today)
        .filter(subscriber__isnull=False)
        .filter(Q(record_class="") | Q(record_class__in=sharing_classes(record_class)))
    )
    incidents = IncidentSubscriber.objects.filter(incident__in=Incident.objects.open())
    return [
        (_("an open request, or one decided within the past year"), requests.order_by().values("subscriber_id")),
        (_("an open incident"), incidents.order_by().values("subscriber_id")),
        (_("a legal hold on the subscriber"), holds.order_by().values("subscriber_id")),
    ]


def class_is_held(record_class: str, today: date) -> bool:
    """A hold on a whole class holds every class whose disposal removes rows of the same tables (a hold on all
    consents keeps the terminated subscribers whose purge would delete theirs)."""
    in_force = LegalHold.objects.in_force(today).filter(subscriber__isnull=True)
    return in_force.filter(record_class__in=sharing_classes(record_class)).exists()


def _due(rule: RetentionRule, today: date) -> models.QuerySet | None:
    cutoff = latest_closing_date_disposable_on(today, rule.years)
    return None if cutoff is None else CLASS_RULES[rule.record_class].due(rule, cutoff)


def _values(rule: RetentionRule, queryset: models.QuerySet) -> models.QuerySet:
    number = CLASS_RULES[rule.record_class].number
    if callable(number):
        queryset, number = queryset.annotate(disposal_number=number()), "disposal_number"
    return queryset.values_list("pk", number)


def disposal_candidates(rule: RetentionRule, today: date) -> models.QuerySet:
    """(id, subscriber number) of the class's records past their disposal date and not held, as a values query."""
    class_rule = CLASS_RULES[rule.record_class]
    due = _due(rule, today)
    if due is None or class_is_held(rule.record_class, today):
        return _values(rule, class_rule.model._default_manager.none())
    for _reason, keep in class_rule.keeps(subscriber_holds(rule.record_class, today)):
        due = due.exclude(keep)
    return _values(rule, due)


RECORD_MODELS: dict[str, type[models.Model]] = {record_class: rule.model for record_class, rule in CLASS_RULES.items()}


@dataclass(frozen=True)
class ClassOutlook:
    """One class on the proposals page: how many records are past their period, how many would go, and how many
    each reason keeps (a record kept for two reasons counts under both)."""

    rule: RetentionRule
    due: int
    would_go: int
    kept: list[tuple[Promise, int]]


def disposal_outlook(today: date) -> list[ClassOutlook]:
    """What the next proposal of each class would take and what it would leave, and why; changes nothing."""
    outlook = []
    for rule in RetentionRule.objects.all():
        due = _due(rule, today)
        if due is None:
            outlook.append(ClassOutlook(rule, 0, 0, []))
            continue
        due_count = due.count()
        if not due_count:
            outlook.append(ClassOutlook(rule, 0, 0, []))
            continue
        if class_is_held(rule.record_class, today):
            outlook.append(ClassOutlook(rule, due_count, 0, [(_("a legal hold on the whole class"), due_count)]))
            continue
        keeps = CLASS_RULES[rule.record_class].keeps(subscriber_holds(rule.record_class, today))
        kept = [(reason, n) for reason, keep in keeps if (n := due.filter(keep).count())]
        outlook.append(ClassOutlook(rule, due_count, disposal_candidates(rule, today).count(), kept))
    return outlook


def disposal_dry_run(today: date) -> dict[str, int]:
    """What would go today, per class, changing nothing."""
    return {rule.record_class: disposal_candidates(rule, today).count() for rule in RetentionRule.objects.all()}


def table_words(key: str) -> str:
    """A table of a disposal record's counts in words, as the office reads it: the model's name, its history, or
    its rows anonymised — never ``privacy_provisionstop``."""
    from django.apps import apps
    from django.utils.translation import gettext

    table, anonymised = key.removesuffix(" (anonymised)"), key.endswith(" (anonymised)")
    if table == "django_admin_log":  # Django names it ログエントリー, which says nothing to a reader of a certificate
        return gettext("Records of changes made in the administration")
    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        return key
    original = getattr(model, "instance_type", None)  # a history model names the model it keeps the history of
    if original is not None:
        words = gettext("%(records)s (history)") % {"records": original._meta.verbose_name_plural}
    else:
        words = str(model._meta.verbose_name_plural)
    return gettext("%(records)s (anonymised)") % {"records": words} if anonymised else words


def disposal_table_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """A disposal record's rows per table, in words, largest first; a table it removed nothing from is left out."""
    return sorted(((table_words(table), n) for table, n in counts.items() if n), key=lambda pair: (-pair[1], pair[0]))


def disposal_reach(run) -> list[tuple[str, int]]:
    """What approving ``run`` would remove, per table in words, before it runs: the candidates still pending and
    the rows their deletion cascades to, each with its history where it keeps one (the disposers delete both)."""
    from django.db.models.deletion import Collector

    if run.action != "delete":
        return []
    model = RECORD_MODELS[run.record_class]
    ids = run.items.filter(outcome="pending").values_list("object_id", flat=True)
    collector = Collector(using=model._default_manager.db)
    collector.collect(list(model._base_manager.filter(pk__in=ids)))
    counts: dict[str, int] = {}
    for reached, instances in collector.data.items():
        counts[reached._meta.db_table] = counts.get(reached._meta.db_table, 0) + len(instances)
        if hasattr(reached, "history"):
            history = reached.history.filter(id__in=[instance.pk for instance in instances]).count()
            counts[reached.history.model._meta.db_table] = history
    for query in collector.fast_deletes:
        counts[query.model._meta.db_table] = counts.get(query.model._meta.db_table, 0) + query.count()
    return disposal_table_counts(counts)
