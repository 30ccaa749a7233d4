"""The authentication backend: Django's ModelBackend, loading a signed-in user the way every page needs them."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

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


# Roles, then the permissions of those roles, then the user's own: the rows ModelBackend's queries read.
ROLES_AND_PERMISSIONS_SQL = """
    SELECT %s, g.name, '' FROM {group} g WHERE g.id IN (SELECT {ug_group} FROM {user_groups} WHERE {ug_user} = %s)
    UNION ALL
    SELECT %s, ct.app_label, p.codename FROM {permission} p
    JOIN {content_type} ct ON ct.id = p.{p_content_type}
    JOIN {group_permissions} gp ON gp.{gp_permission} = p.id
    WHERE gp.{gp_group} IN (SELECT {ug_group} FROM {user_groups} WHERE {ug_user} = %s)
    UNION ALL
    SELECT %s, ct.app_label, p.codename FROM {permission} p
    JOIN {content_type} ct ON ct.id = p.{p_content_type}
    JOIN {user_permissions} up ON up.{up_permission} = p.id
    WHERE up.{up_user} = %s
"""


@cache
def _roles_and_permissions_sql() -> str:
    """The query written out once, with the tables and columns the models name. Built with the ORM (a union of
    three annotated querysets) it cost about a millisecond of CPU to compile on every request, more than the
    database took to answer it."""
    meta = get_user_model()._meta
    groups, user_permissions = meta.get_field("groups"), meta.get_field("user_permissions")
    group_permissions = Group._meta.get_field("permissions")
    quote = connection.ops.quote_name
    return ROLES_AND_PERMISSIONS_SQL.format(
        group=quote(Group._meta.db_table),
        user_groups=quote(groups.m2m_db_table()),
        ug_user=quote(groups.m2m_column_name()),
        ug_group=quote(groups.m2m_reverse_name()),
        permission=quote(Permission._meta.db_table),
        p_content_type=quote(Permission._meta.get_field("content_type").column),
        content_type=quote(ContentType._meta.db_table),
        group_permissions=quote(group_permissions.m2m_db_table()),
        gp_group=quote(group_permissions.m2m_column_name()),
        gp_permission=quote(group_permissions.m2m_reverse_name()),
        user_permissions=quote(user_permissions.m2m_db_table()),
        up_user=quote(user_permissions.m2m_column_name()),
        up_permission=quote(user_permissions.m2m_reverse_name()),
    )


def preload_roles_and_permissions(user) -> None:
    """Fill ``user.roles`` and ModelBackend's permission caches from one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _roles_and_permissions_sql(),
            [ROLE, user.pk, GROUP_PERMISSION, user.pk, USER_PERMISSION, user.pk],
        )
        rows = cursor.fetchall()
    found: dict[str, set[str]] = {ROLE: set(), GROUP_PERMISSION: set(), USER_PERMISSION: set()}
    for kind, first, second in rows:
        found[kind].add(first if kind == ROLE else f"{first}.{second}")
    user.__dict__["roles"] = frozenset(found[ROLE])
    if not user.is_superuser:  # a superuser's permissions are all of them: ModelBackend lists those itself
        user._group_perm_cache = found[GROUP_PERMISSION]
        user._user_perm_cache = found[USER_PERMISSION]
