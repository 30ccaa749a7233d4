"""A clerk at the office screen registers a subscriber, finds them again, and is told plainly what to fix.

Everything goes through a real chromium against the live server, typed the way the office types:
hiragana readings, full-width digits, a 〒 mark, half-width katakana in the search box.
"""

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from subscribers.models import Subscriber
from tests.factories import PASSWORD, SubscriberFactory

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so it only sees committed rows (transactional_db). Each such
    # test ends with a flush that also empties the roles that data migrations create; serialized rollback
    # puts them back before the next test, so its `clerk` finds the "clerk" group (see conftest.py).
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]

# What a clerk types from a paper application form.
APPLICATION = {
    "姓": "山田",
    "名": "太郎",
    "セイ（フリガナ）": "やまだ",
    "メイ（フリガナ）": "たろう",
    "郵便番号": "〒０３３－０００１",
    "町名・番地": "中央町１丁目２－３",
    "電話番号": "０１７６－５１－１３４９",
}


def field(page: Page, label: str) -> Locator:
    """The input whose label is ``label``, give or take a colon or a required mark: "名" is not "町名・番地"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}[\s:：*]*$"))


def record_value(page: Page, term: str) -> Locator:
    """The <dd> shown for ``term`` on a record page."""
    return page.locator(f"xpath=//dl[contains(@class, 'record')]/dt[normalize-space()='{term}']").locator(
        "xpath=following-sibling::dd[1]"
    )


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="メインメニュー")


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(main_menu(page)).to_be_visible()


def submit_application(page: Page, typed: dict[str, str]) -> None:
    main_menu(page).get_by_role("link", name="新規登録", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("加入者の新規登録")
    for label, value in typed.items():
        field(page, label).fill(value)
        if label == "郵便番号" and len(re.sub(r"\D", "", unicodedata.normalize("NFKC", value))) == 7:
            # As a person does: the town the code names appears, then the rest of the street is typed after it
            # (filled in the same instant, the reply could land inside what is being typed).
            expect(page.locator("[data-postal-status]")).not_to_be_empty()
    page.get_by_role("checkbox", name="テレビ").check()
    page.get_by_role("button", name="保存").click()


def search(page: Page, query: str) -> None:
    page.get_by_role("searchbox", name="検索").fill(query)
    page.get_by_role("button", name="検索", exact=True).click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == [query])


def test_a_clerk_registers_a_subscriber_and_finds_them_by_a_half_width_reading(page: Page, clerk):
    # Given a full page of other subscribers, none of them read ヤマダ, with long addresses
    others = SubscriberFactory.create_batch(
        settings.SUBSCRIBERS_PER_PAGE, family=("佐藤", "サトウ"), building="グランドメゾン三沢中央第二 1203号室"
    )
    # and the clerk logged in through the login page
    log_in(page, clerk.username, PASSWORD)

    # When they register an application as written on paper
    submit_application(page, APPLICATION)

    # Then the new record shows what was typed, normalised: katakana reading, half-width digits, hyphens
    expect(page).to_have_url(re.compile(r"/subscribers/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("を登録しました")
    expect(record_value(page, "氏名")).to_have_text("山田 太郎")
    expect(record_value(page, "フリガナ")).to_have_text("ヤマダ タロウ")
    expect(record_value(page, "郵便番号")).to_have_text("〒033-0001")
    expect(record_value(page, "住所")).to_have_text("青森県三沢市中央町1丁目2-3")
    expect(record_value(page, "電話番号")).to_have_text("0176-51-1349")
    expect(page.get_by_role("table", name="契約サービス")).to_contain_text("テレビ")

    # When they open the list of subscribers
    main_menu(page).get_by_role("link", name="加入者", exact=True).click()

    # Then a full page fits the office screen without scrolling sideways
    expect(page.locator(".count")).to_have_text(f"{len(others) + 1} 件")
    expect(page.locator("table.list tbody tr")).to_have_count(settings.SUBSCRIBERS_PER_PAGE)
    page.wait_for_load_state()  # the stylesheet too
    assert page.viewport_size == {"width": 1366, "height": 768}
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1366, f"the list scrolls sideways at 1366x768 ({scroll_width}px wide)"

    # When they search by the reading in half-width katakana, then in hiragana
    for query in ("ﾔﾏﾀﾞ", "やまだ"):
        search(page, query)

        # Then only the new subscriber is found
        results = page.locator("table.list tbody tr")
        expect(page.locator(".count")).to_have_text("1 件")
        expect(results).to_have_count(1)
        expect(results).to_contain_text("山田 太郎")
        expect(results).to_contain_text("ヤマダ タロウ")


def test_a_bad_postal_code_is_explained_and_the_typed_input_kept_and_nothing_saved(page: Page, clerk):
    # Given the clerk logged in through the login page
    log_in(page, clerk.username, PASSWORD)

    # When they submit an application whose postal code is two digits short
    typed = {**APPLICATION, "郵便番号": "０３３－００"}
    submit_application(page, typed)

    # Then the page says nothing was saved, and says why next to the postal code, and only there
    expect(page.get_by_role("alert")).to_contain_text("まだ何も保存されていません")
    expect(page).to_have_url(re.compile(r"/subscribers/new/$"))
    postal_code = field(page, "郵便番号")
    expect(page.get_by_text("郵便番号は7桁")).to_be_visible()
    expect(postal_code).to_have_accessible_description(re.compile("郵便番号は7桁"))
    expect(postal_code).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)

    # and everything stays exactly as typed, so only the mistake needs retyping
    for label, value in typed.items():
        expect(field(page, label)).to_have_value(value)
    expect(page.get_by_role("checkbox", name="テレビ")).to_be_checked()

    # and no subscriber was written
    assert Subscriber.objects.count() == 0
