"""A long disclosure (issue 20): over DISCLOSURE_SYNC_MAX_LINES provision records the PDF is made by a worker as a
print job — asked for once, its progress on its page, each download recorded on the request as handed over and in
the access log, fetched by the asker alone and made only while they may still hand it over."""

import re
import time
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy import letters
from privacy.models import AccessLog, PrintJob, Purpose, RequestRule
from privacy.services import print_jobs
from privacy.services import requests as svc
from privacy.services.disclosure_prints import disclosure_pages_estimate
from privacy.services.erasure import subscriber_personal_data_erase
from privacy.tasks import make_print_job
from tests.factories import SubscriberFactory, UserFactory, granted_disclosure
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_pages
from tests.privacy.test_incidents import record
from tests.privacy.test_labels import celery_worker_env, print_jobs_dir  # noqa: F401  (fixtures: the jobs' folder)

LINES = 5


@pytest.fixture
def small_max(settings):
    settings.DISCLOSURE_SYNC_MAX_LINES = 3


def handed_over(request) -> int:
    return request.events.filter(kind="disclosure_handed_over").count()


def asked(client, user, request) -> PrintJob:
    """The job ``user`` asks for by confirming the PDF button of ``request``'s page."""
    client.force_login(user)
    client.post(reverse("privacy:request_disclosure", args=[request.pk, "pdf"]), {"confirmed": "1"})
    return PrintJob.objects.get()


def asked_and_made(client, user, request) -> PrintJob:
    job = asked(client, user, request)
    assert make_print_job(str(job.pk)) is True
    return job


def page_token(client, job) -> str:
    """The one-time token of the download button on the job's page, as drawn now."""
    page = client.get(reverse("privacy:print_job", args=[job.pk])).content.decode()
    found = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page)
    assert found, "the page draws its download button with a one-time token"
    return found.group(1)


def fetch(client, job, token=None):
    """The job page's download button: a POST with the form's one-time token."""
    data = {"submission_token": str(token or uuid.uuid4())}
    return client.post(reverse("privacy:print_job_download", args=[job.pk]), data)


def without_permission(user, codename: str) -> None:
    """The user keeps every permission of their roles but ``codename``."""
    group = Group.objects.create(name=f"{user.username} without {codename}")
    group.permissions.set(Permission.objects.filter(group__in=user.groups.all()).exclude(codename=codename))
    user.groups.set([group])


