"""A clerk hands over a long disclosure (issue 20): the PDF button asks first, a real worker makes the file while its
page shows the progress, the download appears by itself, and the request's page lists the file and the hand-over."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_label_print_flow import MAKING, download_pdf
from tests.browser.test_registry_flow import log_in
from tests.factories import PASSWORD, granted_disclosure
from tests.pdf import needs_poppler, pdf_pages
from tests.privacy.test_disclosure_prints import LINES

pytestmark = [
    pytest.mark.browser,
    needs_poppler,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]


@pytest.fixture(autouse=True)
def print_jobs_dir(settings, tmp_path):
    settings.PRINT_JOBS_DIR = tmp_path / "print-jobs"


@pytest.fixture(autouse=True)
def small_max(settings):
    settings.DISCLOSURE_SYNC_MAX_LINES = 3


@pytest.fixture
def celery_worker_env(tmp_path):
    return {"PRINT_JOBS_DIR": str(tmp_path / "print-jobs")}


def test_a_long_disclosure_is_made_in_the_background_then_downloaded(page: Page, clerk, officer, celery_worker):
    # Given a disclosure granted for a person with five provision records, over the three printed at once
    request = granted_disclosure(clerk, officer)
    log_in(page, clerk.username, PASSWORD)
    page.goto(f"/requests/{request.pk}/")

    # When the clerk presses the PDF button, then the page asks first, naming the count
    page.get_by_role("button", name="保有個人情報開示書（PDF）").click()
    expect(page.get_by_text("バックグラウンドで作成します")).to_be_visible()

    # When they confirm, then the print's page shows its progress, and by itself the download once it is ready
    page.get_by_role("button", name=f"開示文書を作成する（提供記録 {LINES}件）").click()
    expect(page.get_by_role("heading", name=re.compile("開示"))).to_contain_text(request.number)
    download = page.get_by_role("button", name="開示文書をダウンロード（PDF）")
    expect(download).to_be_visible(timeout=MAKING)
    expect(page.get_by_text("請求の記録にも開示文書の交付として記録されます")).to_be_visible()
    text = "".join("".join(page_text.split()) for page_text in pdf_pages(download_pdf(page, download.click)))
    assert all(f"修理（W{n}）" in text for n in range(LINES)) and request.subscriber.number in text

    # and the request's page lists the file, and the hand-over among its events
    page.get_by_role("link", name="請求に戻る").click()
    expect(page.get_by_role("note").filter(has_text="作成中又は作成済みの開示文書")).to_contain_text(
        f"提供記録 {LINES}件"
    )
    assert request.events.filter(kind="disclosure_handed_over").count() == 1
