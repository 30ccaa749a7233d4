"""A clerk types a postal code on the registration form and the address fills itself in from the office's copy of
Japan Post's data; what the clerk typed is never overwritten without asking, and an address that does not match
its code is confirmed before it is saved (issue 18)."""

import re

import pytest
from playwright.sync_api import Page, expect

from subscribers.models import Subscriber
from tests.browser.test_registry_flow import field, log_in, main_menu
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback")]

NAME = {"姓": "山田", "名": "太郎", "セイ（フリガナ）": "やまだ", "メイ（フリガナ）": "たろう"}


def open_registration(page: Page) -> None:
    main_menu(page).get_by_role("link", name="新規登録", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("加入者の新規登録")


def test_a_typed_postal_code_fills_in_the_address(page: Page, clerk):
    log_in(page, clerk.username, PASSWORD)
    open_registration(page)
    # The form opens with the office's own prefecture and city.
    expect(field(page, "都道府県")).to_have_value("青森県")
    expect(field(page, "市区町村")).to_have_value("三沢市")

    # When the clerk types a Tokyo code, full width with a 〒, as on a paper form
    field(page, "郵便番号").press_sequentially("〒１０５－００１１")

    # Then the prefecture, municipality and town are filled from the postal data, and the lookup is shown
    expect(field(page, "都道府県")).to_have_value("東京都")
    expect(field(page, "市区町村")).to_have_value("港区")
    expect(field(page, "町名・番地")).to_have_value("芝公園")
    expect(page.locator("[data-postal-status]")).to_have_text("〒105-0011 東京都港区芝公園")

    # When they correct the code to one in Misawa, the fields the script filled follow it
    field(page, "郵便番号").fill("033-0001")
    expect(field(page, "都道府県")).to_have_value("青森県")
    expect(field(page, "市区町村")).to_have_value("三沢市")
    expect(field(page, "町名・番地")).to_have_value("中央町")

    # and a code that is not in the data says so, leaving the fields as they are
    field(page, "郵便番号").fill("0339999")
    expect(page.locator("[data-postal-status]")).to_have_text(re.compile("郵便番号データにありません"))
    expect(field(page, "町名・番地")).to_have_value("中央町")


def test_what_the_clerk_typed_is_replaced_only_when_asked(page: Page, clerk):
    log_in(page, clerk.username, PASSWORD)
    open_registration(page)
    field(page, "町名・番地").fill("桜町1丁目2-3")

    field(page, "郵便番号").fill("0330001")

    # The street typed by hand is kept; a button offers the code's town instead
    expect(page.locator("[data-postal-status]")).to_have_text("〒033-0001 青森県三沢市中央町")
    use = page.get_by_role("button", name="この住所を使う")
    expect(use).to_be_visible()
    expect(field(page, "町名・番地")).to_have_value("桜町1丁目2-3")

    use.click()
    expect(field(page, "町名・番地")).to_have_value("中央町")
    expect(use).to_be_hidden()


def test_an_address_that_does_not_match_its_code_is_confirmed_before_it_is_saved(page: Page, clerk):
    log_in(page, clerk.username, PASSWORD)
    open_registration(page)
    for label, value in NAME.items():
        field(page, label).fill(value)
    field(page, "郵便番号").fill("0330001")
    expect(field(page, "町名・番地")).to_have_value("中央町")
    field(page, "町名・番地").fill("桜町1丁目2-3")  # not in 中央町: the code is wrong, or the street
    page.get_by_role("button", name="保存").click()

    # The form comes back with the warning and a box to tick; nothing is saved yet
    expect(page.get_by_role("alert")).to_contain_text("住所と郵便番号をご確認ください")
    expect(page.get_by_text("青森県三沢市中央町 の番号で、入力された住所と一致しません")).to_be_visible()
    assert not Subscriber.objects.exists()

    page.get_by_role("checkbox", name="この住所で正しいことを確認しました").check()
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/subscribers/\d+/$"))
    assert Subscriber.objects.get().street_address == "桜町1丁目2-3"
