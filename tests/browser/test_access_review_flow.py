"""The monthly review of staff access in a real chromium: an officer runs last month's review; a second officer
(never the one who ran it) closes its flag with an outcome, and sees the review closed."""

import re
from datetime import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Browser, expect

from privacy.models import AccessLog, AccessReview
from privacy.roles import Role
from tests.browser.menu import go_by_menu
from tests.browser.test_request_flow import logged_in_page
from tests.factories import SubscriberFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def test_an_officer_runs_the_month_and_another_closes_its_flag_with_an_outcome(
    browser: Browser, live_server, officer, clerk, department
):
    # Given a clerk who opened a subscriber's record at 21:00 on a weekday in October, with no business on it
    subscriber = SubscriberFactory.create()
    AccessLog.objects.create(
        at=timezone.make_aware(datetime(2026, 10, 15, 21, 0)),
        user=clerk,
        subscriber_id=subscriber.pk,
        subscriber_number=subscriber.number,
        action=AccessLog.Action.VIEW,
    )
    second = UserFactory.create(username="officer2", department=department, last_name="第二", first_name="責任者")
    second.groups.add(Group.objects.get(name=Role.OFFICER))

    # When the officer runs the review of October from the staff pages
    desk = logged_in_page(browser, live_server, officer.username)
    go_by_menu(desk, "管理・監査", "職員のアクセス点検")
    run = desk.get_by_role("form", name="点検の実施")
    run.get_by_label("対象月").fill("R8.10")
    run.get_by_role("button", name="点検を実施").click()
    expect(desk).to_have_url(re.compile(r"/audit/access-reviews/\d+/$"))
    flags = desk.get_by_role("table", name="確認を要する項目")
    expect(flags).to_contain_text("関連する業務のない閲覧")
    expect(flags).to_contain_text("時間外の閲覧")
    expect(flags).to_contain_text(subscriber.number)
    # Then the officer who ran it is offered no closing form
    expect(desk.get_by_role("form", name=re.compile("の確認$"))).to_have_count(0)
    expect(desk.locator("main")).to_contain_text("他の個人情報保護責任者が行います")

    # When the second officer sees the flags on the dashboard and closes each with an outcome
    other = logged_in_page(browser, live_server, second.username)
    other.goto("/dashboard/")
    other.get_by_role("note").filter(has_text="職員のアクセス点検").get_by_role("link").click()
    other.get_by_role("link", name="令和8年10月").click()
    for _ in range(2):
        form = other.get_by_role("form", name=re.compile("の確認$")).first
        form.get_by_role("combobox").select_option(label="業務上の理由を確認")
        form.get_by_role("textbox").fill("夜間の障害受付で契約内容を確認（本人聴取）")
        form.get_by_role("button", name="確認を記録").click()
        expect(other.get_by_role("status")).to_contain_text("項目の確認を記録しました")

    # Then the review is closed, naming who closed it, and each flag keeps its outcome
    expect(other.locator("h1")).to_contain_text("完了")
    expect(other.get_by_role("table", name="確認を要する項目")).to_contain_text("夜間の障害受付で契約内容を確認")
    review = AccessReview.objects.get()
    assert (review.status, review.closed_by, review.run_by) == ("closed", second, officer)
