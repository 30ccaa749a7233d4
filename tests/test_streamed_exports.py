"""The registry and provision-log exports stream (issue 20): the access log is written a chunk at a time and
committed before the first byte leaves, and the file holds exactly whom the log names — whatever is registered or
provided while it is being sent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.models import AccessLog, BulkUse
from tests.downloads import download_text
from tests.factories import SubscriberFactory, WorkOrderFactory
from tests.privacy.test_staff_pages import _provide

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so that five subscribers show what a million would: the work goes a piece at a time."""
    monkeypatch.setattr("privacy.services.access_log.LOG_CHUNK", 2)
    monkeypatch.setattr("subscribers.views.LOG_CHUNK", 2)
    monkeypatch.setattr("privacy.views.provisions.LOG_CHUNK", 2)
    monkeypatch.setattr("mctv.responses.STREAM_ROWS", 2)


def test_the_registry_export_is_logged_before_it_streams_and_holds_exactly_whom_the_log_names(
    clerk_client, clerk, small_chunks
):
    # Given five subscribers named 山田
    people = [SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ") for _ in range(5)]

    # When the clerk exports the search
    with CaptureQueriesContext(connection) as queries:
        response = clerk_client.get(reverse("subscribers:export"), {"q": "やまだ"})

    # Then the response streams, and before its first byte the log names all five, written two rows per INSERT
    assert response.streaming
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted(logged.values_list("subscriber_number", flat=True)) == sorted(p.number for p in people)
    assert {entry.batch_size for entry in logged} == {5} and logged.filter(batch_head=True).count() == 1
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "privacy_accesslog"')]
    assert len(inserts) == 3
    assert BulkUse.objects.get().count == 5

    # When a sixth 山田 is registered while the file is being sent
    late = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    pieces = list(response.streaming_content)

    # Then the file holds the five the log names, a header and rows, sent in pieces, and not the sixth
    body = b"".join(pieces).decode("utf-8-sig")
    assert len(pieces) >= 4
    assert all(p.number in body for p in people) and late.number not in body
    assert len(body.splitlines()) == 6


def test_an_export_of_nobody_is_a_header_and_logs_no_one(clerk_client):
    body = download_text(clerk_client.get(reverse("subscribers:export"), {"q": "該当者なし"}))
    assert len(body.splitlines()) == 1 and body.startswith("加入者番号,")
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_provision_log_export_holds_the_rows_up_to_when_it_was_asked_for(clerk_client, clerk, small_chunks):
    # Given three provisions to three subscribers' work orders
    orders = [WorkOrderFactory.create() for _ in range(3)]
    for order in orders:
        _provide(order, clerk)

    # When the log is exported, and another provision is recorded while the file is being sent
    response = clerk_client.get(reverse("privacy:provision_export"))
    assert response.streaming
    late = WorkOrderFactory.create()
    _provide(late, clerk)
    body = download_text(response)

    # Then the file holds the three, each subscriber logged once, and not the provision made later
    assert all(order.subscriber.number in body for order in orders) and late.subscriber.number not in body
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted(logged.values_list("subscriber_number", flat=True)) == sorted(o.subscriber.number for o in orders)
    assert {entry.detail["count"] for entry in logged} == {3}
