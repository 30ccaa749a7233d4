"""Who may reach what, per role; refusals are 403/404 and logged, never 500."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog, Provision
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


# --- the superuser configures; the officer decides (issue 13 item 6) ---------------------------------------


def test_a_superuser_without_the_officer_role_decides_and_approves_nothing(admin_user, clerk, officer):
    from django.core.exceptions import PermissionDenied

    from privacy.services import requests as svc
    from privacy.services.exceptional import exceptional_provision_decide, exceptional_provision_request
    from privacy.services.incidents import incident_record
    from tests.factories import SubscriberFactory

    # Given a request under review and an exceptional provision awaiting approval
    subscriber = SubscriberFactory.create()
    request = svc.request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="counter",
        details="開示",
        user=clerk,
    )
    svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    svc.request_start_review(request=request, user=clerk)
    exception = exceptional_provision_request(
        subscriber=subscriber,
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="law",
        purpose="照会",
        reason="法令",
        user=clerk,
    )
    # Then the superuser decides neither, records no incident, and holds none of the officer's duties
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="full", reasons="", user=admin_user)
    with pytest.raises(PermissionDenied):
        exceptional_provision_decide(request=exception, approve=True, user=admin_user, note="承認")
    with pytest.raises(PermissionDenied):
        incident_record(user=admin_user, discovered_at=timezone.now(), discovered_by="x", description="x")
    assert not admin_user.has_perm("privacy.decide_subjectrequest") and officer.has_perm(
        "privacy.decide_subjectrequest"
    )
    assert not Provision.objects.exists()


def test_in_admin_a_stop_is_read_only_and_a_terminated_record_cannot_be_edited(client, admin_user, clerk):
    from privacy.models import ProvisionStop
    from tests.factories import SubscriberFactory

    # Given a stop of provision and a terminated subscriber
    stop = ProvisionStop.objects.create(
        subscriber=SubscriberFactory.create(), scope="contractors", reason="本人の請求", recorded_by=clerk
    )
    terminated = SubscriberFactory.create(status="terminated", terminated_on=timezone.localdate())
    client.force_login(admin_user)
    # When the superuser tries to delete the stop or change the terminated record
    client.post(reverse("admin:privacy_provisionstop_delete", args=[stop.pk]), {"post": "yes"})
    client.post(reverse("admin:privacy_provisionstop_change", args=[stop.pk]), {"reason": "消した"})
    client.post(reverse("admin:subscribers_subscriber_change", args=[terminated.pk]), {"family_name": "改変"})
    # Then nothing changed
    stop.refresh_from_db()
    terminated.refresh_from_db()
    assert stop.reason == "本人の請求" and terminated.family_name != "改変"


def test_an_admin_edit_of_a_subscriber_goes_through_the_registrys_service(client, admin_user):
    from tests.factories import SubscriberFactory

    subscriber = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    client.force_login(admin_user)
    page = client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk]))
    form = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    form.update({"family_name_kana": "やまだ", "_save": "保存"})
    for prefix in ("services",):
        form.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    client.post(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk]), form)
    subscriber.refresh_from_db()
    record = subscriber.history.first()
    assert record.history_user == admin_user and record.history_change_reason == "管理画面で編集"


# --- §4(1): a responsible person per department (issue 13 item 5) ------------------------------------------


def test_the_dashboard_warns_while_a_department_has_no_responsible_officer(client, clerk, officer, department):
    client.force_login(clerk)
    page = client.get(reverse("privacy:dashboard"))
    assert list(page.context["departments_without_officer"]) == [department]
    assert "責任者" in page.content.decode() and department.name in page.content.decode()
    department.responsible_officer = officer
    department.save()
    assert client.get(reverse("privacy:dashboard")).context["departments_without_officer"] == []


def test_admin_requires_the_responsible_officer_once_the_department_has_one(client, admin_user, officer, department):
    client.force_login(admin_user)
    url = reverse("admin:privacy_department_change", args=[department.pk])
    response = client.post(url, {"code": department.code, "name": department.name, "responsible_officer": ""})
    assert response.status_code == 200 and "responsible_officer" in response.context["adminform"].form.errors
    response = client.post(url, {"code": department.code, "name": department.name, "responsible_officer": officer.pk})
    department.refresh_from_db()
    assert response.status_code == 302 and department.responsible_officer == officer