@needs_poppler
@pytest.mark.django_db
def test_a_long_disclosure_goes_to_a_worker_and_each_download_hands_it_over(client, clerk, officer, small_max):
    # Given a disclosure granted for a person with five provision records, over the three printed at once
    request = granted_disclosure(clerk, officer)
    subscriber = request.subscriber
    client.force_login(clerk)
    url = reverse("privacy:request_disclosure", args=[request.pk, "pdf"])

    # When the clerk presses the PDF button, then the page asks first, naming the count, and makes nothing
    asked = client.post(url)
    assert asked.status_code == 200 and "5件" in asked.content.decode()
    assert not PrintJob.objects.exists() and handed_over(request) == 0
    assert not AccessLog.objects.filter(action="export").exists()

    # When they confirm, then a job is made and its page follows it; nothing is handed over or logged yet
    response = client.post(url, {"confirmed": "1"})
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:print_job", args=[job.pk])
    assert (job.kind, job.request, job.count, job.subscriber_ids) == ("disclosure", request, LINES, [subscriber.pk])
    page = client.get(response["Location"]).content.decode()
    assert "開示文書" in page and request.number in page and "約" in page
    assert handed_over(request) == 0 and not AccessLog.objects.filter(action="export").exists()
    # and the request's page links the job
    detail = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    assert reverse("privacy:print_job", args=[job.pk]) in detail

    # When a worker makes it
    assert make_print_job(str(job.pk)) is True

    # Then the making is logged under the file's number with the items disclosed, and the job counts its pages
    job.refresh_from_db()
    assert (job.status, job.count) == ("ready", LINES) and job.sheets >= 1
    made = AccessLog.objects.get(detail__export_no=job.export_no)
    assert made.subscriber_number == subscriber.number and made.user == clerk
    assert made.detail["request"] == request.number and "name" in made.detail["items"]
    assert handed_over(request) == 0

    # When the clerk opens the link to the file, then it leads to the job's page: fetching it is a button
    assert client.get(reverse("privacy:print_job_download", args=[job.pk]))["Location"] == response["Location"]
    assert handed_over(request) == 0

    # When the clerk presses the page's download button, twice in a row, then once more from the page drawn again
    token = page_token(client, job)
    first = fetch(client, job, token)
    double_click = fetch(client, job, token)
    fetch(client, job, page_token(client, job))

    # Then the file is the disclosure, every record in order, its pages numbered, the Japanese font embedded
    assert first["Content-Disposition"].endswith(f'disclosure-{request.number}-export{job.export_no}.pdf"')
    pages = pdf_pages(first.content)
    text = "".join("".join(page.split()) for page in pages)
    at = [text.index(f"修理（W{n}）") for n in range(LINES)]
    assert at == sorted(at) and subscriber.number in text and len(pages) == job.sheets
    assert_japanese_font_embedded(first.content)
    # and the double click hands nothing over again; each download is a hand-over on the request naming the file,
    # and a row in the access log, by who fetched it
    assert double_click.status_code == 302 and double_click["Content-Type"].startswith("text/html")
    events = request.events.filter(kind="disclosure_handed_over")
    assert [e.parameters for e in events] == [{"form": "pdf", "export_no": job.export_no}] * 2
    downloads = AccessLog.objects.filter(detail__export_no=job.export_no, detail__download=str(job.pk))
    assert downloads.count() == 2 and set(downloads.values_list("user", flat=True)) == {clerk.pk}
    history = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    assert f"PDF、エクスポート#{job.export_no}" in history
    # and the same message again makes nothing more
    assert make_print_job(str(job.pk)) is False


@needs_poppler
@pytest.mark.django_db
def test_a_partial_disclosure_made_by_the_worker_leaves_out_what_it_withholds(client, clerk, officer, small_max):
    # Given a long disclosure granted in part, withholding the occupation
    request = granted_disclosure(
        clerk,
        officer,
        decision="partial",
        reasons="職業欄は第三者の情報を含むため",
        withheld_items=["occupation"],
        withholding_grounds={"occupation": "78-1-2"},
    )
    request.subscriber.occupation = "農業"
    request.subscriber.save()

    # When the worker makes it and the clerk fetches it
    job = asked_and_made(client, clerk, request)
    text = "".join("".join(page.split()) for page in pdf_pages(fetch(client, job).content))

    # Then neither the file nor the access log carries the occupation
    assert "農業" not in text and request.subscriber.number in text
    logged = AccessLog.objects.filter(detail__export_no=job.export_no)
    assert logged.count() == 2 and all("occupation" not in row.detail["items"] for row in logged)


@needs_poppler
@pytest.mark.django_db
def test_a_disclosure_of_many_parts_is_made_by_the_worker_in_order_with_its_progress(
    client, clerk, officer, small_max, monkeypatch, settings
):
    # Given parts of two lines (a thousand in the office), so that five lines are three parts
    monkeypatch.setattr(letters, "LINES_PER_PART", 2)
    settings.PDF_PROCESSES = 1
    request = granted_disclosure(clerk, officer)

    # When the worker makes it
    job = asked_and_made(client, clerk, request)

    # Then the file holds every line once and in order, the later parts headed 「続き」, the pages numbered throughout
    pages = pdf_pages(fetch(client, job).content)
    text = "".join("".join(page.split()) for page in pages)
    assert [text.count(f"修理（W{n}）") for n in range(LINES)] == [1] * LINES and text.count("（続き）") == 2
    assert "".join(pages[-1].split()).endswith(f"{len(pages)}/{len(pages)}")
    job.refresh_from_db()
    assert (job.status, job.sheets, job.sheets_done, job.percent) == ("ready", len(pages), len(pages), 100)


