"""Training, the self-inspection and the audit in a real chromium: the officer records a session and the dashboard's
warning goes; the department's inspection is answered (a question not met without its remedy is refused, keeping
what was typed) and completed; the auditor writes a finding and the officer answers it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from privacy.models import AuditFinding, SelfInspection
from tests.browser.test_request_flow import logged_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def test_training_inspection_and_audit_through_the_pages(browser: Browser, live_server, officer, clerk, auditor):
    desk = logged_in_page(browser, live_server, officer.username)

    # Given nobody trained this year, the dashboard warns and names the clerk
    desk.goto("/dashboard/")
    warning = desk.locator("#untrained-staff")
    expect(warning).to_contain_text("今年度の研修を受講していません")
    expect(warning).to_contain_text(str(clerk))

    # When the officer records a session attended by everyone
    desk.get_by_role("link", name="研修・点検").first.click()
    desk.get_by_role("link", name="研修を記録する").click()
    desk.get_by_label("研修名").fill("個人情報保護研修")
    desk.get_by_label("教材・資料").fill("研修資料（情報室書庫）")
    for person in (officer, clerk, auditor):
        desk.get_by_label(re.compile(str(person))).check()
    desk.get_by_role("button", name="研修を記録する").click()
    expect(desk.get_by_role("status")).to_contain_text("受講者3人")

    # Then the dashboard no longer warns
    desk.goto("/dashboard/")
    expect(desk.locator("#untrained-staff")).to_have_count(0)

    # When the officer starts the department's inspection and marks a question not met without its remedy
    desk.goto("/accountability/")
    desk.get_by_role("button", name="自己点検を開始する").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("自己点検")
    results = desk.locator("select[name$='-result']")
    for n in range(results.count()):
        results.nth(n).select_option("met")
    first = desk.locator("tbody tr").first
    first.locator("select").select_option("not_met")
    first.locator("textarea[name$='-finding']").fill("書庫が施錠されていない")
    desk.get_by_role("button", name="回答を保存する").click()

    # Then nothing is saved and what was typed is still there
    expect(desk.locator("main")).to_contain_text("改善措置及びその期限")
    expect(desk.locator("tbody tr").first.locator("textarea[name$='-finding']")).to_have_value("書庫が施錠されていない")

    # When the remedy and its due date are added, saved, and the inspection completed
    first = desk.locator("tbody tr").first
    first.locator("textarea[name$='-remedy']").fill("施錠と鍵の管理簿")
    first.locator("input[name$='-remedy_due_on']").fill(f"{timezone.localdate().year + 1}-01-31")
    desk.get_by_role("button", name="回答を保存する").click()
    expect(desk.get_by_role("status")).to_contain_text("回答を保存しました")
    desk.get_by_role("button", name="自己点検を完了する").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("点検完了")
    assert SelfInspection.objects.get().status == "completed"

    # When the auditor writes a finding
    audit = logged_in_page(browser, live_server, auditor.username)
    audit.goto("/accountability/")
    audit.get_by_role("link", name="監査の指摘事項を記入する").click()
    audit.get_by_label("部署").select_option(label=str(officer.department))
    audit.get_by_label("指摘事項").fill("作業票の回収記録に漏れがある")
    audit.get_by_role("button", name="指摘事項を記録する").click()
    expect(audit.locator("table[aria-labelledby='audit']")).to_contain_text("回答待ち")

    # Then the officer answers it and the auditor sees the answer
    desk.goto("/accountability/")
    desk.get_by_role("link", name="回答する").click()
    desk.get_by_label("部署の回答").fill("回収確認の手順書を作成した")
    desk.get_by_role("button", name="回答を記録する").click()
    expect(desk.get_by_role("status")).to_contain_text("部署の回答を記録しました")
    audit.reload()
    expect(audit.locator("table[aria-labelledby='audit']")).to_contain_text("回収確認の手順書を作成した")
    assert AuditFinding.objects.get().answered_by == officer
