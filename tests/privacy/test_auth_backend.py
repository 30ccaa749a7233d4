"""The staff backend grants exactly what Django's ModelBackend grants, from fewer queries."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacy.auth import StaffModelBackend
from privacy.models import User
from tests.factories import UserFactory


def _as_django_sees_them(user_id):
    fresh = User.objects.get(pk=user_id)
    backend = ModelBackend()
    return backend.get_all_permissions(fresh), frozenset(fresh.groups.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk", "officer", "auditor", "contractor_user", "admin_user"])
def test_roles_and_permissions_are_those_django_computes(request, who):
    user = request.getfixturevalue(who)
    user.user_permissions.add(
        Permission.objects.get(codename="view_accesslog", content_type__app_label="privacy")
    )  # one granted to the user alone

    loaded = StaffModelBackend().get_user(user.pk)

    permissions, roles = _as_django_sees_them(user.pk)
    assert StaffModelBackend().get_all_permissions(loaded) == permissions
    assert loaded.roles == roles
    assert loaded.has_perm("privacy.view_accesslog")


@pytest.mark.django_db
def test_an_inactive_user_is_not_loaded(clerk):
    User.objects.filter(pk=clerk.pk).update(is_active=False)

    assert StaffModelBackend().get_user(clerk.pk) is None


@pytest.mark.django_db
def test_department_roles_and_permissions_cost_two_queries(clerk):
    with CaptureQueriesContext(connection) as queries:
        user = StaffModelBackend().get_user(clerk.pk)
        assert user.department.name and user.is_office_staff and user.has_perm("subscribers.view_subscriber")
        assert not user.has_perm("privacy.approve_disposalrun")

    assert len(queries) == 2


@pytest.mark.django_db
def test_a_user_without_groups_has_no_roles_and_no_permissions():
    user = UserFactory.create()

    loaded = StaffModelBackend().get_user(user.pk)

    assert loaded.roles == frozenset() and StaffModelBackend().get_all_permissions(loaded) == set()
