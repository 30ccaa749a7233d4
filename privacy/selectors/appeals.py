"""Appeals: who sees them, and what is due."""

from datetime import date

from privacy.models import Appeal
from privacy.models.appeals import AppealQuerySet

from .access import Viewer, staff_with_permission


def appeals_visible_to(user: Viewer) -> AppealQuerySet:
    """Officers who handle appeals and auditors who read them; nobody else."""
    if staff_with_permission(user, "privacy.view_appeal"):
        return Appeal.objects.all()
    return Appeal.objects.none()


def appeals_due(user: Viewer, today: date) -> list[Appeal]:
    """Open appeals, those awaiting the board's consultation by their consult-by date first."""
    return list(appeals_visible_to(user).open().select_related("request").order_by("consult_due_on", "number")[:50])
