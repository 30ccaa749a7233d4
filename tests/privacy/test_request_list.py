"""The request list: the subscriber's name where the viewer may see it, overdue rows marked in words and colour,
and columns that sort."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from privacy.services.requests import request_receive
from tests.factories import SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def requests_(officer):
    """An overdue disclosure request (received in October) and one received today, not yet due."""
    late = SubscriberFactory.create(family_name="三沢", given_name="太郎")
    fresh = SubscriberFactory.create(family_name="八戸", given_name="花子")
    with time_machine.travel(date(2026, 10, 1)):
        old = request_receive(
            subscriber=late,
            kind="disclosure",
            received_on=date(2026, 10, 1),
            channel="mail",
            details="開示",
            user=officer,
        )
    with time_machine.travel(TODAY):
        new = request_receive(
            subscriber=fresh, kind="disclosure", received_on=TODAY, channel="mail", details="開示", user=officer
        )
    return old, new


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("</tr>") if "<tr" in row]


@time_machine.travel(TODAY)
def test_the_list_names_each_subscriber_and_marks_the_overdue_row(client, officer, requests_):
    old, new = requests_
    client.force_login(officer)
    # When the officer opens the list of open requests
    html = client.get(reverse("privacy:request_list")).content.decode()
    # Then each row names its subscriber, and only the overdue one is marked — by class and by word
    rows = _rows(html)
    late_row = next(r for r in rows if old.number in r)
    fresh_row = next(r for r in rows if new.number in r)
    assert "三沢 太郎" in late_row and "八戸 花子" in fresh_row
    assert 'class="overdue"' in late_row and "期限超過" in late_row
    assert 'class="overdue"' not in fresh_row and "期限超過" not in fresh_row


@time_machine.travel(TODAY)
def test_the_name_follows_the_registrys_visibility_rule(client, department, requests_):
    # Given a staff account that may see requests but not the registry
    reader = UserFactory.create(department=department)
    reader.user_permissions.add(Permission.objects.get(codename="view_subjectrequest"))
    client.force_login(reader)
    # When it opens the list, then the numbers are there and the names are not
    html = client.get(reverse("privacy:request_list")).content.decode()
    assert requests_[0].subscriber.number in html
    assert "三沢" not in html and "八戸" not in html


@time_machine.travel(TODAY)
def test_the_request_list_sorts_by_a_whitelisted_column(client, officer, requests_):
    old, new = requests_
    client.force_login(officer)
    by_received = client.get(reverse("privacy:request_list"), {"sort": "-received_on"})
    assert [r.pk for r in by_received.context["requests"]] == [new.pk, old.pk]
    assert 'aria-sort="descending"' in by_received.content.decode()
    unknown = client.get(reverse("privacy:request_list"), {"sort": "subscriber__family_name"})
    assert unknown.status_code == 200
    assert [r.pk for r in unknown.context["requests"]] == [old.pk, new.pk]  # the list's own order: by due date
