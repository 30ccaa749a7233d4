"""The access log lists one line per use: a search page, an export, a label sheet of many subscribers is one
line with its count and a link to its entries; the log stays paginated and served by an index."""

import pytest
from django.db import connection
from django.urls import reverse

from privacy.models import AccessLog
from privacy.services.access_log import access_log_record
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def uses(clerk):
    listed = SubscriberFactory.create_batch(3)
    opened = SubscriberFactory.create()
    access_log_record(user=clerk, subscribers=listed, action=AccessLog.Action.LISTED, path="/subscribers/?q=x")
    access_log_record(user=clerk, subscribers=[opened], action=AccessLog.Action.VIEW, path="/subscribers/1/")
    return listed, opened


def test_one_call_is_one_use_with_one_time_one_batch_and_one_head(uses):
    _listed, _opened = uses
    rows = list(AccessLog.objects.filter(action="listed"))
    assert len({r.batch for r in rows}) == 1 and rows[0].batch is not None
    assert len({r.at for r in rows}) == 1
    assert sorted(r.batch_head for r in rows) == [False, False, True]
    assert {r.batch_size for r in rows} == {3}
    single = AccessLog.objects.get(action="view")
    assert (single.batch, single.batch_size, single.batch_head) == (None, 1, True)


def test_the_log_shows_a_bulk_use_as_one_row_with_its_count_and_link(client, officer, uses):
    listed, opened = uses
    client.force_login(officer)
    # When the officer opens the access log
    response = client.get(reverse("privacy:access_log"))
    # Then it has two lines: the search page of three and the opened record
    entries = list(response.context["entries"])
    assert [e.action for e in entries] == ["view", "listed"]
    batch = entries[1].batch
    html = response.content.decode()
    assert f'href="?batch={batch}"' in html and "1回の利用で 3 件" in html
    assert opened.number in html and listed[0].number not in html


def test_the_link_lists_the_uses_entries(client, officer, uses):
    listed, _opened = uses
    client.force_login(officer)
    batch = AccessLog.objects.get(action="listed", batch_head=True).batch
    response = client.get(reverse("privacy:access_log"), {"batch": str(batch)})
    assert sorted(e.subscriber_number for e in response.context["entries"]) == sorted(s.number for s in listed)
    assert response.context["batch"].batch_size == 3


def test_a_subscribers_entries_are_shown_one_by_one_with_the_use_they_belong_to(client, officer, uses):
    listed, _opened = uses
    client.force_login(officer)
    response = client.get(reverse("privacy:access_log"), {"subscriber_number": listed[2].number})
    entries = list(response.context["entries"])
    assert [e.subscriber_number for e in entries] == [listed[2].number]
    assert f'href="?batch={entries[0].batch}"' in response.content.decode()


def test_a_garbage_batch_shows_the_log_by_use(client, officer, uses):
    client.force_login(officer)
    response = client.get(reverse("privacy:access_log"), {"batch": "not-a-uuid"})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 2


def test_the_log_by_use_is_read_from_its_partial_index(officer, uses):
    # Given the planner told not to read the table whole, the default listing uses the heads' index
    from privacy.selectors.access_log import access_log_visible_to

    qs = access_log_visible_to(officer).filter(batch_head=True).order_by("-at", "-id")[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "accesslog_heads_at" in plan
