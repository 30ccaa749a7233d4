"""The registry and provision-log exports stream (issue 20): the access log is written a chunk at a time and
committed before the first byte leaves, and the file holds exactly whom the log names — whatever is registered or
provided while it is being sent."""

from itertools import accumulate, islice

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog, BulkUse, Provision
from privacy.services import provision_exports
from subscribers.models import Subscriber
from tests.downloads import download_text
from tests.factories import SubscriberFactory, WorkOrderFactory
from tests.privacy.test_staff_pages import _provide

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so that five subscribers show what a million would: the work goes a piece at a time."""
    monkeypatch.setattr("privacy.services.access_log.LOG_CHUNK", 2)
    monkeypatch.setattr("privacy.services.purposes.LOG_CHUNK", 2)
    monkeypatch.setattr("privacy.services.provision_exports.LOG_CHUNK", 2)
    monkeypatch.setattr("mctv.responses.STREAM_ROWS", 2)


def _yamadas(n: int) -> list:
    """Subscribers named 山田, in number order (the export's)."""
    made = [SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ") for _ in range(n)]
    return sorted(made, key=lambda p: p.number)


def test_the_registry_export_logs_each_chunk_just_before_it_is_sent_and_holds_exactly_whom_the_log_names(
    clerk_client, clerk, small_chunks
):
    # Given five subscribers named 山田
    people = _yamadas(5)

    # When the clerk exports the search
    response = clerk_client.get(reverse("subscribers:export"), {"q": "やまだ"})

    # Then the use is recorded with its count at once, and the file streams
    assert response.streaming
    assert BulkUse.objects.get().count == 5
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)

    # When the file is read a piece at a time
    pieces, logged_when_sent = [], []
    with CaptureQueriesContext(connection) as queries:
        for piece in response.streaming_content:
            pieces.append(piece.decode("utf-8-sig"))
            logged_when_sent.append(set(logged.values_list("subscriber_number", flat=True)))

    # Then every number was logged before the piece carrying it left, and no later chunk before it was needed:
    # the first byte waits for one chunk, not for the whole file's log
    for sent_so_far, numbers_logged in zip(accumulate(pieces), logged_when_sent, strict=True):
        in_file = {p.number for p in people if p.number in sent_so_far}
        assert in_file <= numbers_logged
        assert len(numbers_logged - in_file) <= 2
    assert any(len(numbers) == 2 for numbers in logged_when_sent)
    assert sorted(logged.values_list("subscriber_number", flat=True)) == [p.number for p in people]
    assert {entry.batch_size for entry in logged} == {5} and logged.filter(batch_head=True).count() == 1
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "privacy_accesslog"')]
    assert len(inserts) == 3
    assert len("".join(pieces).splitlines()) == 6


def test_who_joins_or_leaves_the_search_while_the_file_is_sent_is_neither_in_the_file_nor_in_the_log(
    clerk_client, clerk, small_chunks
):
    # Given five subscribers named 山田, exported
    people = _yamadas(5)
    response = clerk_client.get(reverse("subscribers:export"), {"q": "やまだ"})
    stream = iter(response.streaming_content)
    first = next(stream) + next(stream)

    # When, after the first chunk, a sixth 山田 is registered and the last one's use is suspended (§3)
    late = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    Subscriber.objects.filter(pk=people[-1].pk).update(use_suspended_on=timezone.localdate())
    body = b"".join([first, *stream]).decode("utf-8-sig")

    # Then the file holds the first four, not the sixth nor the one whose use stopped, and the log says the same
    assert [p.number for p in people[:4] if p.number in body] == [p.number for p in people[:4]]
    assert late.number not in body and people[-1].number not in body
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted(logged.values_list("subscriber_number", flat=True)) == [p.number for p in people[:4]]


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


def test_the_provision_log_export_names_each_person_just_before_the_first_row_naming_them_is_sent(
    clerk_client, clerk, small_chunks
):
    # Given three provisions to three subscribers' work orders, the first subscriber's twice
    orders = [WorkOrderFactory.create() for _ in range(3)]
    for order in [orders[0], *orders]:
        _provide(order, clerk)
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)

    # When the export's first rows are read
    stream = iter(clerk_client.get(reverse("privacy:provision_export")).streaming_content)
    sent = (next(stream) + next(stream)).decode("utf-8-sig")

    # Then only the people of the chunk sent are logged yet, the first one once
    assert sorted(logged.values_list("subscriber_number", flat=True)) == [orders[0].subscriber.number]
    assert orders[0].subscriber.number in sent and orders[1].subscriber.number not in sent

    # When the rest is read, then everybody in the file is logged once, and the use names its four rows
    body = sent + b"".join(stream).decode("utf-8-sig")
    assert sorted(logged.values_list("subscriber_number", flat=True)) == sorted(o.subscriber.number for o in orders)
    assert all(o.subscriber.number in body for o in orders)
    assert {(entry.batch_size, entry.detail["count"]) for entry in logged} == {(3, 4)}
    assert logged.filter(batch_head=True).count() == 1


def test_the_provision_log_export_reads_rows_of_the_same_moment_across_chunks_once_each(
    clerk_client, clerk, small_chunks
):
    # Given five provisions recorded at the same instant (a bulk hand-over writes them so)
    orders = [WorkOrderFactory.create() for _ in range(5)]
    with time_machine.travel(timezone.now(), tick=False):
        for order in orders:
            _provide(order, clerk)

    # When the log is exported two rows a query
    body = download_text(clerk_client.get(reverse("privacy:provision_export")))

    # Then each row is in the file once, in the order they were recorded
    numbers = [line.split(",")[1] for line in body.splitlines()[1:]]
    assert numbers == [o.subscriber.number for o in orders]


def test_each_chunk_of_the_provision_log_is_read_from_the_index_in_order_not_sorted(clerk, small_chunks):
    # Given three provisions
    for order in [WorkOrderFactory.create() for _ in range(3)]:
        _provide(order, clerk)

    # When the export reads its second chunk, then PostgreSQL walks the (at, id) index from where the first ended
    # and stops after the chunk: no sort of everything after it
    with CaptureQueriesContext(connection) as queries:
        first, second = list(islice(provision_exports._chunks(Provision.objects.all()), 2))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "provision_at_id" in plan and "Sort" not in plan, plan
    assert (len(first), len(second)) == (2, 1)


def test_an_export_of_one_subscriber_is_one_row_of_the_log_not_a_batch(clerk_client):
    person = SubscriberFactory.create(family_name="一人", family_name_kana="ヒトリ")

    body = download_text(clerk_client.get(reverse("subscribers:export"), {"q": "ひとり"}))

    assert person.number in body and len(body.splitlines()) == 2
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.subscriber_number, entry.batch, entry.batch_size, entry.batch_head) == (person.number, None, 1, True)


def test_a_download_abandoned_after_its_first_rows_leaves_a_log_of_what_was_sent(clerk_client, small_chunks):
    # Given five subscribers exported two a chunk
    people = _yamadas(5)
    response = clerk_client.get(reverse("subscribers:export"), {"q": "やまだ"})

    # When the download stops after the first rows (the connection is cut: the server reads no further)
    stream = iter(response.streaming_content)
    sent = (next(stream) + next(stream)).decode("utf-8-sig")

    # Then the log names the first chunk's two, whose rows were sent, and nobody else; the use states the five asked
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted(logged.values_list("subscriber_number", flat=True)) == [p.number for p in people[:2]]
    assert people[0].number in sent and BulkUse.objects.get().count == 5
