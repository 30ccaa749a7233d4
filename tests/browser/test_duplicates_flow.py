"""The same person registered twice (issue 18: 00000501 and 00000502), as a person clicks it in a real chromium:
registration warns with the likely duplicates and their links, and goes on only when confirmed (or goes back to
the form as typed); a registration made by mistake is voided with a reason, shown as such, with a history row."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from subscribers.models import Subscriber
from tests.browser.test_registry_flow import APPLICATION, field, log_in, record_value, submit_application
from tests.factories import PASSWORD, YAMADA_TARO, SubscriberFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback")]


def _registered_501() -> Subscriber:
    return SubscriberFactory.create(number="00000501", street_address="中央町1丁目2番3号", **YAMADA_TARO)


def test_registering_the_same_person_again_warns_and_goes_on_only_when_confirmed(page: Page, clerk):
    # Given 00000501, 山田太郎 born 1 April 1980 at 中央町1丁目2番3号
    existing = _registered_501()
    log_in(page, clerk.username, PASSWORD)

    # When the clerk registers the same person from a paper form (hiragana reading, full-width address)
    submit_application(page, {**APPLICATION, "生年月日": "1980-04-01"})

    # Then a page warns before anything is saved, listing 00000501 with why it was found and its status
    expect(page.get_by_role("heading", level=1)).to_have_text("この方は既に登録されている可能性があります")
    row = page.get_by_role("row").filter(has_text="00000501")
    expect(row).to_contain_text("山田 太郎")
    expect(row).to_contain_text("ヤマダ タロウ")
    expect(row).to_contain_text("昭和55年4月1日")
    expect(row).to_contain_text("フリガナと生年月日が同じ")
    expect(row).to_contain_text("氏名と住所が同じ")
    expect(row).to_contain_text("加入中")
    assert Subscriber.objects.count() == 1

    # and its link opens 00000501's record beside the warning
    with page.context.expect_page() as opened:
        row.get_by_role("link", name="00000501").click()
    record = opened.value
    expect(record.get_by_role("heading", level=1)).to_contain_text("00000501")
    assert record.url.endswith(reverse("subscribers:detail", args=[existing.pk]))
    record.close()

    # When the clerk goes back, the form shows what was typed
    page.get_by_role("button", name="入力画面に戻る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("加入者の新規登録")
    expect(field(page, "セイ（フリガナ）")).to_have_value("やまだ")
    expect(field(page, "町名・番地")).to_have_value("中央町１丁目２－３")
    expect(field(page, "生年月日")).to_have_value("1980-04-01")
    assert Subscriber.objects.count() == 1

    # When they save again and, having checked, register anyway
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="別の方として登録する").click()

    # Then the new subscriber is registered, and the history records the check
    created = Subscriber.objects.exclude(pk=existing.pk).get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(created.number)
    page.get_by_role("link", name="変更履歴").click()
    expect(page.get_by_role("main")).to_contain_text("重複の可能性がある加入者（00000501）を確認のうえ登録")


def test_the_officer_voids_the_mistaken_registration_with_a_reason(page: Page, officer):
    # Given 00000501 and its duplicate 00000502
    _registered_501()
    duplicate = SubscriberFactory.create(
        number="00000502",
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        status="applied",
        activated_on=None,
    )
    log_in(page, officer.username, PASSWORD)
    page.goto(reverse("subscribers:detail", args=[duplicate.pk]))

    # When the officer voids it with a reason
    page.get_by_role("link", name="この登録を取り消す").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("登録の取消し")
    field(page, "取消しの理由").fill("00000501と同じ方の二重登録")
    page.get_by_role("button", name="次へ").click()

    # Then a page asks first, saying it is not a termination
    expect(page.get_by_role("heading", level=1)).to_have_text("00000502の登録の取消し")
    expect(page.get_by_role("main")).to_contain_text("解約ではなく")
    duplicate.refresh_from_db()
    assert duplicate.status == "applied"

    # When they confirm
    page.get_by_role("button", name="登録を取り消す").click()

    # Then the record shows it voided, with a banner, and the history row gives the reason
    expect(page.get_by_role("heading", level=1)).to_contain_text("取消し")
    expect(record_value(page, "状態")).to_have_text("取消し")
    expect(page.get_by_role("note").filter(has_text="取り消されました")).to_be_visible()
    expect(page.get_by_role("link", name="この登録を取り消す")).to_have_count(0)
    page.get_by_role("link", name="変更履歴").click()
    expect(page.get_by_role("main")).to_contain_text("取消し：00000501と同じ方の二重登録")

    # and the registry's list leaves it out, unless its status is asked for
    page.goto(reverse("subscribers:list") + "?q=ヤマダ")
    expect(page.get_by_role("link", name="00000501")).to_be_visible()
    expect(page.get_by_role("link", name="00000502")).to_have_count(0)
    page.get_by_label("状態").select_option(label="取消し")
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.get_by_role("link", name="00000502")).to_be_visible()
    expect(page.get_by_role("link", name="00000501")).to_have_count(0)
