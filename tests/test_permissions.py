"""Who may reach what, per role; refusals are 403/404 and logged, never 500."""

import logging

import pytest
from django.urls import reverse

from privacy.models import AccessLog
from subscribers.models import Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    return SubscriberFactory.create()


def _staff_urls(subscriber):
    return [
        reverse("subscribers:list"),
        reverse("subscribers:create"),
        reverse("subscribers:export"),
        reverse("subscribers:detail", args=[subscriber.pk]),
        reverse("subscribers:edit", args=[subscriber.pk]),
        reverse("subscribers:status", args=[subscriber.pk]),
        reverse("subscribers:history", args=[subscriber.pk]),
        reverse("privacy:access_log"),
    ]


def test_anonymous_users_are_sent_to_login(client, subscriber):
    for url in [reverse("home"), *_staff_urls(subscriber)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("is_staff", [False, True])
def test_clerk_cannot_reach_admin_even_flagged_as_staff(client, clerk, subscriber, is_staff):
    clerk.is_staff = is_staff
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk])).status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert client.get(reverse("admin:subscribers_subscriber_changelist")).status_code == 302


def test_clerk_cannot_read_the_access_log(client, clerk, caplog):
    client.force_login(clerk)
    with caplog.at_level(logging.WARNING, logger="mctv.security"):
        response = client.get(reverse("privacy:access_log"))
    assert response.status_code == 403
    assert "403 GET /audit/access-log/ user=clerk" in caplog.text


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_officers_and_auditors_read_the_access_log(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("privacy:access_log")).status_code == 200


def test_auditor_reads_everything_but_changes_nothing(client, auditor, subscriber):
    client.force_login(auditor)
    for url in [
        reverse("subscribers:list"),
        reverse("subscribers:detail", args=[subscriber.pk]),
        reverse("subscribers:history", args=[subscriber.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    for url in [
        reverse("subscribers:create"),
        reverse("subscribers:edit", args=[subscriber.pk]),
        reverse("subscribers:status", args=[subscriber.pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert (
            client.post(url, {"family_name": "改ざん", "status": "terminated", "on_date": "2026-11-01"}).status_code
            == 403
        )
    assert client.get(reverse("subscribers:export")).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.family_name != "改ざん"
    assert Subscriber.objects.count() == 1
    assert client.get(reverse("admin:index")).status_code == 302


def test_contractor_reaches_no_staff_page_and_lands_in_the_portal(client, contractor_user, subscriber):
    client.force_login(contractor_user)
    for url in [reverse("home"), reverse("admin:index"), *_staff_urls(subscriber)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("portal:home"), url
        assert client.post(url, {"family_name": "x"}).url == reverse("portal:home"), url
    assert AccessLog.objects.count() == 0


def test_unknown_subscriber_is_404_and_logged(clerk_client, caplog):
    with caplog.at_level(logging.INFO, logger="mctv.security"):
        response = clerk_client.get(reverse("subscribers:detail", args=[999999]))
    assert response.status_code == 404 and "404 GET" in caplog.text


def test_visibility_selector_hides_everyone_from_users_without_the_permission(contractor_user, clerk, subscriber):
    assert list(Subscriber.objects.visible_to(clerk)) == [subscriber]
    assert not Subscriber.objects.visible_to(contractor_user).exists()


def test_admin_changelist_goes_through_the_visibility_selector(client, admin_user, subscriber, monkeypatch):
    """Admin is one more path to the registry: it must ask the same selector as the staff views."""
    calls = []
    original = Subscriber.objects.visible_to

    def spy(user):
        calls.append(user)
        return original(user)

    monkeypatch.setattr(Subscriber.objects, "visible_to", spy, raising=False)
    client.force_login(admin_user)
    assert client.get(reverse("admin:subscribers_subscriber_changelist")).status_code == 200
    assert calls and {user.pk for user in calls} == {admin_user.pk}


def test_admin_views_of_a_record_are_logged_and_deletion_is_not_offered(client, admin_user, subscriber):
    client.force_login(admin_user)
    client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk]))
    client.get(reverse("admin:subscribers_subscriber_history", args=[subscriber.pk]))
    response = client.post(reverse("admin:subscribers_subscriber_delete", args=[subscriber.pk]), {"post": "yes"})
    assert response.status_code == 403 and Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert sorted(AccessLog.objects.values_list("action", flat=True)) == ["history", "view"]


@pytest.mark.parametrize(
    ("user", "name", "args", "query"),
    [
        ("officer", "privacy:access_log", [], {"date_from": "0001-01-01", "date_to": "9999-12-31"}),
        ("clerk", "privacy:provision_list", [], {"date_from": "0001-01-01", "date_to": "9999-12-31"}),
        ("clerk", "privacy:provision_export", [], {"date_to": "9999-12-31"}),
        ("clerk", "privacy:work_order_list", [], {"contractor": "²"}),
        ("clerk", "subscribers:edit", ["subscriber"], {"request": "²"}),
    ],
)
def test_odd_but_well_formed_input_is_answered_not_a_500(client, clerk, officer, user, name, args, query):
    """Days at the calendar's edge and digits that are not ASCII digits reach no 500."""
    from tests.factories import SubscriberFactory

    client.force_login({"clerk": clerk, "officer": officer}[user])
    args = [SubscriberFactory.create().pk if a == "subscriber" else a for a in args]
    assert client.get(reverse(name, args=args), query).status_code == 200
