"""What waits for an officer's approval: the dashboard's first queue for those who may approve."""

from dataclasses import dataclass

from django.db.models import QuerySet

from privacy.models import DisposalRun, ExceptionalProvision

from .access import Viewer, staff_with_permission

APPROVAL_ROWS = 50


@dataclass(frozen=True)
class Approvals:
    exceptional: QuerySet[ExceptionalProvision] | list[ExceptionalProvision]
    disposals: QuerySet[DisposalRun] | list[DisposalRun]

    def __bool__(self) -> bool:
        return bool(self.exceptional) or bool(self.disposals)


def awaiting_approval(user: Viewer) -> Approvals:
    """Exceptional provisions (§3(3)–(6)) and disposals (§4(2)) awaiting this user's approval, oldest first; only
    what the user may approve."""
    exceptional: QuerySet[ExceptionalProvision] | list[ExceptionalProvision] = []
    disposals: QuerySet[DisposalRun] | list[DisposalRun] = []
    if staff_with_permission(user, "privacy.approve_exceptionalprovision"):
        exceptional = (
            ExceptionalProvision.objects.filter(status=ExceptionalProvision.Status.REQUESTED)
            .select_related("subscriber", "requested_by")
            .order_by("created_at")[:APPROVAL_ROWS]
        )
    if staff_with_permission(user, "privacy.approve_disposalrun"):
        disposals = DisposalRun.objects.filter(status=DisposalRun.Status.PROPOSED).order_by("proposed_on", "pk")[
            :APPROVAL_ROWS
        ]
    return Approvals(exceptional=list(exceptional), disposals=list(disposals))
