"""The addresses a page draws many of (mctv.links) are the ones ``reverse`` gives, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from mctv.links import url_for_each, url_of
from tests.factories import SubscriberFactory


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/mctv/"])
def test_each_rows_address_is_its_reverse(script_prefix, prefix):
    script_prefix(prefix)
    detail = url_for_each("subscribers:detail")

    for pk in (1, 7, 10, 98765, 9_876_543_210_123):
        assert detail(pk) == reverse("subscribers:detail", args=[pk])
    assert detail(5).startswith(prefix)


def test_a_view_taking_no_pk_is_refused():
    with pytest.raises(NoReverseMatch):
        url_for_each("home")


def test_a_menu_entrys_address_follows_the_script_prefix(script_prefix):
    assert url_of("subscribers:list") == reverse("subscribers:list") == "/subscribers/"
    script_prefix("/mctv/")

    assert url_of("subscribers:list") == reverse("subscribers:list") == "/mctv/subscribers/"


@pytest.mark.django_db
def test_the_registry_list_links_each_row_to_its_record(client, clerk):
    subscribers = SubscriberFactory.create_batch(3)
    client.force_login(clerk)

    page = client.get(reverse("subscribers:list")).content.decode()

    for subscriber in subscribers:
        assert page.count(f'href="{reverse("subscribers:detail", args=[subscriber.pk])}"') == 2  # number, name
