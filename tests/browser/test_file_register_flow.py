"""The 個人情報ファイル簿 in a real chromium: a reworded purpose makes a draft by itself; the officer reviews what
changes and approves it; the public register (no login) then shows it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from privacy.models import FileRegisterVersion, Purpose
from tests.browser.menu import go_by_menu
from tests.browser.test_request_flow import logged_in_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


def test_a_reworded_purpose_reaches_the_public_register_only_after_the_officer_approves(
    browser: Browser, live_server, officer
):
    from tests.browser.conftest import OFFICE_VIEWPORT

    # Given a purpose of use reworded in the configuration (the commit makes the draft)
    purpose = Purpose.objects.in_force(timezone.localdate()).first()
    purpose.description = "加入申込み、工事及び料金の請求のため（第2版）"
    purpose.save()
    draft = FileRegisterVersion.objects.get(status=FileRegisterVersion.Status.DRAFT)

    # When a resident opens the public register, nothing is published yet
    public = browser.new_context(base_url=live_server.url, viewport=OFFICE_VIEWPORT, locale="ja-JP").new_page()
    public.goto("/privacy/files/")
    expect(public.get_by_role("heading", level=1)).to_have_text("個人情報ファイル簿")
    expect(public.locator("main")).not_to_contain_text("（第2版）")

    # When the officer reviews the draft, the reworded purpose is shown as a change
    desk = logged_in_page(browser, live_server, officer.username)
    go_by_menu(desk, "管理・監査", "個人情報ファイル簿")
    expect(desk).to_have_url(re.compile(r"/file-register/$"))
    expect(desk.locator("main")).to_contain_text("（第2版）")
    approve = desk.get_by_role("form", name="承認して公表")
    # Approving without the confirmation publishes nothing
    approve.get_by_role("button", name="承認して公表").click()
    expect(desk.get_by_role("status")).to_contain_text("確認")
    desk.get_by_role("form", name="承認して公表").get_by_role("checkbox").check()
    desk.get_by_role("form", name="承認して公表").get_by_role("button", name="承認して公表").click()
    expect(desk.locator("main")).to_contain_text(f"第{draft.number}版")

    # Then the public register shows it, with its PDF and CSV
    public.reload()
    expect(public.locator("main")).to_contain_text("（第2版）")
    response = public.request.get(f"/privacy/files/{draft.number}.csv")
    assert response.ok and "個人情報ファイルの名称" in response.body().decode("utf-8-sig")
