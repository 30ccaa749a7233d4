"""Who is asking: office staff with a permission, a contractor account, or nobody the rules know."""

from django.contrib.auth.models import AnonymousUser

from privacy.models import User

Viewer = User | AnonymousUser


def staff_with_permission(user: Viewer, permission: str) -> bool:
    """An active office account (never a contractor's) holding ``permission``."""
    return isinstance(user, User) and user.is_active and not user.is_contractor and user.has_perm(permission)
