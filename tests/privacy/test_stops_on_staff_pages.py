"""A stop of provision, pending or decided, is visible where staff hand data to contractors: the new work order
warns, the work order page stops showing what the contractor would see and offers no print, and the sheets
printed before the stop are listed until each is recorded as returned or destroyed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import SheetRetrieval, WorkKind, WorkOrder
from privacy.services import requests as svc
from privacy.services.work_orders import work_sheet_issue
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory
from tests.privacy.test_requests import receive, to_review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def order_form(subscriber, agreement) -> dict:
    return {
        "subscriber_number": subscriber.number,
        "contractor": agreement.contractor.pk,
        "kind": WorkKind.objects.get(code="repair").pk,
        "scheduled_on": TODAY().isoformat(),
        "access_from": TODAY().isoformat(),
        "access_until": (TODAY() + timedelta(days=3)).isoformat(),
        "items": ["number", "name", "address", "phone"],
    }


def test_a_work_order_for_someone_with_a_pending_stop_request_warns_first(clerk_client, clerk):
    # Given a subscriber whose request to stop provision to contractors is not decided yet
    subscriber = SubscriberFactory.create()
    request = receive(clerk, subscriber, kind="stop_contractors")
    agreement = AgreementFactory.create(items=["number", "name", "address", "phone"])
    url = reverse("privacy:work_order_create")

    # When the clerk registers a work order, the page warns, names the request and saves nothing
    warned = clerk_client.post(url, order_form(subscriber, agreement))
    page = warned.content.decode()
    assert warned.status_code == 200 and request.number in page and "まだ決定" in page
    assert not WorkOrder.objects.exists()

    # When the clerk goes on knowingly, it is registered
    assert clerk_client.post(url, order_form(subscriber, agreement) | {"confirmed": "1"}).status_code == 302
    assert WorkOrder.objects.count() == 1


def test_a_work_order_for_someone_without_any_stop_does_not_warn(clerk_client):
    subscriber = SubscriberFactory.create()
    agreement = AgreementFactory.create(items=["number", "name", "address", "phone"])
    assert clerk_client.post(reverse("privacy:work_order_create"), order_form(subscriber, agreement)).status_code == 302


def test_after_a_decided_stop_the_order_page_hides_what_the_contractor_saw_and_lists_sheets_to_retrieve(
    client, clerk, officer
):
    # Given a work order whose sheet was printed twice, and then the subscriber's stop decided
    order = WorkOrderFactory.create(items=["number", "name", "address"])
    first, _pdf = work_sheet_issue(work_order=order, user=clerk, method="paper")
    second, _pdf = work_sheet_issue(work_order=order, user=clerk, method="paper")
    request = to_review(receive(clerk, order.subscriber, kind="stop_contractors"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    client.force_login(clerk)
    url = reverse("privacy:work_order_detail", args=[order.pk])

    # When the clerk opens the work order
    page = client.get(url)
    text = page.content.decode()

    # Then neither what the contractor would see nor the print button is offered, and both sheets are listed
    assert "工事業者に表示される内容" not in text and "提供は停止" in text
    assert reverse("privacy:work_order_sheet", args=[order.pk]) not in text
    assert page.context["values"] == []
    assert [sheet.pk for sheet in page.context["sheets_to_retrieve"]] == [first.pk, second.pk]
    # and the subscriber's page lists the work order among the sheets still out
    subscriber_page = client.get(reverse("subscribers:detail", args=[order.subscriber.pk])).content.decode()
    assert "回収" in subscriber_page and order.number in subscriber_page

    # When one sheet is recorded as returned
    done = reverse("privacy:work_order_sheet_retrieved", args=[order.pk, first.pk])
    client.post(done, {"outcome": "returned", "on": TODAY().isoformat(), "how": "窓口で現物を受領"})

    # Then only the other remains on the checklist, and the record names who, when and how
    page = client.get(url)
    assert [sheet.pk for sheet in page.context["sheets_to_retrieve"]] == [second.pk]
    retrieval = SheetRetrieval.objects.get()
    assert (retrieval.provision_id, retrieval.outcome, retrieval.recorded_by, retrieval.how) == (
        first.pk,
        "returned",
        clerk,
        "窓口で現物を受領",
    )
    assert "窓口で現物を受領" in page.content.decode()

    # and a second record of the same sheet, a date in the future, or no word of how, is refused
    client.post(done, {"outcome": "destroyed", "on": TODAY().isoformat(), "how": "破棄証明書"})
    later = reverse("privacy:work_order_sheet_retrieved", args=[order.pk, second.pk])
    refused = client.post(
        later, {"outcome": "destroyed", "on": (TODAY() + timedelta(days=1)).isoformat(), "how": "破棄証明書第12号"}
    )
    unsaid = client.post(later, {"outcome": "destroyed", "on": TODAY().isoformat(), "how": "  "})
    assert SheetRetrieval.objects.count() == 1
    # and the refused line comes back with what was typed, the reason said in Japanese
    assert 'value="破棄証明書第12号"' in refused.content.decode()
    assert "日付は作業票の印刷日から今日までの間で入力してください。" in refused.content.decode()
    assert "どのように確認したか" in unsaid.content.decode()


def test_before_any_stop_the_order_page_shows_what_the_contractor_sees_and_the_print_button(client, clerk):
    order = WorkOrderFactory.create(items=["number", "name", "address"])
    client.force_login(clerk)
    page = client.get(reverse("privacy:work_order_detail", args=[order.pk]))
    assert page.context["values"] and reverse("privacy:work_order_sheet", args=[order.pk]) in page.content.decode()
    assert list(page.context["sheets_to_retrieve"]) == []
