"""Address labels on real label stock (issue 18 item 12): the sheets' layout read back page by page, the direct
print, and the large print made by a worker with its progress, download, logs, expiry and who may fetch it."""

import os
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from privacy import address_labels, pdf
from privacy.address_labels import labels_pdf
from privacy.label_sheets import SHEETS
from privacy.models import AccessLog, BulkUse, PrintJob
from privacy.roles import Role
from privacy.services import label_prints, print_jobs
from privacy.tasks import delete_expired_print_jobs, make_print_job
from tests.factories import SubscriberFactory, UserFactory
from tests.pdf import assert_japanese_font_embedded, embedded_fonts, needs_poppler, pdf_pages, pdf_text


@pytest.fixture(autouse=True)
def print_jobs_dir(settings, tmp_path):
    settings.PRINT_JOBS_DIR = tmp_path / "print-jobs"
    return settings.PRINT_JOBS_DIR


@pytest.fixture
def celery_worker_env(tmp_path):
    """The real worker writes where this test reads."""
    return {"PRINT_JOBS_DIR": str(tmp_path / "print-jobs")}


@pytest.fixture
def small_max(settings):
    settings.LABELS_SYNC_MAX = 5


def _people(n: int, **kwargs):
    """Subscribers named 宛名 太郎00, 太郎01 …, in the order they are printed (postal code, then number)."""
    return [SubscriberFactory.create(family_name="宛名", given_name=f"太郎{i:02d}", **kwargs) for i in range(n)]


def _print(client, code="notices", **data):
    form = {"status": "", "district": "", "sheet": "a4-12", "start": "1", **data}
    return client.post(reverse("privacy:label_print", args=[code]), form)


def _rows(page: str) -> list[list[tuple[int, int]]]:
    """Each text line holding names, as (column on the line, label number) of each name on it."""
    rows = []
    for line in page.splitlines():
        names = [(m.start(), int(m.group(1))) for m in re.finditer(r"太郎(\d\d)", line)]
        if names:
            rows.append(names)
    return rows


# --- the stock -------------------------------------------------------------------------------------------------


def test_the_stock_is_laid_out_row_by_row_and_fits_a4():
    twelve, twenty_four = SHEETS["a4-12"], SHEETS["a4-24"]
    assert (twelve.columns, twelve.rows, twenty_four.columns, twenty_four.rows) == (2, 6, 3, 8)
    for sheet in SHEETS.values():
        # the published layouts: labels touching, equal margins left and right, top and bottom
        width, height = sheet.page
        assert sheet.left(sheet.columns - 1) + sheet.label_width + sheet.margin_left == width
        assert sheet.top(sheet.rows - 1) + sheet.label_height + sheet.margin_top == height
    pages = twelve.pages(list(range(13)))
    assert [len(p) for p in pages] == [12, 1]
    assert pages[0][:3] == [(0, 0, 0), (1, 0, 1), (0, 1, 2)] and pages[1] == [(0, 0, 12)]
    assert twelve.pages(list(range(2)), start=12) == [[(1, 5, 0)], [(0, 0, 1)]]
    assert (twelve.sheets_for(13), twelve.sheets_for(12, start=2), twenty_four.sheets_for(0)) == (2, 2, 0)


@needs_poppler
@pytest.mark.django_db
def test_each_sheet_laid_out_is_heard_of_for_the_progress_bar():
    heard = []
    labels_pdf(_people(13), sheet=SHEETS["a4-12"], with_number=False, on_sheet=lambda n, of: heard.append((n, of)))
    assert heard == [(1, 2), (2, 2)]


# --- the direct print, read back page by page ----------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_thirteen_labels_on_a_12_sheet_fill_two_columns_of_six_then_one_on_the_second_sheet(clerk_client):
    _people(13)

    response = _print(clerk_client, sheet="a4-12")

    assert response["Content-Type"] == "application/pdf"
    first, second = pdf_pages(response.content)
    rows = _rows(first)
    assert [[n for _at, n in row] for row in rows] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]
    left, right = {row[0][0] for row in rows}, {row[1][0] for row in rows}
    assert len(left) == len(right) == 1 and max(left) < min(right)  # two straight columns, left then right
    assert _rows(second) == [[(min(left), 12)]]  # the 13th alone, top left of the next sheet
    assert_japanese_font_embedded(response.content)
    fonts = embedded_fonts(response.content)
    assert len(fonts) == len(set(fonts))  # each font embedded (subset) once for the whole document
    use = BulkUse.objects.get()
    assert (use.kind, use.count) == ("labels_pdf", 13)
    assert AccessLog.objects.filter(action="export", detail__export_no=use.export_no).count() == 13


