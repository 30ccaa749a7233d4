"""Bulk hand-overs on the staff pages and until they come back (§2(1), §6(2), ■19(2)④): the officer's page that asks
first, the one download, the confirmation of return or destruction, the overdue ones on the dashboard and in the
digest, and an incident begun from one."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mctv.transitions import TransitionError
from privacy import deadlines
from privacy.models import BulkHandover, ConfidentialityAgreement, Provision, Purpose, WorkOrder
from privacy.selectors.handovers import sheets_not_retrieved, work_sheets_out, work_sheets_overdue
from privacy.services.digest import deadline_digest_send_all
from privacy.services.handovers import handover_confirm, handover_create, handover_download
from privacy.services.provision import provision_record
from privacy.services.work_orders import sheet_retrieval_record, work_sheet_issue
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory, contractor_user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TODAY = timezone.localdate


@pytest.fixture
def printer(db):
    return AgreementFactory.create(
        kind=ConfidentialityAgreement.Kind.PRINTING, items=["number", "name", "address"], return_within_days=10
    )


@pytest.fixture
def handed_over(printer, officer):
    SubscriberFactory.create_batch(2)
    handover = handover_create(
        agreement=printer,
        purpose=Purpose.objects.get(code="notices"),
        items=["name", "address"],
        method=Provision.Method.TRANSMISSION,
        file_format=BulkHandover.Format.CSV,
        user=officer,
    )
    handover_download(handover=handover, user=officer)
    handover.refresh_from_db()
    return handover


@pytest.fixture
def officer_client(client, officer):
    officer.email = "officer@city.misawa.example"
    officer.save()
    client.force_login(officer)
    return client


def test_the_officer_is_asked_first_with_the_count_and_items_then_the_file_is_made(officer_client, printer):
    # Given three subscribers the notices purpose reaches
    SubscriberFactory.create_batch(3)
    typed = {
        "agreement": printer.pk,
        "purpose": Purpose.objects.get(code="notices").pk,
        "items": ["name", "address"],
        "method": "media",
        "file_format": "csv",
    }
    url = reverse("privacy:handover_create")
    # When the officer sends the form, then the page asks first, naming the count and the items, and makes nothing
    page = officer_client.post(url, typed).content.decode()
    assert "3" in page and "氏名" in page and "住所" in page and 'name="confirmed" value="1"' in page
    assert not BulkHandover.objects.exists()
    # When confirmed, the file is made and its page offers the one download
    response = officer_client.post(url, {**typed, "confirmed": "1"})
    handover = BulkHandover.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "privacy:handover_detail", args=[handover.pk]
    )
    assert handover.count == 3 and handover.items == ["name", "address"]
    download = reverse("privacy:handover_download", args=[handover.pk])
    assert download in officer_client.get(response["Location"]).content.decode()
    # And the download gives the file, and a second gives nothing
    first = officer_client.post(download)
    assert first.status_code == 200 and first["Content-Disposition"].startswith("attachment")
    assert officer_client.post(download).status_code == 404
    assert Provision.objects.filter(handover=handover).count() == 3


def test_a_clerk_may_not_make_a_handover(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("privacy:handover_create")).status_code == 403
    assert client.get(reverse("privacy:handover_list")).status_code == 200


def test_the_confirmation_records_who_how_and_when_and_moves_only_by_the_map(handed_over, clerk):
    # When a clerk records the destruction
    handover_confirm(handover=handed_over, user=clerk, outcome="destroyed", on=TODAY(), how="消去証明書を確認")
    handed_over.refresh_from_db()
    # Then who, how and when are recorded, and the history row says so
    assert handed_over.status == BulkHandover.Status.DESTROYED
    assert (handed_over.confirmed_by, handed_over.confirmed_on, handed_over.confirmed_how) == (
        clerk,
        TODAY(),
        "消去証明書を確認",
    )
    assert handed_over.history.first().history_user == clerk
    # And a confirmed hand-over cannot be confirmed again
    with pytest.raises(TransitionError):
        handover_confirm(handover=handed_over, user=clerk, outcome="returned", on=TODAY(), how="返却")


def test_the_confirmation_page_refuses_a_missing_how_and_saves_nothing(client, clerk, handed_over):
    client.force_login(clerk)
    url = reverse("privacy:handover_confirm", args=[handed_over.pk])
    response = client.post(url, {"outcome": "returned", "on": TODAY().isoformat(), "how": ""})
    assert response.status_code == 200
    handed_over.refresh_from_db()
    assert handed_over.status == BulkHandover.Status.HANDED_OVER
    assert client.post(url, {"outcome": "returned", "on": TODAY().isoformat(), "how": "媒体を受領"}).status_code == 302
    handed_over.refresh_from_db()
    assert handed_over.status == BulkHandover.Status.RETURNED


def test_an_overdue_handover_shows_on_the_dashboard_in_the_digest_and_starts_an_incident(
    officer_client, officer, handed_over
):
    # Given a hand-over whose day to return or destroy has passed
    later = handed_over.return_by + timedelta(days=1)
    # Then the dashboard lists it, the digest tells the officers, and the list filters it
    with time_machine.travel(later, tick=False):
        officer_client.force_login(officer)  # a session of the day
        dashboard = officer_client.get(reverse("privacy:dashboard")).content.decode()
        assert handed_over.number in dashboard
        overdue = officer_client.get(reverse("privacy:handover_list"), {"status": "overdue"}).content.decode()
        assert handed_over.number in overdue
        detail = officer_client.get(reverse("privacy:handover_detail", args=[handed_over.pk])).content.decode()
        incident_link = f"{reverse('privacy:incident_create')}?handover={handed_over.pk}"
        assert incident_link in detail
        # And an incident begun from it names the hand-over, its items and its subscribers
        form = officer_client.get(incident_link).context["form"]
        assert handed_over.number in form.initial["description"]
        assert form.initial["items"] == ["name", "address"]
        numbers = set(Provision.objects.filter(handover=handed_over).values_list("subscriber_number", flat=True))
        assert set(form.initial["subscriber_numbers"].split()) == numbers
    assert deadline_digest_send_all(today=later) == 1
    assert handed_over.number in mail.outbox[0].body


def _dashboard(client, user) -> str:
    client.force_login(user)  # a session of the day travelled to
    response = client.get(reverse("privacy:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_handover_within_its_days_or_confirmed_is_not_overdue(officer_client, officer, handed_over, clerk):
    with time_machine.travel(handed_over.return_by, tick=False):
        assert handed_over.number not in _dashboard(officer_client, officer)
    handover_confirm(handover=handed_over, user=clerk, outcome="returned", on=TODAY(), how="媒体を受領")
    later = handed_over.return_by + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        assert handed_over.number not in _dashboard(officer_client, officer)
    assert deadline_digest_send_all(today=later) == 0


# --- printed work sheets ----------------------------------------------------------------------------------


def test_a_printed_work_sheet_out_past_its_days_is_overdue_until_its_return_is_recorded(officer_client, officer, clerk):
    # Given a work sheet printed for a contractor whose agreement gives 7 days to return or destroy
    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    order.contractor.agreements.update(return_within_days=7)
    sheet, _pdf = work_sheet_issue(work_order=order, user=clerk, method=Provision.Method.PAPER)
    (out,) = work_sheets_out(order)
    assert out.return_by == deadlines.return_by(TODAY(), 7)
    later = out.return_by + timedelta(days=1)
    # Then past that day it shows on the dashboard, in the digest, and its work order asks for it back
    with time_machine.travel(later, tick=False):
        assert [s.provision.pk for s in work_sheets_overdue()] == [sheet.pk]
        assert order.number in _dashboard(officer_client, officer)
        detail = officer_client.get(reverse("privacy:work_order_detail", args=[order.pk])).content.decode()
        assert reverse("privacy:work_order_sheet_retrieved", args=[order.pk, sheet.pk]) in detail
    assert deadline_digest_send_all(today=later) == 1
    assert order.number in mail.outbox[0].body
    # When its return is recorded, it is overdue no more
    sheet_retrieval_record(
        work_order=order, provision_id=sheet.pk, outcome="returned", on=TODAY(), how="窓口で受領", user=clerk
    )
    assert work_sheets_overdue(later) == []


def test_media_handed_over_for_a_work_order_is_tracked_and_recorded_back_like_a_sheet(clerk):
    # Given media with a work order's items handed to its contractor (recorded through the gate)
    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    media = provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method=Provision.Method.MEDIA,
        basis=Provision.Basis.CONTRACTED_WORK,
        purpose="工事図面",
        user=clerk,
        work_order=order,
    )
    # Then it is out with a day to return or destroy, until its return is recorded
    assert [out.provision.pk for out in work_sheets_out(order)] == [media.pk]
    sheet_retrieval_record(
        work_order=order, provision_id=media.pk, outcome="destroyed", on=TODAY(), how="破棄証明書", user=clerk
    )
    assert work_sheets_out(order) == []


def test_a_work_sheet_downloaded_in_the_portal_is_asked_back_like_a_printed_one(client, clerk):
    # Given the contractor downloads its work sheet in the portal (a provision by server access)
    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    client.force_login(contractor_user(order.contractor))
    response = client.get(reverse("portal:work_sheet", args=[order.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    downloaded = Provision.objects.get(work_order=order)
    assert (downloaded.method, downloaded.leaves_copy) == (Provision.Method.SERVER_ACCESS, True)
    # while merely opening the work order in the portal leaves nothing with the contractor
    client.get(reverse("portal:work_order", args=[order.pk]))
    viewed = Provision.objects.filter(work_order=order).exclude(pk=downloaded.pk).get()
    assert not viewed.leaves_copy

    # Then the downloaded sheet is out with a day to return or destroy, the page view is not
    assert [out.provision.pk for out in work_sheets_out(order)] == [downloaded.pk]
    # and once its destruction is recorded it is out no more
    sheet_retrieval_record(
        work_order=order, provision_id=downloaded.pk, outcome="destroyed", on=TODAY(), how="廃棄報告書", user=clerk
    )
    assert work_sheets_out(order) == []


def test_a_work_sheet_downloaded_before_the_column_existed_is_known_by_its_purpose(clerk):
    # Given a portal download recorded before provisions said whether a copy stays (leaves_copy false)
    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    old = provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method=Provision.Method.SERVER_ACCESS,
        basis=Provision.Basis.CONTRACTED_WORK,
        purpose=f"修理（{order.number}）作業票PDF",
        user=clerk,
        work_order=order,
    )
    # Then it is asked back all the same
    assert [out.provision.pk for out in work_sheets_out(order)] == [old.pk]


def test_a_work_sheets_day_comes_from_the_construction_agreement_not_a_longer_printing_one(clerk):
    # Given a contractor with its construction agreement (7 days to return) and a printing one running longer (30)
    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    order.contractor.agreements.update(return_within_days=7)
    AgreementFactory.create(
        contractor=order.contractor,
        kind=ConfidentialityAgreement.Kind.PRINTING,
        return_within_days=30,
        expires_on=TODAY() + timedelta(days=3000),
    )
    # When a work sheet is printed
    work_sheet_issue(work_order=order, user=clerk, method=Provision.Method.PAPER)
    # Then its day is counted by the construction agreement's days
    (out,) = work_sheets_out(order)
    assert out.return_by == deadlines.return_by(TODAY(), 7)


def test_the_copies_still_out_are_read_through_their_partial_index_not_the_whole_provision_log(clerk):
    """The dashboard asks for the copies out with contractors on every view; at issue 20's large scale (10 million
    provision records) a read of the whole log took about 1.4 s. The query's condition is the index's (both are
    ``copy_left_condition``), so PostgreSQL may use it. Seq scans are switched off for the check: on a few test rows
    the planner would rightly read the table instead."""
    from django.db import connection

    order = WorkOrderFactory.create(access_until=TODAY() + timedelta(days=60))
    work_sheet_issue(work_order=order, user=clerk, method=Provision.Method.PAPER)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = sheets_not_retrieved(WorkOrder.objects.open()).explain()
    assert "provision_copies" in plan, plan
