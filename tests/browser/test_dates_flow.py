"""A clerk types days the way the office writes them — 和暦 in short (S33.4.1, R8.4.1) — and sees them back in
the office's style (docs/dates.md), not in the browser's mm/dd/yyyy.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from subscribers.models import Subscriber
from tests.browser.test_registry_flow import APPLICATION, field, log_in, record_value, submit_application
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def test_a_clerk_types_days_in_wareki_and_sees_them_back_in_the_office_style(page: Page, clerk):
    # Given the clerk logged in
    log_in(page, clerk.username, PASSWORD)

    # When they register an application with the birth date and the day of application in short 和暦
    submit_application(page, {**APPLICATION, "生年月日": "S33.4.1", "申込日": "Ｒ８．４．１"})

    # Then the record shows both days in 和暦, as the office writes them
    expect(page).to_have_url(re.compile(r"/subscribers/\d+/$"))
    expect(record_value(page, "生年月日")).to_have_text("昭和33年4月1日")
    expect(record_value(page, "申込日")).to_have_text("令和8年4月1日")
    subscriber = Subscriber.objects.get()
    assert (str(subscriber.birth_date), str(subscriber.applied_on)) == ("1958-04-01", "2026-04-01")

    # When they open the record for editing
    page.get_by_role("link", name="編集").click()

    # Then the date boxes are plain text boxes holding the days in short 和暦, each with the day read back
    birth_date = field(page, "生年月日")
    expect(birth_date).to_have_attribute("type", "text")
    expect(birth_date).to_have_value("S33.4.1")
    expect(page.locator(".day-hint").first).to_have_text("昭和33年4月1日（火）")

    # When they change the birth date to a Western day typed with slashes and save
    birth_date.fill("1958/4/2")
    page.get_by_role("button", name="保存").click()

    # Then the record shows it in 和暦
    expect(page).to_have_url(re.compile(r"/subscribers/\d+/$"))
    expect(record_value(page, "生年月日")).to_have_text("昭和33年4月2日")


def test_a_day_before_its_era_began_is_explained_and_the_typed_input_kept(page: Page, clerk):
    # Given the clerk logged in
    log_in(page, clerk.username, PASSWORD)

    # When they type a birth date in 令和 that lies before 令和 began
    submit_application(page, {**APPLICATION, "生年月日": "令和1年4月30日"})

    # Then nothing is saved, the field says why in Japanese and what day that would be, and keeps what was typed
    expect(page.get_by_role("alert")).to_contain_text("まだ何も保存されていません")
    birth_date = field(page, "生年月日")
    expect(birth_date).to_have_attribute("aria-invalid", "true")
    expect(birth_date).to_have_accessible_description(
        re.compile("令和は令和元年5月1日からです。この日は平成31年4月30日")
    )
    expect(birth_date).to_have_value("令和1年4月30日")
    assert not Subscriber.objects.exists()
