"""The staff access log (§4(1)): who opened or exported whose record."""

from django.db.models import QuerySet

from privacy.models import AccessLog

from .access import Viewer, staff_with_permission


def access_log_visible_to(user: Viewer) -> QuerySet[AccessLog]:
    """Officers and auditors (the permission); clerks and contractors never."""
    if staff_with_permission(user, "privacy.view_accesslog"):
        return AccessLog.objects.all()
    return AccessLog.objects.none()
