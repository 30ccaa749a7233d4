"""A long disclosure (issue 20): over DISCLOSURE_SYNC_MAX_LINES provision records the PDF is made by a worker as a
print job — asked for once, its progress on its page, each download recorded on the request as handed over and in
the access log, fetched by the asker alone and made only while they may still hand it over."""

import time

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy import letters
from privacy.models import AccessLog, PrintJob, RequestRule
from privacy.services import requests as svc
from privacy.services.disclosure_prints import disclosure_pages_estimate
from privacy.services.provision import provision_record
from privacy.tasks import make_label_print
from tests.factories import UserFactory, WorkOrderFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_pages
from tests.privacy.test_labels import celery_worker_env, print_jobs_dir  # noqa: F401  (fixtures: the jobs' folder)
from tests.privacy.test_requests import receive, to_review

LINES = 5


@pytest.fixture
def small_max(settings):
    settings.DISCLOSURE_SYNC_MAX_LINES = 3


def granted_disclosure(clerk, officer, lines: int = LINES, **decision):
    """A disclosure request granted in full for a subscriber with ``lines`` provision records (修理（W0）…)."""
    order = WorkOrderFactory.create()
    for n in range(lines):
        provision_record(
            subscriber=order.subscriber,
            items=order.items,
            method="server_access",
            basis="contracted_work",
            purpose=f"修理（W{n}）",
            user=clerk,
            work_order=order,
        )
    request = to_review(receive(clerk, order.subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    request.refresh_from_db()
    return request


def handed_over(request) -> int:
    return request.events.filter(kind="disclosure_handed_over").count()


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
    assert "開示" in page and request.number in page and "約" in page
    assert handed_over(request) == 0 and not AccessLog.objects.filter(action="export").exists()
    # and the request's page links the job
    detail = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    assert reverse("privacy:print_job", args=[job.pk]) in detail

    # When a worker makes it
    assert make_label_print(str(job.pk)) is True

    # Then the making is logged under the file's number with the items disclosed, and the job counts its pages
    job.refresh_from_db()
    assert (job.status, job.count) == ("ready", LINES) and job.sheets >= 1
    made = AccessLog.objects.get(detail__export_no=job.export_no)
    assert made.subscriber_number == subscriber.number and made.user == clerk
    assert made.detail["request"] == request.number and "name" in made.detail["items"]
    assert handed_over(request) == 0

    # When the clerk downloads it, twice
    first = client.get(reverse("privacy:print_job_download", args=[job.pk]))
    client.get(reverse("privacy:print_job_download", args=[job.pk]))

    # Then the file is the disclosure, every record in order, its pages numbered, the Japanese font embedded
    assert first["Content-Disposition"].endswith(f'disclosure-{request.number}-export{job.export_no}.pdf"')
    pages = pdf_pages(first.content)
    text = "".join("".join(page.split()) for page in pages)
    at = [text.index(f"修理（W{n}）") for n in range(LINES)]
    assert at == sorted(at) and subscriber.number in text and len(pages) == job.sheets
    assert_japanese_font_embedded(first.content)
    # and each download is a hand-over on the request and a row in the access log, by who fetched it
    assert handed_over(request) == 2
    downloads = AccessLog.objects.filter(detail__export_no=job.export_no, detail__download=str(job.pk))
    assert downloads.count() == 2 and set(downloads.values_list("user", flat=True)) == {clerk.pk}
    # and the same message again makes nothing more
    assert make_label_print(str(job.pk)) is False


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
    client.force_login(clerk)
    client.post(reverse("privacy:request_disclosure", args=[request.pk, "pdf"]), {"confirmed": "1"})
    job = PrintJob.objects.get()

    # Another clerk finds nothing of it, and an auditor who reads requests is refused every print job's page
    other = UserFactory.create(username="other-clerk")
    other.groups.set(clerk.groups.all())
    for someone, refused in ((other, 404), (auditor, 403)):
        client.force_login(someone)
        for page in ("privacy:print_job", "privacy:print_job_download", "privacy:print_job_status"):
            assert client.get(reverse(page, args=[job.pk])).status_code == refused

    # And once the asker's account is deactivated, the worker makes nothing and says why
    clerk.is_active = False
    clerk.save()
    assert make_label_print(str(job.pk)) is False
    job.refresh_from_db()
    assert job.status == "failed" and "PermissionDenied" in job.error
    assert not AccessLog.objects.filter(detail__export_no=job.export_no).exists() and handed_over(request) == 0


@pytest.mark.django_db
def test_a_made_disclosure_is_not_handed_over_to_one_who_lost_the_right_since(client, clerk, officer, small_max):
    # Given a long disclosure made for the clerk
    request = granted_disclosure(clerk, officer)
    client.force_login(clerk)
    client.post(reverse("privacy:request_disclosure", args=[request.pk, "pdf"]), {"confirmed": "1"})
    job = PrintJob.objects.get()
    assert make_label_print(str(job.pk)) is True

    # When the clerk's role no longer hands disclosures over
    clerk.groups.clear()

    # Then the file is not fetched, and neither the request nor the access log records a hand-over
    assert client.get(reverse("privacy:print_job_download", args=[job.pk])).status_code in (403, 404)
    assert handed_over(request) == 0
    assert not AccessLog.objects.filter(detail__download=str(job.pk)).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_print_job_that_names_the_wrong_subject(clerk, officer):
    request = granted_disclosure(clerk, officer, lines=0)
    job = {"created_by": clerk, "export_no": 1, "expires_at": timezone.now()}

    for wrong in (
        {"kind": "disclosure"},
        {"kind": "labels", "request": request},
        {"kind": "notices", "request": request},
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
    text = "".join(pdf_pages(client.get(reverse("privacy:print_job_download", args=[job.pk])).content))
    assert all(f"修理（W{n}）" in "".join(text.split()) for n in range(LINES))
    assert handed_over(request) == 1
