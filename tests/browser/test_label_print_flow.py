"""A clerk prints address labels for a notice: chooses the label stock, prints a few at once, then the whole set,
which a real worker makes while the page shows its progress, and downloads it when ready (issue 18 item 12)."""

import re

import pytest
from playwright.sync_api import Page, expect

from subscribers.models import Subscriber
from tests.browser.test_registry_flow import field, log_in
from tests.factories import PASSWORD, SubscriberFactory
from tests.pdf import needs_poppler, pdf_pages

pytestmark = [
    pytest.mark.browser,
    needs_poppler,
    pytest.mark.usefixtures("transactional_db", "django_db_serialized_rollback"),
]
NOTICES = "施設の業務に関する通知"
MAKING = 120_000  # ms: a worker on a busy machine makes 480 labels in well under this


@pytest.fixture(autouse=True)
def print_jobs_dir(settings, tmp_path):
    settings.PRINT_JOBS_DIR = tmp_path / "print-jobs"


@pytest.fixture
def celery_worker_env(tmp_path):
    return {"PRINT_JOBS_DIR": str(tmp_path / "print-jobs")}


def open_print_page(page: Page) -> None:
    page.goto("/purposes/")
    page.get_by_role("row").filter(has_text=NOTICES).get_by_role("link", name="宛名ラベル").click()
    expect(page.get_by_role("heading", name=re.compile("宛名ラベル"))).to_contain_text(NOTICES)


def download_pdf(page: Page, click) -> bytes:
    with page.expect_download() as download:
        click()
    with open(download.value.path(), "rb") as handle:
        return handle.read()


def names_per_line(text: str) -> list[int]:
    return [len(re.findall(r"様", line)) for line in text.splitlines() if "様" in line]


def test_a_few_labels_print_at_once_from_the_first_free_label_of_the_chosen_sheet(page: Page, clerk):
    for i in range(3):
        SubscriberFactory.create(family_name="宛名", given_name=f"太郎{i:02d}")
    log_in(page, clerk.username, PASSWORD)
    open_print_page(page)

    field(page, "ラベル用紙").select_option(label="A4 12面（2列×6段、86.4×42.3mm）")
    field(page, "印刷を始めるラベルの位置").fill("2")
    pdf = download_pdf(page, page.get_by_role("button", name="ラベルを印刷").click)

    (sheet,) = pdf_pages(pdf)
    assert names_per_line(sheet) == [1, 2]  # label 2 is the right one of the first row, then a full row


def test_the_whole_set_is_made_in_the_background_with_a_progress_bar_then_downloaded(page: Page, clerk, celery_worker):
    Subscriber.objects.bulk_create(SubscriberFactory.build_batch(480))
    log_in(page, clerk.username, PASSWORD)
    open_print_page(page)
    expect(page.get_by_text("利用できる加入者は480人")).to_be_visible()

    # When the clerk chooses the 24-label stock and prints all of them
    field(page, "ラベル用紙").select_option(label="A4 24面（3列×8段、66.0×33.9mm）")
    page.get_by_role("button", name="ラベルを印刷").click()

    # Then the print's page shows its progress while a worker makes it
    expect(page.get_by_role("progressbar", name="進捗")).to_be_visible()
    expect(page.get_by_text(re.compile(r"20枚中\d+枚"))).to_be_visible()

    # and, by itself, the download once it is ready
    download = page.get_by_role("link", name="ラベルをダウンロード（PDF）")
    expect(download).to_be_visible(timeout=MAKING)
    expect(page.get_by_text("サーバーから削除されます")).to_be_visible()
    pages = pdf_pages(download_pdf(page, download.click))
    assert len(pages) == 20 and names_per_line(pages[0]) == [3] * 8 and names_per_line(pages[-1]) == [3] * 8

    # and the print page lists it among the clerk's prints
    open_print_page(page)
    expect(page.get_by_role("table", name="あなたのラベル印刷")).to_contain_text("ダウンロードできます")
