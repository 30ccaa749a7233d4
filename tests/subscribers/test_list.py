"""The registry's list: records whose personal data was erased stay out of a search unless the filter asks."""

import pytest
from django.urls import reverse

from privacy.services.erasure import subscriber_personal_data_erase
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_and_erased(officer):
    kept = SubscriberFactory.create(street_address="中央町1丁目1-1")
    erased = SubscriberFactory.create(street_address="中央町2丁目2-2")
    subscriber_personal_data_erase(subscriber=erased, user=officer, reason="保存期間満了")
    erased.refresh_from_db()
    assert erased.erased_on is not None
    return kept, erased


def _listed(response) -> set[int]:
    return {s.pk for s in response.context["subscribers"]}


def test_erased_records_are_left_out_of_the_list_and_of_a_search_by_number(clerk_client, kept_and_erased):
    kept, erased = kept_and_erased
    # When the clerk opens the list, or searches the erased record's number
    whole = clerk_client.get(reverse("subscribers:list"))
    by_number = clerk_client.get(reverse("subscribers:list"), {"q": erased.number})
    # Then the erased record is in neither
    assert _listed(whole) == {kept.pk}
    assert erased.pk not in _listed(by_number)


def test_the_filter_shows_erased_records_marked_as_such(clerk_client, kept_and_erased):
    kept, erased = kept_and_erased
    # When the clerk ticks "include erased records"
    response = clerk_client.get(reverse("subscribers:list"), {"erased": "1"})
    # Then both are listed, the erased one marked in words, and the box stays ticked
    assert _listed(response) == {kept.pk, erased.pk}
    html = response.content.decode()
    assert "個人情報消去済み" in html
    assert 'name="erased" value="1" checked' in html
    by_number = clerk_client.get(reverse("subscribers:list"), {"q": erased.number, "erased": "1"})
    assert erased.pk in _listed(by_number)


def test_the_list_sorts_by_status_with_the_number_breaking_ties(clerk_client):
    active = SubscriberFactory.create_batch(2, status="active")
    applied = SubscriberFactory.create(status="applied")
    response = clerk_client.get(reverse("subscribers:list"), {"sort": "status"})
    assert [s.pk for s in response.context["subscribers"]] == [*sorted(s.pk for s in active), applied.pk]
