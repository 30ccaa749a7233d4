"""Retention in a real chromium: an officer reads on the proposals page what the next disposal would take and what
stays and why, approves last night's proposal of closed work orders, and reads the disposal record in words."""

import re
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from privacy.models import LegalHold, WorkOrder
from privacy.services.retention import disposal_propose
from tests.browser.menu import go_by_menu
from tests.browser.test_request_flow import logged_in_page
from tests.factories import WorkOrderFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def _closed_in_2020() -> WorkOrder:
    order = WorkOrderFactory.create()
    WorkOrder.objects.filter(pk=order.pk).update(
        status="closed", closed_at=timezone.make_aware(datetime(2020, 6, 1, 12)), sheet_disposition="destroyed"
    )
    return order


def test_an_officer_sees_what_stays_and_why_then_approves_and_reads_the_record_in_words(
    browser: Browser, live_server, officer, clerk
):
    # Given two work orders closed in 2020 (past their 3 years), one for a subscriber under a litigation hold,
    # and last night's proposal
    gone = _closed_in_2020()
    held = _closed_in_2020()
    LegalHold.objects.create(kind="litigation", subscriber=held.subscriber, reason="訴訟", placed_by=clerk)
    disposal_propose(today=timezone.localdate(), record_class="work_order")

    # When the officer opens the retention page
    desk = logged_in_page(browser, live_server, officer.username)
    go_by_menu(desk, "管理・監査", "保存期間")

    # Then the outlook says, for closed work orders, 2 past their period, 1 to go, 1 kept by the hold
    outlook = desk.get_by_role("table", name="次の廃棄候補の見通し（廃棄されるもの・保存を続けるもの）")
    row = outlook.get_by_role("row").filter(has_text="完了・取消した工事")
    expect(row.get_by_role("cell")).to_have_text(["完了・取消した工事", "2", "1", "加入者についての保存の指定：1件"])

    # When the officer opens the proposal and approves it
    desk.get_by_role("table", name="廃棄の実施").locator("tbody").get_by_role("link").first.click()
    desk.get_by_role("button", name="廃棄を承認").click()

    # Then, before anything goes, the page lists what will: the one work order, and the rows per table in words
    expect(desk.get_by_role("heading", name="廃棄する記録")).to_be_visible()
    expect(desk.get_by_role("table").last.get_by_role("row")).to_have_count(2)  # the heading row and the one
    expect(desk.get_by_text("privacy_")).to_have_count(0)
    desk.get_by_role("button", name=re.compile("承認して1件を廃棄")).click()

    # Then the disposal record counts the rows removed in words, and only the unheld work order went
    expect(desk).to_have_url(re.compile(r"/retention/\d+/$"))
    counts = desk.get_by_role("table", name="記録ごとの削除件数")
    expect(counts.get_by_role("row").filter(has_text="工事（履歴）")).to_contain_text("2")
    expect(counts).not_to_contain_text("privacy_")
    assert list(WorkOrder.objects.values_list("pk", flat=True)) == [held.pk]
    assert gone.pk != held.pk