@pytest.mark.django_db
def test_the_progress_never_counts_more_pages_done_than_the_whole(clerk, officer):
    # Given a job told to expect four pages
    request = granted_disclosure(clerk, officer, lines=0)
    job = PrintJob.objects.create(
        kind="disclosure", request=request, created_by=clerk, export_no=1, expires_at=timezone.now(), status="running"
    )
    on_page = print_jobs.job_started(job, count=0, pages=4)

    # When the layout runs over the estimate, then the whole grows with it
    on_page(9)
    job.refresh_from_db()
    assert (job.sheets_done, job.sheets) == (8, 9) and job.percent < 100


@pytest.mark.django_db
def test_a_disclosure_within_the_limit_is_printed_at_once(client, clerk, officer, small_max):
    request = granted_disclosure(clerk, officer, lines=3)
    client.force_login(clerk)

    response = client.post(reverse("privacy:request_disclosure", args=[request.pk, "pdf"]))

    assert response["Content-Type"] == "application/pdf" and not PrintJob.objects.exists()
    assert handed_over(request) == 1


@pytest.mark.django_db
def test_the_electronic_copies_of_a_long_disclosure_are_still_answered_at_once(client, clerk, officer, small_max):
    request = granted_disclosure(clerk, officer)
    client.force_login(clerk)

    response = client.post(reverse("privacy:request_disclosure", args=[request.pk, "csv"]))

    assert response.status_code == 200 and "修理（W4）" in response.content.decode("utf-8-sig")
    assert not PrintJob.objects.exists()


@pytest.mark.django_db
def test_a_long_disclosure_is_not_asked_for_before_the_fee_is_paid(client, clerk, officer, small_max):
    # Given a long disclosure granted, with a fee of 300 yen not yet paid
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=300)
    request = granted_disclosure(clerk, officer)
    client.force_login(clerk)
    url = reverse("privacy:request_disclosure", args=[request.pk, "pdf"])

    # When the clerk asks for it, confirmed or not, then it is refused with the reason and nothing is made
    for data in ({}, {"confirmed": "1"}):
        response = client.post(url, data, follow=True)
        assert "手数料" in response.content.decode() and response.redirect_chain[-1][0].endswith(
            reverse("privacy:request_detail", args=[request.pk])
        )
    assert not PrintJob.objects.exists() and handed_over(request) == 0

    # Then once the fee is recorded, it may be asked for
    svc.request_record_fee(request=request, paid_on=timezone.localdate(), user=clerk)
    assert client.post(url, {"confirmed": "1"}).status_code == 302 and PrintJob.objects.count() == 1


@pytest.mark.django_db
def test_a_disclosure_job_is_nobody_elses_and_not_made_for_one_who_may_no_longer_hand_it_over(
    client, clerk, officer, auditor, small_max
):
    request = granted_disclosure(clerk, officer)
    job = asked(client, clerk, request)

    # Another clerk finds nothing of it, and an auditor who reads requests is refused every print job's page
    other = UserFactory.create(username="other-clerk")
    other.groups.set(clerk.groups.all())
    for someone, refused in ((other, 404), (auditor, 403)):
        client.force_login(someone)
        for page in ("privacy:print_job", "privacy:print_job_download", "privacy:print_job_status"):
            assert client.get(reverse(page, args=[job.pk])).status_code == refused

    # And once the asker's role no longer hands disclosures over, the worker makes nothing and says why
    without_permission(clerk, "change_subjectrequest")
    assert make_print_job(str(job.pk)) is False
    job.refresh_from_db()
    assert job.status == "failed" and "PermissionDenied" in job.error
    assert not AccessLog.objects.filter(detail__export_no=job.export_no).exists() and handed_over(request) == 0


@pytest.mark.django_db
def test_a_made_disclosure_is_not_handed_over_to_one_who_lost_the_right_since(client, clerk, officer, small_max):
    # Given a long disclosure made for the clerk
    request = granted_disclosure(clerk, officer)
    job = asked_and_made(client, clerk, request)

    # When the clerk may no longer see requests (their role still hands disclosures over)
    without_permission(clerk, "view_subjectrequest")

    # Then the file is not fetched, and neither the request nor the access log records a hand-over
    assert fetch(client, job).status_code == 404
    assert handed_over(request) == 0
    assert not AccessLog.objects.filter(detail__download=str(job.pk)).exists()


