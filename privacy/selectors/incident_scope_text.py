"""A derivation of an incident's people in the reader's words: the kind and its conditions, the names its ids
stand for (fetched once for all the derivations shown), the days in 和暦."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from mctv.wareki import wareki
from privacy.models import Contractor, IncidentScope, User, WorkOrder
from privacy.models.disclosures import Method

Kind = IncidentScope.Kind


def describe_derivation(kind: str, parameters: dict[str, Any], names: "Names | None" = None) -> str:
    """The derivation in the reader's words (names looked up when shown; the scope keeps ids)."""
    p = parameters
    names = names or Names.of([p])
    parts = []
    if p.get("contractor"):
        parts.append(
            _("contractor: %(name)s, with its sub-contractors")
            % {"name": names.contractors.get(p["contractor"], p["contractor"])}
        )
    if p.get("work_order"):
        parts.append(_("work order: %(number)s") % {"number": names.work_orders.get(p["work_order"], p["work_order"])})
    if p.get("method"):
        parts.append(_("method: %(method)s") % {"method": dict(Method.choices).get(p["method"], p["method"])})
    if p.get("user"):
        parts.append(_("staff account: %(user)s") % {"user": names.users.get(p["user"], p["user"])})
    if p.get("export_no"):
        parts.append(_("export #%(n)s") % {"n": p["export_no"]})
    if p.get("since") or p.get("until"):
        parts.append(
            _("from %(since)s to %(until)s")
            % {"since": _wareki_of(p.get("since")), "until": _wareki_of(p.get("until"))}
        )
    return _("%(kind)s (%(parts)s)") % {"kind": dict(Kind.choices)[kind], "parts": _(", ").join(str(x) for x in parts)}


def _wareki_of(day: str | None) -> str:
    return wareki(date.fromisoformat(day)) if day else ""


@dataclass(frozen=True)
class Names:
    """The names a set of derivations refers to by id, fetched in three queries whatever their number."""

    contractors: dict[int, str]
    work_orders: dict[int, str]
    users: dict[int, str]

    @classmethod
    def of(cls, parameters: Iterable[dict[str, Any]]) -> "Names":
        ps = list(parameters)

        def ids(key: str) -> set[int]:
            return {p[key] for p in ps if p.get(key)}

        return cls(
            contractors=dict(Contractor.objects.filter(pk__in=ids("contractor")).values_list("pk", "name")),
            work_orders=dict(WorkOrder.objects.filter(pk__in=ids("work_order")).values_list("pk", "number")),
            users=dict(User.objects.filter(pk__in=ids("user")).values_list("pk", "username")),
        )


def describe_scopes(scopes: list[IncidentScope]) -> None:
    """Give each scope its ``description`` for the page and the report."""
    names = Names.of(scope.parameters for scope in scopes)
    for scope in scopes:
        scope.description = describe_derivation(scope.kind, scope.parameters, names)  # type: ignore[attr-defined]
