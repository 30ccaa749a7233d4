"""Who is asking: office staff with a permission, a contractor account, or nobody the rules know."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from privacy.models import Department, User

Viewer = User | AnonymousUser


def staff_with_permission(user: Viewer, permission: str) -> bool:
    """An active office account (never a contractor's) holding ``permission``."""
    return isinstance(user, User) and user.is_active and not user.is_contractor and user.has_perm(permission)


def departments_without_responsible_officer() -> QuerySet[Department]:
    """§4(1) names a responsible person per department: these have none, or one no longer active or an officer."""
    from privacy.roles import Role

    named = Department.objects.filter(
        responsible_officer__is_active=True, responsible_officer__groups__name=Role.OFFICER
    ).values("pk")
    return Department.objects.exclude(pk__in=named).order_by("code")