@needs_poppler
@pytest.mark.django_db
def test_a_print_laid_out_a_part_at_a_time_joins_the_sheets_in_order(monkeypatch):
    # Given sheets laid out one at a time (fifty in the office), and 30 labels for sheets of 12
    monkeypatch.setattr(address_labels, "SHEETS_PER_PART", 1)
    people = _people(30)
    heard = []

    # When they are printed
    pdf = labels_pdf(people, sheet=SHEETS["a4-12"], with_number=False, on_sheet=lambda n, of: heard.append((n, of)))

    # Then three sheets come out joined, every label in its place and in order, and progress counted across parts
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    assert [n for page in pages for row in _rows(page) for _at, n in row] == list(range(30))
    assert heard == [(1, 3), (2, 3), (3, 3)]
    assert_japanese_font_embedded(pdf)


@needs_poppler
@pytest.mark.django_db
@pytest.mark.parametrize("processes, pools", [(2, ["spawn"]), (1, [])])
def test_the_parts_are_laid_out_by_as_many_processes_as_the_setting_says(monkeypatch, settings, processes, pools):
    # Given sheets laid out one at a time, and PDF_PROCESSES processes to lay them out
    monkeypatch.setattr(address_labels, "SHEETS_PER_PART", 1)
    settings.PDF_PROCESSES = processes
    started, get_context = [], pdf.billiard.get_context
    monkeypatch.setattr(pdf.billiard, "get_context", lambda method: started.append(method) or get_context(method))

    # When 30 labels are printed, 12 a sheet
    made = labels_pdf(_people(30), sheet=SHEETS["a4-12"], with_number=False)

    # Then a pool of fresh processes laid the parts out when there are two or more, and the sheets are in order
    assert started == pools
    assert [n for page in pdf_pages(made) for row in _rows(page) for _at, n in row] == list(range(30))


@needs_poppler
@pytest.mark.django_db
def test_a_part_whose_layout_process_is_lost_is_laid_out_again_and_the_print_is_whole(monkeypatch, settings, caplog):
    # Given sheets laid out one at a time by two processes, the second part's process dying as if killed
    monkeypatch.setattr(address_labels, "SHEETS_PER_PART", 1)
    settings.PDF_PROCESSES = 2
    get_context = pdf.billiard.get_context

    class SecondPartLost:
        def __init__(self, pool):
            self.pool, self.calls = pool, 0

        def apply_async(self, func, args):
            self.calls += 1
            return self.pool.apply_async(os._exit, (1,)) if self.calls == 2 else self.pool.apply_async(func, args)

        def __getattr__(self, name):
            return getattr(self.pool, name)

    monkeypatch.setattr(
        pdf.billiard,
        "get_context",
        lambda method: SimpleNamespace(Pool=lambda n: SecondPartLost(get_context(method).Pool(n))),
    )

    # When 30 labels are printed, 12 a sheet
    with caplog.at_level("WARNING", logger="privacy.pdf"):
        made = labels_pdf(_people(30), sheet=SHEETS["a4-12"], with_number=False)

    # Then the lost part was laid out again and the print is whole, in order
    assert "laid out again" in caplog.text
    assert [n for page in pdf_pages(made) for row in _rows(page) for _at, n in row] == list(range(30))


@needs_poppler
@pytest.mark.django_db
def test_twenty_five_labels_on_a_24_sheet_fill_three_columns_of_eight(clerk_client):
    _people(25)

    pages = pdf_pages(_print(clerk_client, sheet="a4-24").content)

    assert len(pages) == 2
    rows = _rows(pages[0])
    assert [[n for _at, n in row] for row in rows] == [[3 * r, 3 * r + 1, 3 * r + 2] for r in range(8)]
    columns = [{row[c][0] for row in rows} for c in range(3)]
    assert all(len(c) == 1 for c in columns) and max(columns[0]) < min(columns[1]) <= max(columns[1]) < min(columns[2])
    assert _rows(pages[1]) == [[(min(columns[0]), 24)]]


@needs_poppler
@pytest.mark.django_db
def test_a_partly_used_sheet_is_printed_from_the_first_free_label(clerk_client):
    _people(3)

    (page,) = pdf_pages(_print(clerk_client, sheet="a4-12", start="4").content)

    (first,), (second, third) = _rows(page)  # label 4 is the right one of the second row
    assert first[1] == 0 and first[0] > second[0] and (second[1], third[1]) == (1, 2)


@pytest.mark.django_db
def test_a_first_label_beyond_the_sheet_is_refused_and_nothing_is_printed(clerk_client):
    _people(2)
    response = _print(clerk_client, sheet="a4-12", start="13")
    assert response.status_code == 200 and "12" in response.content.decode()
    assert not BulkUse.objects.exists() and not AccessLog.objects.exists()


