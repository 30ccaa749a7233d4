"""An officer records a leak affecting three subscribers, prints their notices and records them as sent."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.menu import go_by_menu
from tests.browser.test_registry_flow import field, log_in
from tests.factories import PASSWORD, SubscriberFactory
from tests.pdf import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.pdf,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def test_an_officer_records_an_incident_for_three_subscribers_and_prints_their_letters(page: Page, officer):
    # Given three subscribers whose names went out in a misaddressed envelope, and one who was not involved
    people = [SubscriberFactory.create(family_name=name, given_name="様子") for name in ("青森", "八戸", "十和田")]
    bystander = SubscriberFactory.create(family_name="無関係", given_name="一郎")
    log_in(page, officer.username, PASSWORD)

    # When the officer records the incident, pasting the three subscriber numbers
    go_by_menu(page, "管理・監査", "漏えい等事案")
    page.get_by_role("link", name="漏えい等事案の記録").click()
    field(page, "発覚日時").fill("R8.11.20 9:30")
    field(page, "発見者").fill("CATV情報室 職員")
    field(page, "事案の概要").fill("お知らせの封書を別の加入者に誤って送付した。")
    field(page, "本人への通知に記載する事案の内容").fill("お客様あてのお知らせを、誤って別の方に郵送いたしました。")
    page.get_by_role("checkbox", name="氏名").check()
    page.get_by_role("checkbox", name="住所").check()
    field(page, "原因").fill("封入時の照合漏れ")
    field(page, "対象の加入者（加入者番号）").fill("\n".join(p.number for p in people))
    page.get_by_role("button", name="保存").click()

    # Then the incident page lists the three, not yet notified
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))
    affected = page.get_by_role("table", name="対象の加入者と本人への通知（宣言11(1)①）")
    for person in people:
        expect(affected).to_contain_text(person.number)
    expect(affected).not_to_contain_text(bystander.number)

    # When the officer prints the notices
    with page.expect_download() as download:
        page.get_by_role("link", name="本人への通知を印刷（PDF）").click()
    text = "".join(pdf_text(Path(download.value.path()).read_bytes()).split())

    # Then there is a letter for each of the three, and nothing about the bystander
    for person in people:
        assert f"{person.family_name}様子様" in text
    assert "無関係" not in text and bystander.number not in text

    # When the officer records the checked notices as sent by mail
    page.get_by_role("button", name="チェックした通知を送付済みにする").click()
    page.get_by_role("button", name=re.compile(r"^\d+人への通知を送付済みとして記録する$")).click()

    # Then each row shows the date it was sent
    expect(page.get_by_role("status")).to_contain_text("3件")
    rows = page.get_by_role("table", name="対象の加入者と本人への通知（宣言11(1)①）").locator("tbody tr")
    expect(rows).to_have_count(3)
    for i in range(3):
        expect(rows.nth(i)).to_contain_text("郵送")


def test_an_incident_closes_only_once_each_person_is_told_or_published_for(page: Page, officer):
    from django.utils import timezone

    from privacy.models import Incident
    from privacy.services.incidents import incident_record

    # Given an incident naming two subscribers, neither told yet
    told, unreachable = SubscriberFactory.create(family_name="通知"), SubscriberFactory.create(family_name="不明")
    incident = incident_record(
        user=officer,
        subscribers=[told, unreachable],
        discovered_at=timezone.now(),
        discovered_by="職員",
        description="名簿の誤送付",
        notice_text="お客様のお名前を記載した名簿を、誤って別の方に郵送いたしました。",
        items=["name"],
    )
    log_in(page, officer.username, PASSWORD)
    page.goto(f"/incidents/{incident.pk}/")

    # Then the page says what closing still needs, and closing now is refused with the reason
    expect(page.get_by_role("note").filter(has_text="事案を終了する前に")).to_contain_text("2人")
    status = page.get_by_role("form", name="状態の変更")
    status.get_by_label("変更後の状態").select_option(label="完了")
    status.get_by_label("備考").fill("対応完了")
    status.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("2人")

    # When the officer records one notice as sent and the other person as impossible to notify
    rows = page.get_by_role("table", name="対象の加入者と本人への通知（宣言11(1)①）")
    rows.get_by_role("checkbox", name=unreachable.number).uncheck()
    page.get_by_role("button", name="チェックした通知を送付済みにする").click()
    page.get_by_role("button", name=re.compile(r"^\d+人への通知を送付済みとして記録する$")).click()
    expect(page.get_by_role("status")).to_contain_text("1件")
    rows.get_by_role("checkbox", name=unreachable.number).check()
    field(page, "通知できない理由").fill("宛先不明で返送")
    page.get_by_role("button", name="チェックした人を通知不能として記録する").click()
    page.get_by_role("button", name="1人を通知不能として記録する").click()

    # Then publication is what remains; once recorded on the edit page, the incident closes
    expect(page.get_by_role("note").filter(has_text="事案を終了する前に")).to_contain_text("公表")
    page.get_by_role("link", name="編集").click()
    field(page, "公表日").fill(timezone.localdate().isoformat())
    field(page, "公表の方法・場所").fill("市ウェブサイト")
    page.get_by_role("button", name="保存").click()
    status = page.get_by_role("form", name="状態の変更")
    status.get_by_label("変更後の状態").select_option(label="完了")
    status.get_by_label("備考").fill("対応完了")
    status.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("完了")
    assert Incident.objects.get().status == "closed"
