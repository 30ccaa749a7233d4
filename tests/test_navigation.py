"""The main menu: each role sees what it may open and nothing else, grouped so it fits one line (issue 18, item 6).

How it looks at 1366 px, and a person opening a group: tests/browser/test_screens.py."""

import pytest
from django.urls import reverse

from mctv.navigation import MenuGroup, MenuLink, menu_for

pytestmark = pytest.mark.django_db


def labels(entries) -> list[str]:
    return [entry.label for entry in entries]


def links(entries) -> list[MenuLink]:
    return [link for entry in entries for link in (entry.links if isinstance(entry, MenuGroup) else [entry])]


def test_a_clerk_sees_the_registry_first_and_the_rest_in_groups(clerk):
    entries = menu_for(clerk)

    assert labels(entries)[:3] == ["ダッシュボード", "加入者", "新規登録"]
    groups = [entry for entry in entries if isinstance(entry, MenuGroup)]
    assert [group.label for group in groups] == ["請求・苦情", "工事・提供", "管理・監査"]
    assert "請求" in labels(groups[0].links)
    # Seven entries or fewer at the top, whatever the role: that is what fits beside the brand and the account.
    assert len(entries) <= 7


@pytest.mark.parametrize("role", ["clerk", "officer", "auditor", "admin_user"])
def test_every_entry_a_role_sees_opens_for_that_role(client, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)

    for link in links(menu_for(user)):
        assert client.get(link.url).status_code == 200, link.label


def test_a_contractor_sees_only_the_portal(contractor_user):
    entries = menu_for(contractor_user)

    assert [(entry.label, entry.url) for entry in entries] == [("工事", reverse("portal:home"))]


def test_only_a_superuser_sees_the_administration(clerk, officer, admin_user):
    assert "管理画面" not in labels(links(menu_for(clerk))) + labels(links(menu_for(officer)))
    assert reverse("admin:index") in [link.url for link in links(menu_for(admin_user))]


def test_a_group_holding_one_entry_for_the_user_is_that_entry(admin_user):
    # A superuser without a role holds every permission; a user with one permission of a group sees it bare.
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory.create(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    user = type(user).objects.get(pk=user.pk)

    (entry,) = menu_for(user)
    assert isinstance(entry, MenuLink) and entry.url == reverse("privacy:complaint_list")


def test_the_page_being_shown_and_its_group_are_marked(client, clerk):
    client.force_login(clerk)

    page = client.get(reverse("privacy:request_list"))

    requests_group = next(e for e in page.context["main_menu"] if isinstance(e, MenuGroup) and e.label == "請求・苦情")
    assert requests_group.current
    html = page.content.decode()
    assert f'<a href="{reverse("privacy:request_list")}" aria-current="page">' in html
    # /subscribers/new/ lies under /subscribers/ too; only the longer match is the current page.
    menu = client.get(reverse("subscribers:create")).context["main_menu"]
    marked = [link.label for link in links(menu) if link.current]
    assert marked == ["新規登録"]