# --- a large print, made by a worker ---------------------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_a_large_print_is_made_in_the_background_logged_and_downloaded_once_ready(
    clerk_client, clerk, small_max, django_capture_on_commit_callbacks
):
    people = _people(8)

    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: made once the request commits
        response = _print(clerk_client, sheet="a4-24")

    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:print_job", args=[job.pk])
    assert (job.status, job.count, job.sheets, job.sheets_done, job.percent) == ("ready", 8, 1, 1, 100)
    status = clerk_client.get(reverse("privacy:print_job_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100
    download_url = reverse("privacy:print_job_download", args=[job.pk])
    assert download_url in clerk_client.get(reverse("privacy:print_job", args=[job.pk])).content.decode()
    # made: logged as the direct print is, one bulk use and a row per subscriber naming the file
    use = BulkUse.objects.get()
    assert (use.kind, use.count, use.export_no, use.user) == ("labels_pdf", 8, job.export_no, clerk)
    assert AccessLog.objects.filter(detail__export_no=job.export_no).count() == 8

    download = clerk_client.get(download_url)

    assert download["Content-Type"] == "application/pdf"
    assert f"export{job.export_no}.pdf" in download["Content-Disposition"]
    text = "".join(pdf_text(download.content).split())
    assert all(f"宛名太郎{i:02d}様" in text for i in range(8))
    # and each download is logged again, by who fetched it
    fetched = AccessLog.objects.filter(detail__download=str(job.pk))
    assert set(fetched.values_list("subscriber_number", flat=True)) == {p.number for p in people}
    assert {(r.user_id, r.action, r.detail["export_no"]) for r in fetched} == {(clerk.pk, "export", job.export_no)}
    assert set(fetched[0].detail["items"]) == {"number", "name", "address"}
    job.refresh_from_db()
    assert job.downloads == 1


@pytest.mark.django_db
def test_a_waiting_print_shows_a_progress_bar_that_a_static_script_follows(clerk_client, small_max):
    _people(6)
    _print(clerk_client)  # not committed: nothing has run it yet
    job = PrintJob.objects.get()

    page = clerk_client.get(reverse("privacy:print_job", args=[job.pk])).content.decode()

    assert '<progress id="print-progress" max="100" value="0"' in page and "js/print_job.js" in page
    assert "<script>" not in page  # the Content-Security-Policy runs no inline script
    status = clerk_client.get(reverse("privacy:print_job_status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["finished"]) == ("queued", 0, False)
    assert clerk_client.get(reverse("privacy:print_job_download", args=[job.pk])).status_code == 404


@needs_poppler
@pytest.mark.django_db
def test_the_progress_is_written_as_the_sheets_are_laid_out(clerk_client, small_max, monkeypatch):
    _people(30)
    _print(clerk_client)  # 30 labels on 12 a sheet: 3 sheets
    job = PrintJob.objects.get()
    seen = []
    render = label_prints.labels_pdf

    def watched(rows, *, on_sheet, **kwargs):
        def hear(n, of):
            on_sheet(n, of)
            seen.append(PrintJob.objects.values_list("status", "sheets_done", "sheets").get(pk=job.pk))

        return render(rows, on_sheet=hear, **kwargs)

    monkeypatch.setattr(label_prints, "labels_pdf", watched)

    assert make_print_job(str(job.pk)) is True

    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]
    job.refresh_from_db()
    assert (job.status, job.sheets_done, job.percent) == ("ready", 3, 100)


@pytest.mark.django_db
def test_progress_heard_a_part_at_a_time_is_written_whenever_a_step_is_crossed(clerk_client, small_max):
    # Given a running job of 834 sheets (a step of 16 sheets), whose parts of 50 sheets are laid out side by side
    _people(6)
    _print(clerk_client)
    job = PrintJob.objects.get()
    PrintJob.objects.filter(pk=job.pk).update(status="running")
    on_page = print_jobs.job_started(job, count=6, pages=834)

    # When the first part is done, and then the second, then the page is told each time
    on_page(50)
    assert PrintJob.objects.values_list("sheets_done", flat=True).get() == 49
    on_page(100)
    assert PrintJob.objects.values_list("sheets_done", flat=True).get() == 99


@needs_poppler
@pytest.mark.django_db
def test_the_worker_applies_the_purposes_rule_again_and_is_idempotent(clerk_client, small_max):
    people = _people(7)
    _print(clerk_client)
    job = PrintJob.objects.get()
    # a use suspended after the print was asked for, before a worker took it
    people[3].use_suspended_on = timezone.localdate()
    people[3].save()

    assert make_print_job(str(job.pk)) is True

    job.refresh_from_db()
    assert job.count == 6 and people[3].number not in {number for _pk, number in job.printed}
    assert people[3].number not in AccessLog.objects.values_list("subscriber_number", flat=True)
    made = print_jobs.job_file(job).read_bytes()
    # the same message again (redelivered, a second worker): nothing more is made or logged
    assert make_print_job(str(job.pk)) is False
    assert BulkUse.objects.count() == 1 and AccessLog.objects.count() == 6
    assert print_jobs.job_file(job).read_bytes() == made


@pytest.mark.django_db
def test_a_print_a_lost_worker_left_running_is_made_again(clerk_client, small_max):
    _people(6)
    _print(clerk_client)
    job = PrintJob.objects.get()
    PrintJob.objects.filter(pk=job.pk).update(status="running", sheets_done=0)

    assert make_print_job(str(job.pk)) is True
    assert PrintJob.objects.get().status == "ready"


@pytest.mark.django_db
def test_a_print_the_queue_would_not_take_says_so(
    clerk_client, small_max, monkeypatch, django_capture_on_commit_callbacks
):
    _people(6)

    def refuse(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(make_print_job, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = _print(clerk_client)

    job = PrintJob.objects.get()
    assert response.status_code == 302 and (job.status, job.error) == ("failed", "OSError: not queued")
    assert "もう一度" in clerk_client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_direct_link_sends_a_large_print_to_the_print_page_and_makes_nothing(clerk_client, small_max):
    _people(6)
    response = clerk_client.get(reverse("privacy:purpose_labels", args=["notices"]), {"sheet": "a4-24"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:label_print", args=["notices"]))
    assert not PrintJob.objects.exists() and not BulkUse.objects.exists()


@pytest.mark.django_db
def test_only_the_one_who_asked_sees_or_fetches_the_print(
    client, clerk, auditor, contractor_user, small_max, django_capture_on_commit_callbacks
):
    _people(6)
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        _print(client)
    job = PrintJob.objects.get()
    names = ("privacy:print_job", "privacy:print_job_status", "privacy:print_job_download")
    urls = [reverse(name, args=[job.pk]) for name in names]
    other_clerk = UserFactory.create(username="clerk2", department=clerk.department)
    other_clerk.groups.add(Group.objects.get(name=Role.CLERK))

    client.force_login(other_clerk)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(auditor)  # may not export at all
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(contractor_user)  # confined to the portal
    assert {client.get(url)["Location"] for url in urls} == {reverse("portal:home")}
    client.logout()
    assert all(client.get(url)["Location"].startswith(reverse("login")) for url in urls)
    assert not AccessLog.objects.filter(detail__download=str(job.pk)).exists()


@pytest.mark.django_db
def test_a_print_is_deleted_with_its_file_once_its_time_is_up(
    clerk_client, clerk, small_max, settings, print_jobs_dir, django_capture_on_commit_callbacks
):
    settings.PRINT_JOB_KEEP_HOURS = 2
    _people(6)
    with django_capture_on_commit_callbacks(execute=True):
        _print(clerk_client)
    job = PrintJob.objects.get()
    made = print_jobs.job_file(job)
    assert made.is_file() and job.expires_at - job.ready_at == timedelta(hours=2)
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    stray, fresh = print_jobs_dir / "stray.pdf", print_jobs_dir / "fresh.pdf"
    stray.write_bytes(b"%PDF")
    fresh.write_bytes(b"%PDF")
    hours_ago = time.time() - 2 * 3600
    os.utime(stray, (hours_ago, hours_ago))
    download = reverse("privacy:print_job_download", args=[job.pk])

    assert delete_expired_print_jobs() == 0  # in time: kept, and so is a file just written
    assert made.is_file() and fresh.is_file() and not stray.exists()
    with time_machine.travel(job.expires_at + timedelta(minutes=1)):
        clerk_client.force_login(clerk)  # the session itself ran out long ago
        assert clerk_client.get(download).status_code == 404
        assert clerk_client.get(reverse("privacy:print_job", args=[job.pk])).status_code == 404
        assert delete_expired_print_jobs() == 1

    assert not PrintJob.objects.exists() and not made.exists()
    assert BulkUse.objects.count() == 1  # the log of the use stays
    assert settings.CELERY_BEAT_SCHEDULE["print-jobs"]["task"] == delete_expired_print_jobs.name


@needs_poppler
@pytest.mark.celery_worker
# The worker sees committed rows only; serialized rollback restores the roles the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_a_large_print_over_redis(celery_worker, client, clerk, small_max):
    people = _people(30)
    client.force_login(clerk)

    response = _print(client, sheet="a4-24")

    job = PrintJob.objects.get()
    assert response["Location"] == reverse("privacy:print_job", args=[job.pk])
    deadline = time.monotonic() + 90
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert (job.status, job.count, job.sheets) == ("ready", 30, 2), job.error
    pdf = client.get(reverse("privacy:print_job_download", args=[job.pk])).content
    assert len(pdf_pages(pdf)) == 2
    assert AccessLog.objects.filter(detail__export_no=job.export_no).count() == 2 * len(people)
