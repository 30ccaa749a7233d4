"""A disclosure request run as APPI chapter 5 says, in a real chromium: a phone consultation, the written request
recorded from it, a 部分開示 decision naming the article for the item withheld and its letter, the disclosure
carried out; a correction asked within 90 days and one asked after them, dismissed; and an appeal to its ruling."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from privacy.models import Appeal, SubjectRequest
from tests.browser.test_request_flow import action_form, logged_in_page
from tests.factories import SubscriberFactory
from tests.pdf import pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def save(form) -> None:
    """A step's form: its one button, named for what it does."""
    form.locator("button[type=submit]").click()


def confirm(page: Page, heading: str) -> None:
    """A step that cannot be undone shows what it will do first; its button of the same name does it."""
    expect(page.get_by_role("alert")).to_contain_text("この操作は取り消せません")
    page.get_by_role("button", name=heading, exact=True).click()


def pdf_at(page: Page, href: str) -> str:
    """The PDF a link on the page points at, as text (fetched with the page's own session)."""
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return pdf_text(response.body()).replace(" ", "").replace("\n", "")


def letter(page: Page, name: str) -> str:
    return pdf_at(page, page.get_by_role("link", name=name).get_attribute("href") or "")


def test_a_disclosure_from_consultation_to_appeal_ruling(browser: Browser, live_server, clerk, officer):
    today = timezone.localdate()
    subscriber = SubscriberFactory.create(family_name="開示", given_name="花子", occupation="会社員")

    # Given a phone call: the clerk records a consultation
    counter = logged_in_page(browser, live_server, clerk.username)
    counter.goto("/consultations/new/")
    counter.get_by_label("受付方法").select_option(label="電話")
    counter.get_by_label("相談者の氏名").fill("開示 花子")
    counter.get_by_label("加入者番号").fill(subscriber.number)
    counter.get_by_label("相談のあった請求の種類").select_option(label="開示")
    counter.get_by_label("相談の内容").fill("自分の情報と提供先を知りたい")
    counter.get_by_role("button", name="保存").click()
    expect(counter).to_have_url(re.compile(r"/consultations/$"))

    # When the written request arrives, the clerk records it from the consultation
    counter.get_by_role("link", name="請求書を受け付ける").click()
    expect(counter.get_by_label("加入者番号")).to_have_value(subscriber.number)
    expect(counter.get_by_label("請求の内容")).to_have_value("自分の情報と提供先を知りたい")
    counter.get_by_label("受付方法").select_option(label="窓口")
    counter.get_by_role("button", name="保存").click()
    expect(counter).to_have_url(re.compile(r"/requests/\d+/$"))
    disclosure = SubjectRequest.objects.get()
    assert disclosure.consultation.name == "開示 花子"

    # Then the acknowledgement gives the number and both deadlines
    receipt = letter(counter, "受付票（PDF）")
    assert disclosure.number in receipt and "決定の期限（法定）" in receipt and "当室の処理期限" in receipt

    # When the clerk checks the identity and starts the review
    verify = action_form(counter, "本人確認の記録")
    verify.get_by_label("本人確認書類").select_option(label="運転免許証")
    save(verify)
    save(action_form(counter, "審査の開始"))

    # and the officer discloses in part, withholding the occupation under art. 78(1)(ii)
    desk = logged_in_page(browser, live_server, officer.username)
    desk.goto(f"/requests/{disclosure.pk}/")
    decide = action_form(desk, "決定（個人情報保護責任者）")
    decide.get_by_label("部分開示").check()
    decide.get_by_label("職業：不開示の理由").select_option(label="法第78条第1項第2号 開示請求者以外の個人に関する情報")
    decide.get_by_label("決定の理由").fill("職業欄に第三者の勤務先情報が含まれるため")
    save(decide)
    confirm(desk, "決定（個人情報保護責任者）")
    expect(desk.get_by_role("status")).to_be_visible()

    # Then the decision letter is a partial disclosure naming the article, with the appeal notice
    decision = letter(desk, "決定通知書（PDF）")
    assert "保有個人情報部分開示決定通知書" in decision and "法第78条第1項第2号" in decision
    assert "教示" in decision and "審査請求" in decision

    # When the clerk records the disclosure carried out by inspection
    counter.goto(f"/requests/{disclosure.pk}/")
    carry = action_form(counter, "開示の実施を記録")
    carry.get_by_label("開示の実施方法").select_option(label="閲覧")
    save(carry)
    expect(counter.get_by_role("status")).to_be_visible()
    disclosure.refresh_from_db()
    assert disclosure.disclosed_on == today

    # and a correction is asked within the 90 days
    counter.goto("/requests/new/")
    counter.get_by_label("請求の種類").select_option(label="訂正")
    counter.get_by_label("受付方法").select_option(label="郵送")
    counter.get_by_label("加入者番号").fill(subscriber.number)
    counter.get_by_label("前提となる開示請求の受付番号").fill(disclosure.number)
    counter.get_by_label("請求の内容").fill("電話番号の訂正")
    counter.get_by_role("button", name="保存").click()
    expect(counter).to_have_url(re.compile(r"/requests/\d+/$"))
    in_time = SubjectRequest.objects.get(kind="correction")
    # Then it is not flagged for dismissal
    expect(counter.get_by_role("alert")).to_have_count(0)

    # When another correction follows a disclosure carried out 100 days ago
    SubjectRequest.objects.filter(pk=disclosure.pk).update(disclosed_on=today - timedelta(days=100))
    counter.goto("/requests/new/")
    counter.get_by_label("請求の種類").select_option(label="訂正")
    counter.get_by_label("受付方法").select_option(label="郵送")
    counter.get_by_label("加入者番号").fill(subscriber.number)
    counter.get_by_label("前提となる開示請求の受付番号").fill(disclosure.number)
    counter.get_by_label("請求の内容").fill("住所の訂正")
    counter.get_by_role("button", name="保存").click()
    late = SubjectRequest.objects.exclude(pk=in_time.pk).get(kind="correction")
    # Then the page says it must be dismissed, and the officer dismisses it
    expect(counter.get_by_role("alert")).to_contain_text("90日")
    desk.goto(f"/requests/{late.pk}/")
    dismiss = action_form(desk, "却下：不適法な請求（責任者）")
    dismiss.get_by_label("決定の理由").fill("開示を受けた日から90日を経過した後の請求であるため")
    save(dismiss)
    confirm(desk, "却下：不適法な請求（責任者）")
    expect(desk.get_by_role("status")).to_be_visible()
    dismissal = letter(desk, "決定通知書（PDF）")
    assert "却下決定通知書" in dismissal and "審査請求" in dismissal

    # When the requester appeals the partial disclosure, the officer records it and consults the board
    desk.goto(f"/requests/{disclosure.pk}/")
    reply = action_form(desk, "回答送付の記録")
    reply.get_by_label("回答の方法").select_option(index=0)
    save(reply)
    desk.get_by_role("link", name="審査請求の受付").click()
    expect(desk.get_by_label("審査請求に係る請求の受付番号")).to_have_value(disclosure.number)
    desk.get_by_label("処分を知った日").fill(today.isoformat())
    desk.get_by_label("審査請求の趣旨及び理由").fill("職業欄の不開示の取消しを求める")
    desk.get_by_role("button", name="保存").click()
    expect(desk).to_have_url(re.compile(r"/appeals/\d+/$"))
    appeal = Appeal.objects.get()
    assert appeal.within_period
    consult = action_form(desk, "審査会への諮問")
    consult.get_by_label("審査会への諮問日").fill(today.isoformat())
    consult.get_by_label("諮問をした旨の通知日").fill(today.isoformat())
    save(consult)
    assert "第105条" in letter(desk, "諮問通知書（PDF）")
    report = action_form(desk, "答申の受領を記録")
    report.get_by_label("答申日").fill(today.isoformat())
    report.get_by_label("答申の結論").fill("職業欄は開示すべきである")
    save(report)
    rule = action_form(desk, "裁決")
    rule.get_by_label("認容（処分を取り消す）").check()
    rule.get_by_label("裁決日").fill(today.isoformat())
    rule.get_by_label("裁決の理由").fill("答申のとおり")
    save(rule)
    confirm(desk, "裁決")

    # Then the ruling is printed, and the disclosure request awaits a new decision
    assert "処分を取り消す" in letter(desk, "裁決書（PDF）")
    disclosure.refresh_from_db()
    assert disclosure.status == SubjectRequest.Status.UNDER_REVIEW and disclosure.reopened_on == today
    desk.goto("/dashboard/")
    expect(desk.get_by_role("link", name=disclosure.number)).to_be_visible()
