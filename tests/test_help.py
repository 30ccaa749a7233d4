"""Help pages: every main screen links to a help page that says what the screen is for, what each action does and
which clause it serves; the README says how to choose the port."""

import re
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

from mctv.help import BY_SLUG, BY_VIEW
from tests.factories import SubscriberFactory, WorkOrderFactory, contractor_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def _main_screens() -> set[str]:
    """Every staff list and detail page, the dashboard and the portal: the url names people navigate by."""
    names = set()
    for namespace in ("privacy", "subscribers", "portal"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {
            f"{namespace}:{name}"
            for name in resolver.reverse_dict
            if isinstance(name, str) and re.search(r"(_list|_detail|^list|^detail|^home|^dashboard|^work_order)$", name)
        }
    return names - {"privacy:print_job_status"}


def test_every_main_screen_has_a_help_page():
    assert _main_screens() - set(BY_VIEW) == set()
    also = {"privacy:dashboard", "privacy:access_log", "privacy:accountability", "privacy:file_register_review"}
    assert also | {"privacy:statistics", "subscribers:history", "portal:home"} <= set(BY_VIEW)


@pytest.mark.parametrize("slug", sorted(set(BY_SLUG) - {"portal"}))
def test_each_staff_help_page_says_what_the_screen_is_for_its_actions_and_its_clause(slug, officer, client):
    # Given an officer
    client.force_login(officer)
    # When they open the help page
    response = client.get(reverse("help", args=[slug]))
    # Then it is in Japanese, with the three parts
    html = response.content.decode()
    assert response.status_code == 200
    assert "この画面の目的" in html and "各操作の説明" in html and "関係する条項" in html
    assert "宣言" in html or "個人情報保護法" in html
    assert "<dt>" in html and "Declaration" not in html


def test_the_staff_screens_link_to_their_help_in_the_title_area(officer, client):
    # Given a subscriber and an officer
    subscriber = SubscriberFactory.create()
    client.force_login(officer)
    for name, args, slug in [
        ("privacy:dashboard", [], "dashboard"),
        ("subscribers:list", [], "subscribers"),
        ("subscribers:detail", [subscriber.pk], "subscriber"),
        ("subscribers:history", [subscriber.pk], "history"),
        ("privacy:incident_list", [], "incidents"),
        ("privacy:work_order_list", [], "work_orders"),
    ]:
        # When the screen is drawn
        html = client.get(reverse(name, args=args)).content.decode()
        # Then its help link sits in the main area, before the content, and names its own help page
        main = html.split('<main id="main">', 1)[1]
        assert f'<p class="help-link no-print"><a href="/help/{slug}/">ヘルプ</a></p>' in main, name


def test_a_screen_without_help_draws_no_link(officer, client):
    client.force_login(officer)
    assert "help-link" not in client.get(reverse("privacy:public_privacy")).content.decode()


def test_the_contractor_reads_the_portal_help_inside_the_portal(client):
    # Given a contractor with a work order
    order = WorkOrderFactory.create()
    client.force_login(contractor_user(order.contractor))
    # When it opens the portal, the help link leads to /portal/help/, which it may reach
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:help")}"' in home and reverse("portal:help").startswith("/portal/")
    page = client.get(reverse("portal:help"))
    # Then the portal's help is shown, and staff help pages stay out of reach
    assert page.status_code == 200 and "工事業者ポータル" in page.content.decode()
    assert client.get(reverse("help", args=["subscribers"])).status_code == 302


def test_an_unknown_help_page_is_not_found(officer, client):
    client.force_login(officer)
    assert client.get("/help/nothing/").status_code == 404


def test_help_is_for_signed_in_users():
    from django.test import Client

    assert Client().get(reverse("help", args=["dashboard"])).status_code == 302


def test_the_readme_says_how_to_choose_the_port():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make run PORT=" in readme
    assert "PORT ?=" in makefile and "runserver $(HOST):$(PORT)" in makefile
