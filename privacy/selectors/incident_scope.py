"""Who an incident touched, read from the system's own records (漏えい等事案の影響範囲).

Each derivation is one query, set-based: the rows of the provision log, of the access log or of one export file
are grouped by person (and by what the row carried) in the database, never looked up one by one. People whose
subscriber record is gone (the logs keep the number, with no foreign key) are found as numbers and kept apart.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils.translation import gettext as _

from mctv.db import local_day_range
from privacy.data_items import ALL_ITEMS, DataItem, normalize_items
from privacy.models import AccessLog, Incident, IncidentScope, Provision, WorkOrder
from privacy.selectors.incident_scope_text import describe_scopes
from subscribers.models import Subscriber

Kind = IncidentScope.Kind
NAMED = (DataItem.NUMBER, DataItem.NAME)
# What each staff page shows of a subscriber. The access log says which page by its detail (an export file by the
# items it carried); a row saying nothing more is the registry record itself, its history or the admin's page.
PAGE_ITEMS: dict[str, tuple[str, ...]] = {
    "record": ALL_ITEMS,
    "list": (DataItem.NUMBER, DataItem.NAME, DataItem.READING, DataItem.ADDRESS, DataItem.PHONE),
    "letter": (DataItem.NUMBER, DataItem.NAME, DataItem.ADDRESS),
    "number": (DataItem.NUMBER,),
    "named": NAMED,
}
PAGE = Case(
    When(detail__has_key="items", then=Value("items")),
    When(detail__has_key="letter", then=Value("letter")),
    When(detail__export="provision_log", then=Value("number")),
    # A disclosure handed to the person is their whole record; the admin's subscriber pages show all of it, the
    # admin's other pages (a provision, a complaint …) name the subscriber.
    When(detail__export__startswith="disclosure.", then=Value("record")),
    When(detail__admin="subscribers.subscriber", then=Value("record")),
    When(detail__has_key="admin", then=Value("named")),
    # A work order's page shows the items the order carries.
    When(detail__has_key="work_order", then=Value("work_order")),
    When(
        Q(detail__has_key="request")
        | Q(detail__has_key="complaint")
        | Q(detail__has_key="appeal")
        | Q(detail__has_key="incident")
        | Q(detail__list="consultations"),
        then=Value("named"),
    ),
    When(action=AccessLog.Action.LISTED, then=Value("list")),
    default=Value("record"),
    output_field=CharField(),
)
ORDER_ITEMS = Subquery(
    WorkOrder.objects.filter(number=KeyTextTransform("work_order", OuterRef("detail"))).values("items")[:1]
)


def _in_registry() -> Exists:
    """The log row's person still has their record (the same id under the same number)."""
    return Exists(Subscriber.objects.filter(pk=OuterRef("subscriber_id"), number=OuterRef("subscriber_number")))


@dataclass(frozen=True)
class Derivation:
    """What the officer named: the kind and its parameters (ids, codes, days), kept with the incident."""

    kind: str
    since: date | None = None
    until: date | None = None
    contractor: int | None = None
    work_order: int | None = None
    method: str = ""
    user: int | None = None
    export_no: int | None = None

    def parameters(self) -> dict[str, Any]:
        values = {
            "since": self.since,
            "until": self.until,
            "contractor": self.contractor,
            "work_order": self.work_order,
            "method": self.method,
            "user": self.user,
            "export_no": self.export_no,
        }
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v not in (None, "")}

    @classmethod
    def of(cls, scope: IncidentScope) -> "Derivation":
        p = dict(scope.parameters)
        for day in ("since", "until"):
            if p.get(day):
                p[day] = date.fromisoformat(p[day])
        return cls(kind=scope.kind, **p)


@dataclass
class DerivedSet:
    """The people found (number → the items their rows carried) and, for those still in the registry, their id."""

    people: dict[str, set[str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, number: str, subscriber_id: int, in_registry: bool, items: Iterable[str]) -> None:
        self.people.setdefault(number, set()).update(normalize_items(items))
        if in_registry:
            self.ids[number] = subscriber_id

    @property
    def removed(self) -> set[str]:
        return set(self.people) - set(self.ids)

    @property
    def items(self) -> list[str]:
        return normalize_items(set().union(*self.people.values()))

    @property
    def item_counts(self) -> dict[str, int]:
        return count_items(self.people)

    def snapshot(self) -> dict[str, Any]:
        groups: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for number in sorted(self.people):
            group = groups.setdefault(tuple(normalize_items(self.people[number])), {"numbers": [], "removed": []})
            group["numbers" if number in self.ids else "removed"].append(number)
        return {"groups": [{"items": list(items), **numbers} for items, numbers in sorted(groups.items())]}

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.snapshot(), sort_keys=True).encode()).hexdigest()


