"""The daily deadline digest: officers of the department learn what is overdue and due within 5 open days."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from privacy.deadlines import nth_open_day_after
from privacy.models import DeadlineDigest
from privacy.services import requests as svc
from privacy.services.digest import deadline_digest_send_all
from privacy.tasks import send_deadline_digests
from tests.factories import DepartmentFactory, SubscriberFactory, UserFactory

# Fri 20 Nov 2026: the next five open days are Tue 24 – Mon 30 Nov (the 23rd is a holiday).
FRIDAY = date(2026, 11, 20)


def _receive(user, received_on, kind="disclosure"):
    return svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind=kind,
        received_on=received_on,
        channel="mail",
        details="開示",
        user=user,
    )


@pytest.fixture
def officer_with_mail(officer):
    officer.email = "officer@city.misawa.example"
    officer.save()
    return officer


@pytest.fixture
def three_requests(clerk):
    """Overdue, due in 5 open days, and due much later."""
    with time_machine.travel(FRIDAY, tick=False):
        overdue = _receive(clerk, FRIDAY - timedelta(days=30))
        soon = _receive(clerk, date(2026, 11, 15))  # 15 days → Mon 30 Nov
        later = _receive(clerk, FRIDAY)
    return overdue, soon, later


def test_five_open_days_skip_the_weekend_and_the_holiday():
    assert nth_open_day_after(FRIDAY, 5) == date(2026, 11, 30)


@pytest.mark.django_db
def test_the_digest_lists_overdue_and_due_soon_to_the_departments_officers_once_a_day(
    officer_with_mail, three_requests
):
    overdue, soon, later = three_requests
    assert soon.due_on == date(2026, 11, 30)

    sent = deadline_digest_send_all(today=FRIDAY)
    again = deadline_digest_send_all(today=FRIDAY)

    assert (sent, again) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["officer@city.misawa.example"]
    assert overdue.number in message.body and soon.number in message.body and later.number not in message.body
    assert "1" in message.subject and "期限" in message.subject
    # numbers only: no subscriber's name travels by e-mail
    assert overdue.subscriber.family_name not in message.body
    assert DeadlineDigest.objects.get().request_count == 2


@pytest.mark.django_db
def test_a_refusing_mail_server_is_tried_again_and_the_late_morning_check_sends_nothing_twice(
    officer_with_mail, three_requests, monkeypatch
):
    from smtplib import SMTPServerDisconnected

    from django.conf import settings
    from django.core.mail.backends.locmem import EmailBackend

    # Given a mail server that refuses the first attempt
    refusals = iter([SMTPServerDisconnected("refused")])
    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        if (refusal := next(refusals, None)) is not None:
            raise refusal
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    from mctv.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # as a worker: a retry is a retry, not a raise

    # When the 07:30 task runs (eagerly here: its retry runs at once)
    with time_machine.travel(FRIDAY, tick=False):
        send_deadline_digests.apply(kwargs={"today": FRIDAY.isoformat()})

    # Then the retry sent the digest, and its record was written only with it
    assert len(mail.outbox) == 1 and DeadlineDigest.objects.count() == 1

    # When the late-morning check runs the same task, nothing goes twice
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["deadline-digests-catch-up"]["task"] == schedule["deadline-digests"]["task"]
    send_deadline_digests.apply(kwargs={"today": FRIDAY.isoformat()})
    assert len(mail.outbox) == 1 and DeadlineDigest.objects.count() == 1


@pytest.mark.django_db
def test_other_departments_and_closed_requests_are_left_out(officer_with_mail, clerk, three_requests):
    from django.contrib.auth.models import Group

    overdue, soon, _later = three_requests
    svc.request_withdraw(request=overdue, user=clerk, note="取下げ")
    # Given another department with its own officer and its own overdue request
    elsewhere = DepartmentFactory.create(code="tax", name="税務課")
    tax_officer = UserFactory.create(username="tax-officer", email="tax@city.misawa.example", department=elsewhere)
    tax_officer.groups.add(Group.objects.get(name="officer"))
    tax_clerk = UserFactory.create(username="tax-clerk", department=elsewhere)
    with time_machine.travel(FRIDAY, tick=False):
        theirs = _receive(tax_clerk, FRIDAY - timedelta(days=30))

    deadline_digest_send_all(today=FRIDAY)

    # Then each department's officers get their own requests only, and the withdrawn one is left out
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    ours, tax = by_recipient[("officer@city.misawa.example",)], by_recipient[("tax@city.misawa.example",)]
    assert soon.number in ours and overdue.number not in ours and theirs.number not in ours
    assert theirs.number in tax and soon.number not in tax


@pytest.fixture
def celery_worker_env(tmp_path):
    return {"MCTV_TEST_EMAIL_DIR": str(tmp_path / "mail")}


@pytest.mark.celery_worker
# The worker sees committed rows only; serialized rollback restores the roles the flush removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_task_runs_on_a_real_worker_over_redis_and_sends_mail(
    celery_worker, celery_worker_env, officer_with_mail, three_requests
):
    from pathlib import Path

    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["deadline-digests"]["task"] == send_deadline_digests.name

    result = send_deadline_digests.delay(FRIDAY.isoformat())

    assert result.get(timeout=30) == 1
    files = list(Path(celery_worker_env["MCTV_TEST_EMAIL_DIR"]).glob("*.log"))
    assert len(files) == 1
    body = files[0].read_text()
    assert "officer@city.misawa.example" in body and three_requests[0].number in body
    assert DeadlineDigest.objects.filter(sent_on=FRIDAY).count() == 1
    # a second delivery of the same day's task (acks_late redelivery, a second beat) sends nothing more
    assert send_deadline_digests.delay(FRIDAY.isoformat()).get(timeout=30) == 0
    assert len(list(Path(celery_worker_env["MCTV_TEST_EMAIL_DIR"]).glob("*.log"))) == 1
