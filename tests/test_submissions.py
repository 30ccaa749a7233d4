"""One-time form tokens: a form drawn once is done once, however often and however fast it is sent."""

import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from privacy.models import (
    Consent,
    FormSubmission,
    PolicyVersion,
    Provision,
    Purpose,
    SubjectRequest,
    WorkKind,
    WorkOrder,
)
from privacy.tasks import clear_expired_sessions
from subscribers.models import Subscriber
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory
from tests.forms import drawn_token

TODAY = timezone.localdate


def intake(subscriber) -> dict:
    return {
        "kind": "disclosure",
        "received_on": TODAY().isoformat(),
        "channel": "counter",
        "details": "保有する個人情報の全部",
        "subscriber_number": subscriber.number,
    }


@pytest.mark.django_db
def test_an_intake_sent_twice_makes_one_request_and_the_second_shows_the_first(clerk_client):
    # Given the intake form as the page drew it
    subscriber = SubscriberFactory.create()
    url = reverse("privacy:request_create")
    data = intake(subscriber) | {"submission_token": drawn_token(clerk_client, url)}

    # When it is sent, and sent again (a double click, a reload)
    first = clerk_client.post(url, data)
    second = clerk_client.post(url, data, follow=True)

    # Then one request exists, and the second submit lands on it with a word why
    request = SubjectRequest.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("privacy:request_detail", args=[request.pk])
    assert second.redirect_chain[0][0] == first["Location"]
    assert "すでに送信" in second.content.decode()


@pytest.mark.django_db
def test_a_refused_submit_leaves_the_token_for_the_corrected_form(clerk_client):
    # Given an intake refused for a missing date
    subscriber = SubscriberFactory.create()
    url = reverse("privacy:request_create")
    token = drawn_token(clerk_client, url)
    refused = clerk_client.post(url, intake(subscriber) | {"received_on": "", "submission_token": token})
    assert refused.status_code == 200 and not SubjectRequest.objects.exists()

    # When the clerk corrects it and sends the same form again
    done = clerk_client.post(url, intake(subscriber) | {"submission_token": token})

    # Then it is done: the refusal did not spend the token
    assert done.status_code == 302 and SubjectRequest.objects.count() == 1


@pytest.mark.django_db
def test_another_users_token_is_refused(clerk_client, clerk, officer):
    subscriber = SubscriberFactory.create()
    url = reverse("privacy:request_create")
    data = intake(subscriber) | {"submission_token": drawn_token(clerk_client, url)}
    clerk_client.post(url, data)

    other = Client()
    other.force_login(officer)
    assert other.post(url, data).status_code == 403
    assert SubjectRequest.objects.count() == 1


@pytest.fixture
def form_cases(clerk, officer):
    """Each form the issue names, with its page, what it posts and what it makes."""
    subscriber = SubscriberFactory.create()
    agreement = AgreementFactory.create(items=["number", "name", "address", "phone"])
    survey = Purpose.objects.create(
        code="survey",
        title="視聴動向アンケート",
        description="番組改善のための調査",
        items=["number", "name"],
        since=TODAY(),
    )
    return {
        "registration": (
            reverse("subscribers:create"),
            {
                "family_name": "山田",
                "given_name": "太郎",
                "family_name_kana": "ヤマダ",
                "given_name_kana": "タロウ",
                "birth_date": "1980-04-01",
                "sex": "male",
                "postal_code": "0330001",
                "prefecture": "青森県",
                "municipality": "三沢市",
                "street_address": "中央町1丁目2-3",
                "phone": "0176511349",
                "applied_on": TODAY().isoformat(),
                "services": ["tv"],
            },
            Subscriber.objects.exclude(pk=subscriber.pk),
        ),
        "consent": (
            reverse("privacy:consent_create", args=[subscriber.pk]),
            {
                "purpose": survey.pk,
                "user_told": "三沢市",
                "use_told": "アンケート",
                "method": "paper",
                "given_on": TODAY().isoformat(),
                "policy_version": PolicyVersion.objects.current().pk,
            },
            Consent.objects.all(),
        ),
        "work order": (
            reverse("privacy:work_order_create"),
            {
                "subscriber_number": subscriber.number,
                "contractor": agreement.contractor.pk,
                "kind": WorkKind.objects.get(code="repair").pk,
                "scheduled_on": TODAY().isoformat(),
                "access_from": TODAY().isoformat(),
                "access_until": (TODAY() + timedelta(days=3)).isoformat(),
                "items": ["number", "name", "address", "phone"],
            },
            WorkOrder.objects.all(),
        ),
        "intake": (reverse("privacy:request_create"), intake(subscriber), SubjectRequest.objects.all()),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["registration", "consent", "work order", "intake"])
