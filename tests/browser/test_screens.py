"""Every main page, as each role sees it on the office screen (1366×768), with the demo's data (issue 18, item 6).

Each page is photographed into test-results/screens/ for a person to review; the test itself checks what a
photograph cannot be trusted to show: the menu fits one line, no page scrolls sideways, and the menu's groups open,
lead where they say and close again.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mctv.navigation import MenuGroup, menu_for
from privacy.models import SubjectRequest, WorkOrder
from subscribers.demo import DEMO_PASSWORD, seed_demo
from subscribers.models import Subscriber
from tests.browser.test_registry_flow import log_in, main_menu

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback")]

SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"
ROLES = ["clerk", "officer", "auditor", "admin", "contractor"]


@pytest.fixture
def demo():
    seed_demo(subscribers=40, seed=2026, today=timezone.localdate())


def pages_of(username: str) -> list[tuple[str, str]]:
    """(name, path) of what this user opens: every menu entry and one record of each kind it may read."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    pages = []
    for entry in menu_for(user):
        for link in entry.links if isinstance(entry, MenuGroup) else [entry]:
            pages.append((link.url.strip("/").replace("/", "-") or "home", link.url))
    if user.has_perm("subscribers.view_subscriber"):
        pages.append(("subscriber", f"/subscribers/{Subscriber.objects.order_by('pk')[0].pk}/"))
    if user.has_perm("privacy.view_subjectrequest"):
        pages.append(("request", f"/requests/{SubjectRequest.objects.order_by('pk')[0].pk}/"))
    if user.has_perm("privacy.view_workorder"):
        pages.append(("work-order", f"/work-orders/{WorkOrder.objects.order_by('pk')[0].pk}/"))
    return pages


def one_line(page: Page) -> bool:
    """Whether the menu's entries all sit on one line."""
    tops = main_menu(page).locator(":scope > ul > li").evaluate_all("items => items.map(i => i.offsetTop)")
    return len(set(tops)) == 1


@pytest.mark.parametrize("username", ROLES)
def test_each_main_page_fits_the_office_screen(page: Page, demo, username):
    log_in(page, username, DEMO_PASSWORD)
    SCREENS.mkdir(parents=True, exist_ok=True)

    for name, path in pages_of(username):
        response = page.goto(path)
        assert response is not None and response.ok, path
        page.screenshot(path=SCREENS / f"{username}-{name}.png", full_page=False)
        if not path.startswith("/admin/"):  # Django admin has its own header
            assert one_line(page), f"the menu wraps on {path} for {username}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} scrolls sideways for {username} ({width} px)"


def test_a_menu_group_opens_leads_to_its_page_and_closes(page: Page, demo):
    log_in(page, "clerk", DEMO_PASSWORD)
    menu = main_menu(page)
    requests_link = menu.get_by_role("link", name="請求", exact=True)
    expect(requests_link).to_be_hidden()

    # When the clerk opens 請求・苦情, its entries show; opening another group closes it
    menu.get_by_text("請求・苦情").click()
    expect(requests_link).to_be_visible()
    menu.get_by_text("工事・提供").click()
    expect(requests_link).to_be_hidden()
    expect(menu.get_by_role("link", name="工事", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="工事", exact=True)).to_be_hidden()

    # Then an entry leads to its page, and the menu marks where the clerk is
    menu.get_by_text("請求・苦情").click()
    requests_link.click()
    expect(page).to_have_url(re.compile(r"/requests/$"))
    expect(menu.locator("li.current")).to_contain_text("請求・苦情")


def test_the_officer_finds_what_awaits_approval_on_the_dashboard_and_decides_it(page: Page, demo):
    from django.contrib.auth import get_user_model

    from privacy.models import ExceptionalProvision

    # Given a clerk's request for an exceptional provision, awaiting the officer
    clerk = get_user_model().objects.get(username="clerk")
    ExceptionalProvision.objects.create(
        subscriber=Subscriber.objects.filter(status="active")[0],
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="public_body",
        purpose="照会",
        reason="刑事訴訟法第197条第2項による照会",
        requested_by=clerk,
    )

    # When the officer logs in, the dashboard shows it in the approval queue, and it leads to the decision
    log_in(page, "officer", DEMO_PASSWORD)
    page.goto("/dashboard/")
    row = page.get_by_role("table", name="承認待ち").locator("tbody tr").filter(has_text="三沢警察署")
    row.get_by_role("link", name="例外的な提供").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("例外的な提供")
    expect(page.get_by_role("button", name="決裁を記録する")).to_be_visible()
