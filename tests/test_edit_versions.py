"""Two people edit the same record: the later, stale save is refused with the earlier change shown, never a
silent revert; saving again after reading it is deliberate."""

import pytest
from django.test import Client
from django.urls import reverse

from subscribers.models import Subscriber
from tests.factories import AgreementFactory, ContractorFactory, SubscriberFactory, WorkOrderFactory
from tests.forms import as_drawn

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_subscriber_edit_is_refused_and_shows_the_other_clerks_change(clerk, officer):
    # Given two people who opened the same subscriber's edit form
    subscriber = SubscriberFactory.create(phone="0176111111", email="")
    url = reverse("subscribers:edit", args=[subscriber.pk])
    first, second = signed_in(clerk), signed_in(officer)
    first_form, second_form = as_drawn(first.get(url)), as_drawn(second.get(url))

    # When the first saves a new phone number, and the second, from the older form, an e-mail address
    assert first.post(url, first_form | {"phone": "0176222222"}).status_code == 302
    refused = second.post(url, second_form | {"email": "taro@example.jp"})

    # Then the second save is refused, the first change stands, and the page shows it with who made it
    assert refused.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.phone, subscriber.email) == ("0176222222", "")
    page = refused.content.decode()
    assert "他の職員" in page and clerk.get_full_name() in page
    assert "0176111111" in page and "0176222222" in page
    # … and keeps what the second person typed
    assert refused.context["form"]["email"].value() == "taro@example.jp"

    # … with the first person's phone carried into the form, since the second had not changed it
    assert refused.context["form"]["phone"].value() == "0176222222"

    # When the second person, having read it, saves the refused form as it is
    resaved = second.post(url, as_drawn(refused))

    # Then both changes stand: nothing of the first was undone
    assert resaved.status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.phone, subscriber.email) == ("0176222222", "taro@example.jp")
    assert Subscriber.history.filter(id=subscriber.pk).count() == 3


def test_an_item_both_changed_keeps_what_the_second_typed_marked_with_the_firsts_value(clerk, officer):
    subscriber = SubscriberFactory.create(occupation="会社員")
    url = reverse("subscribers:edit", args=[subscriber.pk])
    first, second = signed_in(clerk), signed_in(officer)
    first_form, second_form = as_drawn(first.get(url)), as_drawn(second.get(url))

    first.post(url, first_form | {"occupation": "農業"})
    refused = second.post(url, second_form | {"occupation": "漁業"})

    form = refused.context["form"]
    assert form["occupation"].value() == "漁業" and "農業" in str(form.errors["occupation"])
    subscriber.refresh_from_db()
    assert subscriber.occupation == "農業"


def test_a_change_of_services_by_another_is_shown_and_carried(clerk, officer):
    subscriber = SubscriberFactory.create()
    url = reverse("subscribers:edit", args=[subscriber.pk])
    first, second = signed_in(clerk), signed_in(officer)
    first_form, second_form = as_drawn(first.get(url)), as_drawn(second.get(url))

    first.post(url, first_form | {"services": ["tv", "internet"]})
    refused = second.post(url, second_form | {"occupation": "農業"})

    changes = {change.name: change for change in refused.context["other_edit"].changes}
    assert changes["services"].after == ["internet", "tv"]
    assert sorted(refused.context["form"]["services"].value()) == ["internet", "tv"]


def test_an_edit_from_a_current_form_is_saved(clerk_client):
    subscriber = SubscriberFactory.create()
    url = reverse("subscribers:edit", args=[subscriber.pk])
    form = as_drawn(clerk_client.get(url))
    assert form["version"] == str(subscriber.history.latest().history_id)
    assert clerk_client.post(url, form | {"occupation": "農業"}).status_code == 302


@pytest.mark.parametrize(
    "make, url_name, field, first_value, second_value",
    [
        (ContractorFactory.create, "privacy:contractor_edit", "contact_person", "佐藤", "鈴木"),
        (AgreementFactory.create, "privacy:agreement_edit", "reference", "MCTV-A", "MCTV-B"),
        (WorkOrderFactory.create, "privacy:work_order_edit", "note", "鍵は管理人室", "午後のみ在宅"),
    ],
)
def test_every_edit_form_refuses_a_stale_save(admin_user, officer, make, url_name, field, first_value, second_value):
    record = make()
    url = reverse(url_name, args=[record.pk])
    first, second = signed_in(admin_user), signed_in(admin_user)
    first_form, second_form = as_drawn(first.get(url)), as_drawn(second.get(url))

    assert first.post(url, first_form | {field: first_value}).status_code == 302
    refused = second.post(url, second_form | {field: second_value})

    assert refused.status_code == 200 and refused.context["other_edit"] is not None
    record.refresh_from_db()
    assert getattr(record, field) == first_value


def test_a_moment_carried_forward_from_anothers_save_is_shown_in_the_office_style_and_saves(officer):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from tests.privacy.test_incidents import record

    # Given an incident open in two officers' forms
    incident = record(officer, [SubscriberFactory.create()])
    url = reverse("privacy:incident_edit", args=[incident.pk])
    first, second = signed_in(officer), signed_in(officer)
    first_form, second_form = as_drawn(first.get(url)), as_drawn(second.get(url))

    # When the first corrects the time of discovery and the second, unaware, saves another item
    assert first.post(url, first_form | {"discovered_at": "R8.11.3 9:15"}).status_code == 302
    refused = second.post(url, second_form | {"cause": "宛名ラベルの貼り違い"})

    # Then the second is shown the first's time as the office writes it, and saving again keeps both changes
    assert refused.status_code == 200 and refused.context["other_edit"] is not None
    carried = as_drawn(refused)
    assert carried["discovered_at"] == "R8.11.3 09:15"
    assert second.post(url, carried).status_code == 302
    incident.refresh_from_db()
    assert timezone.localtime(incident.discovered_at) == datetime(2026, 11, 3, 9, 15, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert incident.cause == "宛名ラベルの貼り違い"
