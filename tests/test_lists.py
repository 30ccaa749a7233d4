"""The staff lists' shared mechanics (mctv.lists): sorting by a whitelist of keys, and a page number that
never fails — jumped to, garbage, or past the end."""

import re

import pytest
from django.urls import reverse

from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    return [s.number for s in response.context["subscribers"]]


@pytest.fixture
def three(settings):
    settings.SUBSCRIBERS_PER_PAGE = 2
    return [
        SubscriberFactory.create(family_name_kana="ウエダ", status="active"),
        SubscriberFactory.create(family_name_kana="アベ", status="applied"),
        SubscriberFactory.create(family_name_kana="カトウ", status="applied"),
    ]


def test_a_column_header_sorts_and_again_reverses(clerk_client, three):
    # Given three subscribers, and the list sorted by reading
    response = clerk_client.get(reverse("subscribers:list"), {"sort": "reading"})
    # Then the first page is アベ, ウエダ; the header says so (aria-sort and ▲) and links to the reverse order
    assert _numbers(response) == [three[1].number, three[0].number]
    html = response.content.decode()
    assert 'aria-sort="ascending"' in html and "▲" in html
    assert "?sort=-reading" in html
    # When the reverse is asked for, then カトウ comes first and the header says descending
    response = clerk_client.get(reverse("subscribers:list"), {"sort": "-reading"})
    assert _numbers(response) == [three[2].number, three[0].number]
    assert 'aria-sort="descending"' in response.content.decode()


def test_a_sort_header_keeps_the_search_and_filters_and_starts_at_page_one(clerk_client, three):
    response = clerk_client.get(reverse("subscribers:list"), {"status": "active", "page": "1", "sort": "number"})
    links = re.findall(r'class="sort" href="\?([^"]*)"', response.content.decode())
    assert links and all("status=active" in link and "page=" not in link for link in links)


@pytest.mark.parametrize("sort", ["family_name", "-password", "pk); drop table x", "--number", "search_text", ""])
def test_an_unknown_sort_key_keeps_the_lists_own_order(clerk_client, three, sort):
    # When a key outside the whitelist is asked for, the list is shown in its own order (by number), no error
    response = clerk_client.get(reverse("subscribers:list"), {"sort": sort})
    assert response.status_code == 200
    assert _numbers(response) == sorted(s.number for s in three)[:2]
    assert "aria-sort" not in response.content.decode()


def test_the_pagination_offers_a_page_number_jump_that_keeps_the_filters(clerk_client, three):
    response = clerk_client.get(reverse("subscribers:list"), {"status": "", "sort": "reading"})
    html = response.content.decode()
    form = re.search(r'<form method="get" class="page-jump">(.*?)</form>', html, re.S)
    assert form, "no page-number form"
    assert 'name="page"' in form.group(1) and 'max="2"' in form.group(1)
    assert '<input type="hidden" name="sort" value="reading">' in form.group(1)
    # When page 2 is jumped to, then the third subscriber is on it
    response = clerk_client.get(reverse("subscribers:list"), {"sort": "reading", "page": "2"})
    assert _numbers(response) == [three[2].number]


@pytest.mark.parametrize(
    ("page", "shown", "told"),
    [("99", 2, True), ("0", 2, True), ("9" * 40, 2, True), ("abc", 1, True), ("1.5", 1, True), ("", 1, False)],
)
def test_a_page_number_out_of_range_or_garbage_shows_a_page_and_says_which(clerk_client, three, page, shown, told):
    # When a page that does not exist (or is no number) is asked for
    response = clerk_client.get(reverse("subscribers:list"), {"page": page})
    # Then the nearest real page is shown (the last, or the first), never a 404 or 500, with a message
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    assert len(list(response.context["messages"])) == (1 if told else 0)


def test_a_page_past_the_end_of_a_search_shows_its_last_page(clerk_client, three):
    # A search counts its matches in the page's own query (CountingPaginator): past the end it counts apart
    SubscriberFactory.create_batch(3, family_name="山田")
    response = clerk_client.get(reverse("subscribers:list"), {"q": "山田", "page": "7"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


SORTED_LISTS = [
    ("subscribers:list", "subscribers.list_views.SubscriberListView"),
    ("privacy:request_list", "privacy.views.requests.RequestListView"),
    ("privacy:access_log", "privacy.views.access_log.AccessLogListView"),
    ("privacy:work_order_list", "privacy.views.work_orders.WorkOrderListView"),
    ("privacy:provision_list", "privacy.views.provisions.ProvisionListView"),
    ("privacy:exceptional_list", "privacy.views.provisions.ExceptionalProvisionListView"),
    ("privacy:incident_list", "privacy.views.incidents.IncidentListView"),
    ("privacy:appeal_list", "privacy.views.appeals.AppealListView"),
    ("privacy:complaint_list", "privacy.views.complaints.ComplaintListView"),
    ("privacy:consultation_list", "privacy.views.consultations.ConsultationListView"),
    ("privacy:contractor_list", "privacy.views.contractors.ContractorListView"),
    ("privacy:disposal_list", "privacy.views.retention.DisposalListView"),
    ("privacy:access_review_list", "privacy.views.access_review.AccessReviewListView"),
]


def _view(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


@pytest.mark.parametrize(("name", "view"), SORTED_LISTS, ids=[n for n, _v in SORTED_LISTS])
def test_every_staff_list_sorts_by_each_of_its_keys_both_ways(client, officer, name, view):
    # Given a list with rows to sort
    from tests.test_queries import _make_rows

    client.force_login(officer)
    _make_rows(2, officer)
    keys = _view(view).sort_keys
    assert keys, f"{name} has no sortable columns"
    for key in keys:
        for value, aria in ((key, "ascending"), (f"-{key}", "descending")):
            # When it is sorted by the key, then it answers, and the key's header says how it is sorted
            response = client.get(reverse(name), {"sort": value})
            assert response.status_code == 200, (name, value)
            assert f'aria-sort="{aria}"' in response.content.decode(), (name, value)


@pytest.mark.parametrize("name", ["privacy:request_list", "privacy:access_log", "privacy:work_order_list"])
def test_a_lists_filter_form_keeps_its_sort(client, officer, name):
    client.force_login(officer)
    html = client.get(reverse(name), {"sort": "-status" if name != "privacy:access_log" else "-at"}).content.decode()
    filters = re.search(r'<form method="get" class="filters">(.*?)</form>', html, re.S)
    assert filters and 'type="hidden" name="sort" value="-' in filters.group(1)
