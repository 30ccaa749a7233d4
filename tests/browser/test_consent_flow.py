"""A clerk records a subscriber's consent to an unstated purpose; the export for that purpose then includes them."""

import csv
import io
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from privacy.models import Purpose
from tests.browser.test_registry_flow import field, log_in
from tests.factories import PASSWORD, SubscriberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def export_rows(page: Page, purpose_title: str) -> list[list[str]]:
    page.goto("/purposes/")
    row = page.get_by_role("row").filter(has_text=purpose_title)
    with page.expect_download() as download:
        row.get_by_role("button", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        return list(csv.reader(io.StringIO(handle.read())))


def test_a_recorded_consent_puts_the_subscriber_into_that_purposes_export(page: Page, clerk):
    # Given a purpose the declaration does not state, and a subscriber who has not consented to it
    Purpose.objects.create(
        code="survey",
        title="視聴動向アンケート",
        description="番組改善のための調査",
        items=["number", "name", "address"],
        since=date(2026, 1, 1),
    )
    subscriber = SubscriberFactory.create(family_name="同意", given_name="太郎")
    log_in(page, clerk.username, PASSWORD)

    # Then the export for that purpose leaves them out
    assert [r[0] for r in export_rows(page, "視聴動向アンケート")[1:]] == []

    # When the clerk records the consent the subscriber gave on a paper form
    page.goto(f"/subscribers/{subscriber.pk}/")
    page.get_by_role("link", name="同意の記録").click()
    field(page, "利用目的").select_option(label="視聴動向アンケート")
    field(page, "利用者（説明した内容）").fill("三沢市ケーブルテレビジョン")
    field(page, "利用目的（説明した内容）").fill("番組改善のためのアンケート送付")
    field(page, "同意の方法").select_option(label="書面")
    page.get_by_role("button", name="保存").click()

    # Then the subscriber's page lists the consent
    expect(page.get_by_role("table", name="その他の目的への同意（宣言2(3)）")).to_contain_text("視聴動向アンケート")

    # and the export for the purpose now holds them
    rows = export_rows(page, "視聴動向アンケート")
    assert rows[0] == ["加入者番号", "氏名", "住所"]
    assert [(r[0], r[1]) for r in rows[1:]] == [(subscriber.number, "同意 太郎")]
