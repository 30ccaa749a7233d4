"""An incident's notices to many people (issue 20): over NOTICES_SYNC_MAX the letters are made by a worker, with
the print job's progress, download, access log and who may fetch it — one letter a page, each about that person."""

import time

import pytest
from django.urls import reverse

from privacy.models import AccessLog, PrintJob
from privacy.services import notice_prints
from privacy.tasks import make_print_job
from tests.factories import SubscriberFactory, UserFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_pages
from tests.privacy.test_incidents import record
from tests.privacy.test_labels import celery_worker_env, print_jobs_dir  # noqa: F401  (fixtures: the jobs' folder)


@pytest.fixture
def small_max(settings):
    settings.NOTICES_SYNC_MAX = 3


def _people(n: int):
    return [SubscriberFactory.create(family_name="通知", given_name=f"花子{i:02d}") for i in range(n)]


@needs_poppler
@pytest.mark.django_db
def test_many_notices_go_to_a_worker_and_are_fetched_once_made(client, officer, small_max):
    # Given an incident affecting five people, over the three printed at once
    people = _people(5)
    incident = record(officer, people)
    client.force_login(officer)

    # When the officer opens the link to print them, then the page asks first, naming the count, and makes nothing
    url = reverse("privacy:incident_notices", args=[incident.pk])
    asked = client.get(url)
    assert asked.status_code == 200 and "5" in asked.content.decode() and not PrintJob.objects.exists()

    # When they confirm, then a job is made and its page follows it; nothing is logged yet
    response = client.post(url, {"confirmed": "1"})
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:print_job", args=[job.pk])
    assert (job.kind, job.incident, job.count) == ("notices", incident, 5)
    page = client.get(response["Location"]).content.decode()
    assert "本人への通知" in page and incident.number in page and "5" in page
    assert not AccessLog.objects.filter(detail__export_no=job.export_no).exists()
    # and the incident's page links the job
    assert (
        reverse("privacy:print_job", args=[job.pk])
        in client.get(reverse("privacy:incident_detail", args=[incident.pk])).content.decode()
    )

    # When a worker makes it
    assert make_print_job(str(job.pk)) is True

    # Then the file holds one letter a page, each about its person, and the use is logged under the file's number
    job.refresh_from_db()
    assert (job.status, job.count, job.sheets) == ("ready", 5, 5)
    made = AccessLog.objects.filter(detail__export_no=job.export_no)
    assert sorted(made.values_list("subscriber_number", flat=True)) == sorted(p.number for p in people)
    pdf = client.get(reverse("privacy:print_job_download", args=[job.pk])).content
    pages = pdf_pages(pdf)
    assert len(pages) == 5
    for person, text in zip(sorted(people, key=lambda p: p.number), pages, strict=True):
        assert person.number in text and all(o.number not in text for o in people if o != person)
    assert_japanese_font_embedded(pdf)
    # and each download is logged again, by who fetched it
    assert AccessLog.objects.filter(detail__export_no=job.export_no).count() == 10
    # and the same message again makes nothing more
    assert make_print_job(str(job.pk)) is False


@pytest.mark.django_db
def test_a_few_notices_are_printed_at_once(client, officer, small_max):
    incident = record(officer, _people(3))
    client.force_login(officer)

    response = client.get(reverse("privacy:incident_notices", args=[incident.pk]))

    assert response["Content-Type"] == "application/pdf" and not PrintJob.objects.exists()
    assert AccessLog.objects.filter(detail__letter="notice").count() == 3


@pytest.mark.django_db
def test_a_notices_job_is_nobody_elses_and_not_made_for_one_who_may_no_longer_print(client, officer, small_max):
    incident = record(officer, _people(4))
    client.force_login(officer)
    client.post(reverse("privacy:incident_notices", args=[incident.pk]), {"confirmed": "1"})
    job = PrintJob.objects.get()

    # Another officer finds nothing of it
    other = UserFactory.create(username="other-officer")
    other.groups.set(officer.groups.all())
    client.force_login(other)
    assert client.get(reverse("privacy:print_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("privacy:print_job_download", args=[job.pk])).status_code == 404

    # And once the asker's account is deactivated, the worker makes nothing and says why
    officer.is_active = False
    officer.save()
    assert make_print_job(str(job.pk)) is False
    job.refresh_from_db()
    assert job.status == "failed" and "PermissionDenied" in job.error
    assert not AccessLog.objects.filter(detail__export_no=job.export_no).exists()


@needs_poppler
@pytest.mark.celery_worker
# The worker sees committed rows only; serialized rollback restores the roles the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_notices_over_redis(celery_worker, client, officer, small_max):
    incident = record(officer, _people(6))
    client.force_login(officer)

    response = client.post(reverse("privacy:incident_notices", args=[incident.pk]), {"confirmed": "1"})

    job = PrintJob.objects.get()
    assert response["Location"] == reverse("privacy:print_job", args=[job.pk])
    deadline = time.monotonic() + 90
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert (job.status, job.count) == ("ready", 6), job.error
    assert len(pdf_pages(client.get(reverse("privacy:print_job_download", args=[job.pk])).content)) == 6


@pytest.fixture
def celery_worker_pool():
    """As in production: tasks run in the worker's prefork children, which are daemons."""
    return ["--pool", "prefork", "--concurrency", "1"]


@needs_poppler
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_prefork_worker_child_lays_the_parts_out_side_by_side(celery_worker, client, officer, settings):
    # Given more notices than one part holds (a hundred letters), so that the worker's pool of layout processes
    # takes the parts, and the worker's task runs in a prefork child — a daemon, which the standard library's
    # pools refuse to start processes from
    settings.NOTICES_SYNC_MAX = 3
    people = _people(notice_prints.LETTERS_PER_PART + 1)
    incident = record(officer, people)
    client.force_login(officer)

    # When the officer asks for them
    client.post(reverse("privacy:incident_notices", args=[incident.pk]), {"confirmed": "1"})

    # Then the worker makes them: a letter a page, in order, the last one in the second part
    job = PrintJob.objects.get()
    deadline = time.monotonic() + 180
    while job.status not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert (job.status, job.count) == ("ready", len(people)), job.error
    pages = pdf_pages(client.get(reverse("privacy:print_job_download", args=[job.pk])).content)
    assert len(pages) == len(people)
    last = max(people, key=lambda p: p.number)
    assert f"{incident.number}-{len(people)}号" in pages[-1] and last.number in pages[-1]


@needs_poppler
@pytest.mark.django_db
def test_many_letters_are_laid_out_a_part_at_a_time_and_joined_in_order(officer, monkeypatch):
    # Given letters laid out two at a time (a hundred in the office), and five people
    monkeypatch.setattr(notice_prints, "LETTERS_PER_PART", 2)
    people = _people(5)
    incident = record(officer, people)

    # When the notices are made
    pdf = notice_prints.incident_notices_pdf(incident, notice_prints.notice_people(incident))

    # Then the parts are joined into one file: a letter a page, in order, each numbered in the whole and about its
    # person only, the Japanese font embedded
    pages = pdf_pages(pdf)
    assert len(pages) == 5
    for n, (person, text) in enumerate(zip(sorted(people, key=lambda p: p.number), pages, strict=True), start=1):
        assert f"{incident.number}-{n}号" in text
        assert person.number in text and all(o.number not in text for o in people if o != person)
    assert_japanese_font_embedded(pdf)