def count_items(people: dict[str, set[str]]) -> dict[str, int]:
    """How many people per data item, in the items' order: each person once per item."""
    counts = dict.fromkeys(ALL_ITEMS, 0)
    for items in people.values():
        for code in items:
            counts[code] += 1
    return {code: n for code, n in counts.items() if n}


def snapshot_people(snapshot: dict[str, Any]) -> tuple[dict[str, set[str]], set[str]]:
    """(number → items, the numbers no longer in the registry) from a stored snapshot."""
    people: dict[str, set[str]] = {}
    removed: set[str] = set()
    for group in snapshot.get("groups", []):
        for number in [*group.get("numbers", []), *group.get("removed", [])]:
            people.setdefault(number, set()).update(group.get("items", []))
        removed.update(group.get("removed", []))
    return people, removed


def _collect(rows: QuerySet, items_of) -> DerivedSet:
    derived = DerivedSet()
    for number, subscriber_id, in_registry, *rest in rows.iterator(chunk_size=5000):
        derived.add(number, subscriber_id, in_registry, items_of(*rest))
    return derived


def _provisions(d: Derivation) -> DerivedSet:
    """Everything provided in the period, to the contractor, under the work order, by the method named."""
    rows = Provision.objects.filter(**local_day_range("at", d.since, d.until))
    if d.contractor:
        # What its sub-contractors received for it was provided to the contractor too.
        rows = rows.filter(Q(contractor_id=d.contractor) | Q(contractor__subcontractor_of_id=d.contractor))
    if d.work_order:
        rows = rows.filter(work_order_id=d.work_order)
    if d.method:
        rows = rows.filter(method=d.method)
    rows = (
        rows.annotate(in_registry=_in_registry())
        .order_by()
        .values_list("subscriber_number", "subscriber_id", "in_registry", "items")
        .distinct()
    )
    return _collect(rows, lambda items: items or ())


def _page_items(page: str, shown: list[str] | None, order_items: list[str] | None) -> Iterable[str]:
    if page == "items":
        return shown or ()
    if page == "work_order":
        return (*NAMED, *(order_items or ()))
    return PAGE_ITEMS[page]


def _staff_views(d: Derivation) -> DerivedSet:
    """Everything the staff account saw in the period: opened, listed, exported — each page with what it shows."""
    rows = (
        AccessLog.objects.filter(user_id=d.user or 0, **local_day_range("at", d.since, d.until))
        .annotate(in_registry=_in_registry(), page=PAGE, shown=KeyTransform("items", "detail"), order_items=ORDER_ITEMS)
        .order_by()
        .values_list("subscriber_number", "subscriber_id", "in_registry", "page", "shown", "order_items")
        .distinct()
    )
    return _collect(rows, _page_items)


def _export(d: Derivation) -> DerivedSet:
    """The subscribers of export file #N, with the items its columns carried."""
    rows = (
        AccessLog.objects.filter(action=AccessLog.Action.EXPORT, detail__export_no=d.export_no)
        .annotate(in_registry=_in_registry(), shown=KeyTransform("items", "detail"))
        .order_by()
        .values_list("subscriber_number", "subscriber_id", "in_registry", "shown")
        .distinct()
    )
    derived = _collect(rows, lambda shown: shown or ())
    if not derived.people:
        raise ValidationError({"export_no": _("No export file has the number %(n)s.") % {"n": d.export_no}})
    return derived


DERIVE = {Kind.PROVISIONS: _provisions, Kind.STAFF_VIEWS: _staff_views, Kind.EXPORT: _export}


def derive(derivation: Derivation) -> DerivedSet:
    """The people and items the named records reach: one query."""
    return DERIVE[Kind(derivation.kind)](derivation)


