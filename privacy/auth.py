"""The authentication backend: Django's ModelBackend, loading a signed-in user the way every page needs them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import CharField, Value

ROLE, GROUP_PERMISSION, USER_PERMISSION = "role", "group", "user"


class StaffModelBackend(ModelBackend):
    """Every staff page shows the user's department (or company), checks their role and asks for their
    permissions. Django's backend reads those in four queries on each request; this one reads the user with
    department and company in one, and roles, group permissions and own permissions together in a second.
    What is granted is Django's rule unchanged: the caches filled here are the ones ModelBackend fills."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("department", "contractor").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        preload_roles_and_permissions(user)
        return user


def preload_roles_and_permissions(user) -> None:
    """Fill ``user.roles`` and ModelBackend's permission caches from one query."""
    groups = user.groups.order_by()
    rows = (
        groups.annotate(kind=Value(ROLE, output_field=CharField()))
        .values_list("kind", "name", Value(""))
        .union(
            Permission.objects.filter(group__in=groups.values("pk"))
            .order_by()
            .annotate(kind=Value(GROUP_PERMISSION))
            .values_list("kind", "content_type__app_label", "codename"),
            Permission.objects.filter(user=user)
            .order_by()
            .annotate(kind=Value(USER_PERMISSION))
            .values_list("kind", "content_type__app_label", "codename"),
            all=True,
        )
    )
    found: dict[str, set[str]] = {ROLE: set(), GROUP_PERMISSION: set(), USER_PERMISSION: set()}
    for kind, first, second in rows:
        found[kind].add(first if kind == ROLE else f"{first}.{second}")
    user.__dict__["roles"] = frozenset(found[ROLE])
    if not user.is_superuser:  # a superuser's permissions are all of them: ModelBackend lists those itself
        user._group_perm_cache = found[GROUP_PERMISSION]
        user._user_perm_cache = found[USER_PERMISSION]
