"""An office moving in imports its register, as the officer clicks it in a real chromium (issue 19): the menu, the
upload of a CP932 CSV, the preview of the columns and first rows, the check, the confirmed import, and the
subscribers found in the register."""

import pytest
from playwright.sync_api import Page, expect

from subscribers.models import Subscriber
from tests.browser.menu import go_by_menu
from tests.browser.test_registry_flow import log_in
from tests.factories import PASSWORD
from tests.subscribers.import_files import csv_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.REGISTER_IMPORTS_DIR = tmp_path / "imports"


def test_the_officer_uploads_checks_and_imports_the_register_then_finds_the_subscribers(page: Page, officer, tmp_path):
    register = tmp_path / "台帳.csv"
    register.write_bytes(csv_bytes(encoding="cp932"))
    log_in(page, officer.username, PASSWORD)

    # The officer opens the imports from the menu and uploads the office's register
    go_by_menu(page, "管理・監査", "台帳の取込")
    expect(page.get_by_role("heading", level=1)).to_have_text("台帳の取込")
    page.get_by_role("link", name="台帳ファイルの取込").click()
    page.get_by_label("台帳ファイル").set_input_files(str(register))
    page.get_by_role("button", name="読み込んで確認する").click()

    # The preview shows how each column is read and the first rows, as written in the file
    expect(page.get_by_role("heading", level=1)).to_contain_text("IMP-")
    mapping = page.get_by_role("table").filter(has_text="ファイルの列")
    expect(mapping.get_by_role("row").filter(has_text="フリガナ")).to_contain_text("フリガナ（セイとメイを1列に）")
    expect(page.get_by_role("table", name="最初の数行")).to_contain_text("山田　太郎")
    assert Subscriber.objects.count() == 0

    # The check writes nothing and says what an import would do
    page.get_by_role("button", name="ファイルを点検する（何も登録しません）").click()
    expect(page.locator("#import-status")).to_have_text("点検済み")
    expect(page.locator("#import-counts")).to_have_text("新規登録 3件、更新 0件、変更なし 0件、受付不可 0件")
    assert Subscriber.objects.count() == 0

    # Confirmed, the import writes the three subscribers
    page.get_by_label("点検結果を確認し、このファイルを台帳に取り込みます").check()
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator("#import-status")).to_have_text("取込済み")
    assert Subscriber.objects.filter(legacy_key__in=["A-001", "A-002", "A-003"]).count() == 3

    # and the register shows them, found as anyone registered
    page.get_by_role("link", name="加入者台帳を開く").click()
    page.get_by_role("searchbox").fill("やまだ")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_contain_text("山田 太郎")