def removed_numbers(incident: Incident) -> set[str]:
    """The numbers of affected people no longer in the registry, across the incident's derivations."""
    removed: set[str] = set()
    for snapshot in incident.scopes.values_list("snapshot", flat=True):
        removed |= snapshot_people(snapshot)[1]
    return removed


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, people) in the items' order (a stored count's keys come back in jsonb's order, not ours)."""
    return [(str(DataItem(code).label), counts[code]) for code in ALL_ITEMS if counts.get(code)]


@dataclass(frozen=True)
class ScopePreview:
    """What adding a derived set would do to the incident, shown before the officer confirms."""

    derived: DerivedSet
    people_before: int
    new_people: int
    threshold: int

    @property
    def people_after(self) -> int:
        return self.people_before + self.new_people

    @property
    def crosses_threshold(self) -> bool:
        return self.people_before <= self.threshold < self.people_after

    @property
    def reportable_after(self) -> bool:
        return self.people_after > self.threshold

    @property
    def item_counts(self) -> list[tuple[str, int]]:
        return _labelled(self.derived.item_counts)


def scope_preview(incident: Incident, derived: DerivedSet, *, threshold: int) -> ScopePreview:
    """People the set adds (not yet counted by the incident: in the registry and not affected, or gone from it and
    not yet listed by a derivation)."""
    affected = set(incident.affected.values_list("subscriber_id", flat=True))
    new = len(set(derived.ids.values()) - affected) + len(derived.removed - removed_numbers(incident))
    return ScopePreview(derived, incident.affected_count, new, threshold)


@dataclass(frozen=True)
class ScopeSummary:
    """The incident's people per data item, with how each part was found: the report and the notices use it."""

    scopes: list[IncidentScope]
    item_counts: list[tuple[str, int]]
    person_items: dict[str, list[str]]
    by_hand: int
    items: list[str]

    def items_of(self, number: str, default: list[str]) -> list[str]:
        return self.person_items.get(number, default)


def incident_scope_summary(incident: Incident) -> ScopeSummary:
    """People per item across the derivations, each person once per item. People named by hand (numbers pasted,
    people outside the registry) are taken to be touched by every item the incident names; someone both named and
    found by a derivation by both."""
    scopes = list(incident.scopes.select_related("recorded_by"))
    found: dict[str, set[str]] = {}
    for scope in scopes:
        for number, items in snapshot_people(scope.snapshot)[0].items():
            found.setdefault(number, set()).update(items)
    describe_scopes(scopes)
    for scope in scopes:
        scope.item_labels = _labelled(scope.item_counts)  # type: ignore[attr-defined]
    typed = normalize_items(incident.items)
    pasted = set(incident.affected.filter(pasted=True).values_list("subscriber__number", flat=True))
    people = {number: set(items) for number, items in found.items()}
    for number in pasted:
        people.setdefault(number, set()).update(typed)
    counts = count_items(people)
    for code in typed:
        counts[code] = counts.get(code, 0) + incident.other_people_count
    counts = {code: counts[code] for code in ALL_ITEMS if counts.get(code)}
    return ScopeSummary(
        scopes=scopes,
        item_counts=_labelled(counts),
        person_items={number: normalize_items(items) for number, items in people.items()},
        by_hand=len(pasted - set(found)) + incident.other_people_count,
        items=normalize_items({*typed, *(code for items in found.values() for code in items)}),
    )


@dataclass(frozen=True)
class ScopeComparison:
    """A derivation re-run: who it finds now against who it found when added."""

    scope: IncidentScope
    same: bool
    missing: list[str]
    new: list[str]
    left_registry: list[str]
    counts_then: list[tuple[str, int]]
    counts_now: list[tuple[str, int]]


def scope_rerun(scope: IncidentScope) -> ScopeComparison:
    """The same kind and parameters, run again: the same result unless the records changed since."""
    try:
        now = derive(Derivation.of(scope))
    except ValidationError:
        now = DerivedSet()  # the export's rows are gone (purged under their retention)
    then, removed_then = snapshot_people(scope.snapshot)
    return ScopeComparison(
        scope=scope,
        same=now.fingerprint == scope.fingerprint,
        missing=sorted(set(then) - set(now.people)),
        new=sorted(set(now.people) - set(then)),
        left_registry=sorted(now.removed - removed_then),
        counts_then=_labelled(scope.item_counts),
        counts_now=_labelled(now.item_counts),
    )