@pytest.mark.parametrize("made_first", [True, False])
@pytest.mark.django_db
def test_one_who_may_no_longer_see_the_subscriber_is_given_nothing_of_them(
    client, clerk, officer, small_max, made_first
):
    # Given a long disclosure asked for by the clerk, made or not yet
    request = granted_disclosure(clerk, officer)
    job = asked(client, clerk, request)
    if made_first:
        assert make_print_job(str(job.pk)) is True

    # When the clerk's role no longer sees the registry (it still sees and hands over requests)
    without_permission(clerk, "view_subscriber")

    # Then the worker makes nothing and says why, or the file made is not fetched; nothing is handed over
    if made_first:
        assert fetch(client, job).status_code == 404
    else:
        assert make_print_job(str(job.pk)) is False
        job.refresh_from_db()
        assert job.status == "failed" and "subscriber's record" in job.error
    assert handed_over(request) == 0 and not AccessLog.objects.filter(detail__download=str(job.pk)).exists()


@pytest.mark.django_db
def test_an_erasure_deletes_the_files_that_name_the_person(
    client, clerk, officer, small_max, django_capture_on_commit_callbacks
):
    # Given a long disclosure made for a person, a labels job naming them among others, and one naming others only
    request = granted_disclosure(clerk, officer)
    job = asked_and_made(client, clerk, request)
    someone = SubscriberFactory.create().pk
    labels = {"purpose": Purpose.objects.first(), "created_by": clerk, "expires_at": job.expires_at}
    PrintJob.objects.create(**labels, export_no=job.export_no + 1, subscriber_ids=[someone, request.subscriber_id])
    other = PrintJob.objects.create(**labels, export_no=job.export_no + 2, subscriber_ids=[someone])
    made = print_jobs.job_file(job)
    assert made.exists()

    # When the person's data is erased
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_personal_data_erase(subscriber=request.subscriber, user=officer, reason="消去請求")

    # Then the job and its file are gone at once, not a day later; the other job stays
    assert not made.exists() and list(PrintJob.objects.all()) == [other]
    assert fetch(client, job).status_code == 404 and handed_over(request) == 0


@pytest.mark.django_db
def test_the_database_refuses_a_print_job_that_names_the_wrong_subject(clerk, officer):
    request = granted_disclosure(clerk, officer, lines=0)
    purpose, incident = Purpose.objects.first(), record(officer, [request.subscriber])
    job = {"created_by": clerk, "export_no": 1, "expires_at": timezone.now()}

    for wrong in (
        {"kind": "disclosure"},
        {"kind": "disclosure", "request": request, "purpose": purpose},
        {"kind": "disclosure", "request": request, "incident": incident},
        {"kind": "labels", "purpose": purpose, "request": request},
        {"kind": "notices", "incident": incident, "request": request},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PrintJob.objects.create(**job, **wrong)
    assert PrintJob.objects.create(**job, kind="disclosure", request=request).request == request


@needs_poppler
@pytest.mark.django_db
def test_the_page_estimate_follows_the_layout(clerk, officer):
    # Given a disclosure of sixty provision lines
    request = granted_disclosure(clerk, officer, lines=60)

    # When it is laid out, then its pages are about what the progress bar was told to expect
    pages = len(pdf_pages(letters.disclosure_pdf(request, clerk)))
    assert abs(disclosure_pages_estimate(60) - pages) <= 1, pages


@needs_poppler
@pytest.mark.celery_worker
# The worker sees committed rows only; serialized rollback restores the roles the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_disclosure_over_redis(celery_worker, client, clerk, officer, small_max):
    request = granted_disclosure(clerk, officer)
    client.force_login(clerk)

    response = client.post(reverse("privacy:request_disclosure", args=[request.pk, "pdf"]), {"confirmed": "1"})

    job = PrintJob.objects.get()
    assert response["Location"] == reverse("privacy:print_job", args=[job.pk])
    deadline = time.monotonic() + 90
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == "ready", job.error
    text = "".join(pdf_pages(fetch(client, job).content))
    assert all(f"修理（W{n}）" in "".join(text.split()) for n in range(LINES))
    assert handed_over(request) == 1
