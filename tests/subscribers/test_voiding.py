"""A registration made by mistake is voided (取消し) with a reason and history: distinct from a termination (解約),
left out of lists, searches, exports, every bulk use, the file register's count and the portal (issue 18)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mctv.transitions import TransitionError
from privacy.models import Provision, Purpose, RetentionRule
from privacy.models.retention import RecordClass
from privacy.selectors.purposes import subscribers_usable_for
from privacy.selectors.retention_classes import CLASS_RULES
from privacy.selectors.work_orders import work_orders_visible_to
from privacy.services.file_register import count_people
from privacy.services.provision import ProvisionRefused, provision_record
from privacy.services.work_orders import work_order_create
from subscribers.models import Subscriber
from subscribers.services import subscriber_erase, subscriber_set_status, subscriber_void
from tests.downloads import download_text
from tests.factories import SubscriberFactory, SubscriberServiceFactory, WorkOrderFactory, contractor_user

pytestmark = pytest.mark.django_db


def test_the_officer_voids_a_mistaken_registration_after_a_confirmation_and_the_history_keeps_the_reason(
    client, officer
):
    # Given 00000502, the same person registered twice, with a service
    duplicate = SubscriberFactory.create(number="00000502", status="applied", activated_on=None)
    service = SubscriberServiceFactory.create(subscriber=duplicate, service="tv", started_on=duplicate.applied_on)
    client.force_login(officer)
    url = reverse("subscribers:void", args=[duplicate.pk])
    assert "この登録を取り消す" in client.get(reverse("subscribers:detail", args=[duplicate.pk])).content.decode()
    assert client.get(url).status_code == 200

    # When the officer gives the reason, a page first says what voiding does, and nothing has changed
    asked = client.post(url, {"reason": "00000501と同じ方の二重登録"})
    page = asked.content.decode()
    assert "解約ではなく" in page and "登録を取り消す" in page and "00000501と同じ方の二重登録" in page
    duplicate.refresh_from_db()
    assert duplicate.status == "applied"

    # When they confirm
    done = client.post(url, {"reason": "00000501と同じ方の二重登録", "confirmed": "1"})

    # Then the registration is voided today, its service ended, and the history row names who and why
    assert done.status_code == 302
    duplicate.refresh_from_db()
    service.refresh_from_db()
    assert (duplicate.status, duplicate.voided_on, duplicate.terminated_on) == ("voided", timezone.localdate(), None)
    assert service.ended_on == timezone.localdate()
    latest = duplicate.history.latest()
    assert latest.history_user == officer and latest.history_change_reason == "取消し：00000501と同じ方の二重登録"
    detail = client.get(reverse("subscribers:detail", args=[duplicate.pk])).content.decode()
    assert "取り消されました" in detail and 'class="status status-voided">取消し<' in detail
    assert "この登録を取り消す" not in detail and reverse("subscribers:edit", args=[duplicate.pk]) not in detail
    history = client.get(reverse("subscribers:history", args=[duplicate.pk])).content.decode()
    assert "取消し：00000501と同じ方の二重登録" in history


def test_a_clerk_may_not_void(clerk_client):
    subscriber = SubscriberFactory.create()
    assert clerk_client.post(reverse("subscribers:void", args=[subscriber.pk]), {"reason": "誤り"}).status_code == 403
    detail = clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk])).content.decode()
    assert "この登録を取り消す" not in detail


def test_voiding_needs_a_reason_and_a_status_the_map_allows(officer):
    subscriber = SubscriberFactory.create()
    with pytest.raises(ValidationError):
        subscriber_void(subscriber=subscriber, user=officer, reason="  ")
    terminated = SubscriberFactory.create(status="terminated", terminated_on=timezone.localdate())
    with pytest.raises(TransitionError):
        subscriber_void(subscriber=terminated, user=officer, reason="誤り")
    voided = subscriber_void(subscriber=subscriber, user=officer, reason="誤り")
    with pytest.raises(TransitionError):
        subscriber_set_status(subscriber=voided, status="active", on_date=timezone.localdate(), user=officer)


def test_the_status_form_neither_offers_nor_accepts_voiding(clerk_client, clerk):
    subscriber = SubscriberFactory.create()
    page = clerk_client.get(reverse("subscribers:status", args=[subscriber.pk]))
    assert "voided" not in [value for value, _label in page.context["form"].fields["status"].choices]
    with pytest.raises(ValidationError):
        subscriber_set_status(subscriber=subscriber, status="voided", on_date=timezone.localdate(), user=clerk)


def test_a_voided_registration_is_left_out_of_the_list_search_and_export_but_found_by_its_status(clerk_client, officer):
    kept = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    voided = subscriber_void(
        subscriber=SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ"), user=officer, reason="誤り"
    )

    listed = clerk_client.get(reverse("subscribers:list")).context["subscribers"]
    searched = clerk_client.get(reverse("subscribers:list") + "?q=山田").context["subscribers"]
    filtered = clerk_client.get(reverse("subscribers:list") + "?q=山田&status=voided").context["subscribers"]
    exported = _content(clerk_client.get(reverse("subscribers:export")))

    assert [s.pk for s in listed] == [kept.pk] and [s.pk for s in searched] == [kept.pk]
    assert [s.pk for s in filtered] == [voided.pk]
    assert kept.number in exported and voided.number not in exported


def test_a_voided_registration_is_used_for_no_purpose_counted_in_no_file_and_provided_to_no_contractor(officer):
    order = WorkOrderFactory.create()
    contractor = contractor_user(order.contractor)
    assert list(work_orders_visible_to(contractor)) == [order]
    people = count_people("registry")

    subscriber_void(subscriber=order.subscriber, user=officer, reason="誤り")

    for purpose in Purpose.objects.all():  # former subscribers' statistics included
        assert order.subscriber not in subscribers_usable_for(purpose)
    assert count_people("registry") == people - 1
    assert list(work_orders_visible_to(contractor)) == []
    with pytest.raises(ProvisionRefused) as refused:
        provision_record(
            subscriber=Subscriber.objects.get(pk=order.subscriber_id),
            items=order.items,
            method=Provision.Method.PAPER,
            basis=Provision.Basis.CONTRACTED_WORK,
            purpose="修理",
            user=officer,
            work_order=order,
        )
    assert refused.value.code == "voided"
    with pytest.raises(ValidationError):
        work_order_create(
            subscriber=Subscriber.objects.get(pk=order.subscriber_id),
            contractor=order.contractor,
            kind=order.kind,
            scheduled_on=timezone.localdate(),
            access_from=timezone.localdate(),
            access_until=timezone.localdate(),
            user=officer,
        )


def test_a_voided_registration_is_disposed_of_with_terminated_subscribers_counted_from_the_voiding(officer):
    voided = SubscriberFactory.create(status="voided", voided_on=date(2020, 5, 1), applied_on=date(2020, 4, 1))
    rule = CLASS_RULES[RecordClass.TERMINATED_SUBSCRIBER]
    retention = RetentionRule.objects.get(record_class=RecordClass.TERMINATED_SUBSCRIBER)
    assert voided in rule.due(retention, date(2020, 5, 1))
    assert voided not in rule.due(retention, date(2020, 4, 30))


def _content(response) -> str:
    return download_text(response)


def test_erasing_a_voided_registration_keeps_it_voided(officer):
    voided = subscriber_void(subscriber=SubscriberFactory.create(), user=officer, reason="誤り")

    subscriber_erase(subscriber=voided, user=officer, reason="消去請求")

    voided.refresh_from_db()
    assert (voided.status, voided.terminated_on, voided.erased_on) == ("voided", None, timezone.localdate())