def test_every_named_form_is_done_once(client, clerk, form_cases, case):
    client.force_login(clerk)
    url, data, made = form_cases[case]
    data = data | {"submission_token": drawn_token(client, url)}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302, first.context["form"].errors if first.context else first
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert made.count() == 1


@pytest.mark.django_db
def test_an_officer_action_sent_twice_is_done_once(client, clerk):
    # Given a received request whose page offers the review step
    subscriber = SubscriberFactory.create()
    client.force_login(clerk)
    client.post(reverse("privacy:request_create"), intake(subscriber))
    request = SubjectRequest.objects.get()
    page = reverse("privacy:request_detail", args=[request.pk])
    token = drawn_token(client, page)

    # When the verify step's form is sent twice
    url = reverse("privacy:request_action", args=[request.pk, "verify"])
    data = {"verify-identity_method": "my_number_card", "submission_token": token}
    first = client.post(url, data)
    second = client.post(url, data)

    # Then one event was recorded and the second submit went where the first did
    assert first.status_code == 302 and second["Location"] == first["Location"]
    request.refresh_from_db()
    assert request.identity_method == "my_number_card"
    assert request.events.count() == 2  # received, verified


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_intake_sent_twice_at_once_and_again_a_moment_later_makes_one_request(clerk):
    # Given the intake form drawn once
    subscriber = SubscriberFactory.create()
    url = reverse("privacy:request_create")
    browser = Client()
    browser.force_login(clerk)
    data = intake(subscriber) | {"submission_token": drawn_token(browser, url)}
    start = threading.Barrier(2)
    answers: list[int] = []

    def send():
        tab = Client()
        tab.force_login(clerk)
        start.wait()
        try:
            answers.append(tab.post(url, data).status_code)
        finally:
            connection.close()

    # When two submits race, and a third follows
    racers = [threading.Thread(target=send) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    answers.append(browser.post(url, data).status_code)

    # Then one request exists and every submit was answered with a redirect to it
    assert SubjectRequest.objects.count() == 1
    assert answers == [302, 302, 302]


@pytest.mark.django_db
def test_spent_tokens_go_after_their_keeping_time(clerk):
    kept = FormSubmission.objects.create(token=uuid.uuid4(), user=clerk, path="/")
    spent = FormSubmission.objects.create(token=uuid.uuid4(), user=clerk, path="/")
    FormSubmission.objects.filter(pk=spent.pk).update(
        submitted_at=timezone.now() - timedelta(hours=settings.FORM_TOKEN_KEEP_HOURS + 1)
    )
    clear_expired_sessions()
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [kept.pk]


def test_every_form_a_signed_in_user_posts_carries_a_token():
    # The login form is posted before anyone is signed in; every other form in the templates carries one.
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        if template.name == "login.html":
            continue
        assert text.count("{% csrf_token %}") == text.count("{% csrf_token %}{% submission_token %}"), template


@pytest.mark.django_db
def test_a_document_answered_directly_is_issued_once(clerk_client):
    # Given a work order whose page draws the print form of its work sheet
    order = WorkOrderFactory.create(items=["number", "name", "address"])
    page = reverse("privacy:work_order_detail", args=[order.pk])
    token = drawn_token(clerk_client, page)
    url = reverse("privacy:work_order_sheet", args=[order.pk])

    # When the print button is clicked twice
    first = clerk_client.post(url, {"submission_token": token}, HTTP_REFERER=f"http://testserver{page}")
    second = clerk_client.post(url, {"submission_token": token})

    # Then one sheet was handed over (one provision recorded), and the second click led back to the page
    assert first["Content-Type"] == "application/pdf"
    assert second.status_code == 302 and second["Location"] == page
    assert Provision.objects.filter(work_order=order).count() == 1


@pytest.mark.django_db
def test_a_crash_leaves_nothing_half_written_and_the_token_unspent(clerk, monkeypatch):
    # Given an intake whose service writes the request and then fails
    from privacy.views import requests as views

    subscriber = SubscriberFactory.create()
    real_receive = views.service.request_receive

    def receive_then_fail(**kwargs):
        real_receive(**kwargs)
        raise RuntimeError("the server failed after writing")

    monkeypatch.setattr(views.service, "request_receive", receive_then_fail)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    url = reverse("privacy:request_create")
    data = intake(subscriber) | {"submission_token": drawn_token(client, url)}

    # When it is sent, the answer is a 500 and nothing of it stays
    assert client.post(url, data).status_code == 500
    assert not SubjectRequest.objects.exists() and not FormSubmission.objects.exists()

    # When the server works again, the same form goes through
    monkeypatch.setattr(views.service, "request_receive", real_receive)
    assert client.post(url, data).status_code == 302 and SubjectRequest.objects.count() == 1
