"""Every staff view or export of a subscriber's record is logged; the log is append-only in the database."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from mctv.db import AppendOnlyError
from privacy.models import AccessLog
from privacy.services.access_log import Numbered, access_log_record
from tests.factories import SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_opening_a_record_writes_who_whom_what_when(clerk_client, clerk):
    subscriber = SubscriberFactory.create()

    clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk]))

    entry = AccessLog.objects.get()
    assert (entry.user, entry.subscriber_id, entry.subscriber_number) == (clerk, subscriber.pk, subscriber.number)
    assert entry.action == AccessLog.Action.VIEW and entry.at is not None
    assert entry.path == reverse("subscribers:detail", args=[subscriber.pk])


def test_opening_the_history_is_logged(clerk_client):
    subscriber = SubscriberFactory.create()
    clerk_client.get(reverse("subscribers:history", args=[subscriber.pk]))
    assert list(AccessLog.objects.values_list("action", flat=True)) == [AccessLog.Action.HISTORY]


def test_a_search_result_list_logs_each_subscriber_it_shows_and_no_one_else(clerk_client, settings):
    # Given three 山田 and one 佐藤, and pages of two results
    settings.SUBSCRIBERS_PER_PAGE = 2
    yamada = [SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ") for _ in range(3)]
    SubscriberFactory.create(family_name="佐藤", family_name_kana="サトウ")
    # When the clerk searches and opens the first page
    clerk_client.get(reverse("subscribers:list"), {"q": "山田"})
    # Then the two shown are logged as listed, with the search that listed them, and nobody else
    rows = list(AccessLog.objects.values_list("action", "subscriber_id", "detail"))
    assert len(rows) == 2 and {r[1] for r in rows} < {s.pk for s in yamada}
    assert all(action == "listed" and detail["query"] == "山田" for action, _pk, detail in rows)


def test_every_page_that_shows_a_subscriber_is_logged(client, clerk, admin_user):
    from tests.factories import WorkOrderFactory

    order = WorkOrderFactory.create()
    # the staff work-order page (name, address, phone of the work)
    client.force_login(clerk)
    client.get(reverse("privacy:work_order_detail", args=[order.pk]))
    # admin: the subscriber's list, change and history pages, and a page of a record that shows the subscriber
    client.force_login(admin_user)
    client.get(reverse("admin:subscribers_subscriber_changelist"))
    client.get(reverse("admin:subscribers_subscriber_change", args=[order.subscriber.pk]))
    client.get(reverse("admin:subscribers_subscriber_history", args=[order.subscriber.pk]))
    client.get(reverse("admin:privacy_workorder_change", args=[order.pk]))
    logged = list(AccessLog.objects.order_by("id").values_list("user__username", "action", "subscriber_id"))
    s = order.subscriber.pk
    assert logged == [
        ("clerk", "view", s),
        ("admin", "listed", s),
        ("admin", "view", s),
        ("admin", "history", s),
        ("admin", "view", s),
    ]


def test_refused_requests_write_no_entry(client, auditor):
    subscriber = SubscriberFactory.create()
    client.force_login(auditor)
    client.get(reverse("subscribers:edit", args=[subscriber.pk]))
    client.force_login(UserFactory.create(username="no-role"))
    client.get(reverse("subscribers:detail", args=[subscriber.pk]))
    assert not AccessLog.objects.exists()


def test_python_refuses_to_change_or_delete_entries(clerk_client):
    subscriber = SubscriberFactory.create()
    clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk]))
    entry = AccessLog.objects.get()
    entry.action = AccessLog.Action.EXPORT
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().update(action="export")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    ["UPDATE privacy_accesslog SET action = 'export'", "DELETE FROM privacy_accesslog"],
)
def test_the_database_refuses_update_and_delete(clerk_client, sql):
    subscriber = SubscriberFactory.create()
    clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk]))

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AccessLog.objects.get().action == AccessLog.Action.VIEW


def test_access_log_is_read_only_in_admin(client, admin_user):
    SubscriberFactory.create()
    client.force_login(admin_user)
    assert client.get(reverse("admin:privacy_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_accesslog_add")).status_code == 403
    entry = AccessLog.objects.create(user=admin_user, subscriber_id=1, subscriber_number="1", action="view")
    response = client.post(reverse("admin:privacy_accesslog_change", args=[entry.pk]), {"action": "export"})
    assert response.status_code == 403
    assert client.post(reverse("admin:privacy_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "view"


def test_log_entries_survive_the_subscribers_deletion(clerk_client):
    subscriber = SubscriberFactory.create()
    clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk]))
    number = subscriber.number
    subscriber.delete()
    assert AccessLog.objects.get().subscriber_number == number


@pytest.mark.parametrize("chunk", [2, 2000])
def test_the_rows_of_one_use_share_its_moment_user_page_and_batch_and_the_first_heads_it(clerk, monkeypatch, chunk):
    monkeypatch.setattr("privacy.services.access_log.LOG_CHUNK", chunk)  # 2: written three INSERTs at a time
    subscribers = SubscriberFactory.create_batch(5)

    written = access_log_record(
        user=clerk,
        subscribers=subscribers,
        action=AccessLog.Action.LISTED,
        path="/subscribers/?q=田中\x00",
        detail={"query": "田中\x00", "status": ""},
    )

    rows = list(AccessLog.objects.order_by("id"))
    assert written == 5 and [(r.subscriber_id, r.subscriber_number) for r in rows] == [
        (s.pk, s.number) for s in subscribers
    ]
    shared = {(r.at, r.user_id, r.action, r.path, tuple(r.detail.items()), r.batch, r.batch_size) for r in rows}
    assert shared == {
        (rows[0].at, clerk.pk, "listed", "/subscribers/?q=田中", (("query", "田中"), ("status", "")), rows[0].batch, 5)
    }
    assert rows[0].batch is not None and [r.batch_head for r in rows] == [True, False, False, False, False]


def test_one_subscriber_is_a_use_of_its_own_without_a_batch(clerk):
    subscriber = SubscriberFactory.create()

    access_log_record(user=clerk, subscribers=[subscriber], action=AccessLog.Action.VIEW, path="/x/")

    entry = AccessLog.objects.get()
    assert (entry.batch, entry.batch_size, entry.batch_head, entry.detail) == (None, 1, True, {})


def test_a_path_too_long_for_its_column_is_cut_as_before(clerk):
    subscriber = SubscriberFactory.create()

    access_log_record(user=clerk, subscribers=[subscriber], action=AccessLog.Action.VIEW, path="/" + "p" * 400)

    assert len(AccessLog.objects.get().path) == 300


@pytest.mark.postgres
def test_a_number_too_long_for_its_column_is_refused_not_cut(clerk):
    subscriber = SubscriberFactory.create()

    with pytest.raises(DatabaseError), transaction.atomic():
        access_log_record(user=clerk, subscribers=[Numbered(subscriber.pk, "9" * 21)], action=AccessLog.Action.VIEW)
