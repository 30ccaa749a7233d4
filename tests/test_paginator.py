"""The counting paginator gives what Django's gives, from one pass over the matches."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mctv.paginator import CountingPaginator
from subscribers.models import Subscriber
from tests.factories import SubscriberFactory


@pytest.fixture
def seventeen(db):
    for i in range(17):
        SubscriberFactory.create(family_name="頁田" if i % 3 else "他田", given_name=f"名{i:02d}")
    return Subscriber.objects.filter(family_name="頁田").order_by("given_name")  # 11 of them


@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (5, 2), (4, 3), (11, 0), (20, 0)])
def test_every_page_is_the_one_djangos_paginator_gives(seventeen, per_page, orphans):
    ours, django = (
        CountingPaginator(seventeen, per_page, orphans=orphans),
        Paginator(seventeen, per_page, orphans=orphans),
    )

    for number in django.page_range:
        page = ours.page(number)
        assert [s.pk for s in page] == [s.pk for s in django.page(number)]
        assert (ours.count, ours.num_pages, page.has_next()) == (
            django.count,
            django.num_pages,
            django.page(number).has_next(),
        )


def test_a_page_and_its_count_cost_two_queries_one_of_them_by_key(seventeen):
    with CaptureQueriesContext(connection) as queries:
        page = CountingPaginator(seventeen, 5).page(2)
        assert page.paginator.count == 11 and len(page) == 5

    assert len(queries) == 2
    assert "COUNT(" in queries[0]["sql"] and "OVER ()" in queries[0]["sql"]


def test_past_the_end_and_bad_numbers_are_refused_as_djangos_are(seventeen):
    paginator = CountingPaginator(seventeen, 5)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("二")
    assert CountingPaginator(Subscriber.objects.none(), 5).page(1).paginator.count == 0  # an empty first page


def test_with_orphans_the_rows_past_the_last_full_page_join_it(seventeen):
    paginator = CountingPaginator(seventeen, 5, orphans=1)  # 11 rows: 5 and 6

    assert len(paginator.page(2)) == 6 and paginator.num_pages == 2
    with pytest.raises(EmptyPage):
        CountingPaginator(seventeen, 5, orphans=1).page(3)


def test_an_absurd_page_number_is_no_page_not_a_database_error(seventeen):
    with pytest.raises(EmptyPage):
        CountingPaginator(seventeen, 5).page(10**30)
    with pytest.raises(EmptyPage):
        CountingPaginator(seventeen, 5).page(2**63 - 1)


def test_the_search_page_counts_in_the_pass_that_finds_its_rows_and_refuses_absurd_pages(clerk_client):
    for i in range(3):
        SubscriberFactory.create(family_name="頁田", given_name=f"名{i}")

    with CaptureQueriesContext(connection) as queries:
        response = clerk_client.get("/subscribers/", {"q": "頁田"})

    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 3
    assert any("OVER ()" in q["sql"] for q in queries) and not any("COUNT(*)" in q["sql"] for q in queries)
    # An absurd page (one the database could not offset to) shows the last page, never an error
    absurd = clerk_client.get("/subscribers/", {"q": "頁田", "page": "99999999999999999999999"})
    assert absurd.status_code == 200 and absurd.context["page_obj"].number == 1
