"""The office's side of contractors: work orders, work sheets, the provision log, offline and exceptional provisions.

Every path that hands data over goes through the one gate; these tests drive the staff pages that call it.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mctv import dates
from privacy.models import AccessLog, ExceptionalProvision, Provision, ProvisionStop, WorkKind, WorkOrder
from tests.downloads import download_text
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _japanese_errors(response, field) -> list[str]:
    errors = response.context["form"].errors.get(field, [])
    assert errors, f"no error on {field}"
    assert all(JAPANESE.search(str(e)) for e in errors), errors
    return [str(e) for e in errors]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def subscriber():
    return SubscriberFactory.create(
        family_name="山田", given_name="一郎", birth_date=timezone.datetime(1958, 7, 1).date()
    )


@pytest.fixture
def agreement():
    return AgreementFactory.create(items=["number", "name", "address", "phone"])


def _work_order_form(subscriber, agreement, **overrides):
    return {
        "subscriber_number": subscriber.number,
        "contractor": agreement.contractor.pk,
        "kind": WorkKind.objects.get(code="repair").pk,
        "scheduled_on": TODAY().isoformat(),
        "access_from": TODAY().isoformat(),
        "access_until": (TODAY() + timedelta(days=3)).isoformat(),
        **overrides,
    }


def test_a_new_work_order_discloses_what_the_kind_of_work_needs_within_the_agreement(
    clerk_client, subscriber, agreement
):
    # Given repair work needs number, name, address, phone and services, and the agreement allows four of them
    # When the clerk registers a work order ticking only what the agreement allows
    response = clerk_client.post(
        reverse("privacy:work_order_create"),
        _work_order_form(subscriber, agreement, items=["number", "name", "address", "phone"]),
    )

    # Then it is saved with those items and a generated number
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("privacy:work_order_detail", args=[order.pk])
    assert order.items == ["number", "name", "address", "phone"]
    assert re.fullmatch(r"W\d{7}", order.number)
    assert order.history.get().history_user.username == "clerk"


def test_items_beyond_the_agreement_are_refused_in_japanese_with_the_typed_values_kept(
    clerk_client, subscriber, agreement
):
    # When the clerk leaves the items empty (the kind's default includes services, outside the agreement)
    response = clerk_client.post(reverse("privacy:work_order_create"), _work_order_form(subscriber, agreement))

    # Then nothing is saved, the items field says why in Japanese, and what was typed is still there
    assert response.status_code == 200 and not WorkOrder.objects.exists()
    (message,) = _japanese_errors(response, "items")
    assert "契約サービス" in message  # names the item that is outside the agreement
    assert f'value="{subscriber.number}"' in response.content.decode()


def test_items_beyond_what_the_work_needs_are_refused(clerk_client, subscriber):
    # Given an agreement that allows everything
    agreement = AgreementFactory.create(items=["number", "name", "address", "phone", "birth_date", "services"])

    # When the clerk ticks the birth date for a repair
    response = clerk_client.post(
        reverse("privacy:work_order_create"), _work_order_form(subscriber, agreement, items=["number", "birth_date"])
    )

    # Then the work order is refused: repair work does not need a birth date (§6(1))
    assert not WorkOrder.objects.exists()
    (message,) = _japanese_errors(response, "items")
    assert "生年月日" in message


def test_no_work_order_for_an_erased_subscriber_but_one_for_removal_after_termination(clerk_client, clerk, agreement):
    from privacy.services.erasure import subscriber_personal_data_erase

    # Given a terminated subscriber (equipment to remove) and an erased one (nothing left to provide)
    terminated = SubscriberFactory.create(status="terminated", terminated_on=TODAY())
    erased = SubscriberFactory.create()
    subscriber_personal_data_erase(subscriber=erased, user=clerk, reason="消去請求")
    erased.refresh_from_db()

    # When the clerk registers a work order for each
    for subscriber in (terminated, erased):
        form = _work_order_form(subscriber, agreement, items=["number", "name", "address"])
        clerk_client.post(reverse("privacy:work_order_create"), form)

    # Then only the terminated subscriber's is registered; the erased one's is refused in Japanese
    assert list(WorkOrder.objects.values_list("subscriber_id", flat=True)) == [terminated.pk]
    response = clerk_client.post(
        reverse("privacy:work_order_create"), _work_order_form(erased, agreement, items=["number", "name", "address"])
    )
    assert "この加入者の個人情報は消去されています。" in response.content.decode()


def test_a_contractor_without_an_agreement_for_the_whole_window_gets_no_work_order(clerk_client, subscriber, agreement):
    # Given the agreement expires in two days
    agreement.expires_on = TODAY() + timedelta(days=2)
    agreement.save()

    # When the clerk asks for a portal window of three days
    response = clerk_client.post(
        reverse("privacy:work_order_create"), _work_order_form(subscriber, agreement, items=["number", "name"])
    )

    # Then it is refused on the contractor field
    _japanese_errors(response, "contractor")
    assert not WorkOrder.objects.exists()


def test_a_contractor_whose_agreement_is_for_printing_gets_no_work_order(clerk_client, subscriber, agreement):
    # Given the contractor's agreement in force is for printing bills, not construction
    agreement.kind = "printing"
    agreement.save()

    # When the clerk registers a work order for it
    response = clerk_client.post(
        reverse("privacy:work_order_create"), _work_order_form(subscriber, agreement, items=["number", "name"])
    )

    # Then it is refused on the contractor field, naming construction work
    assert "工事" in "".join(_japanese_errors(response, "contractor"))
    assert not WorkOrder.objects.exists()


def test_an_auditor_cannot_register_or_close_work_orders(client, auditor, subscriber, agreement):
    order = WorkOrderFactory.create()
    client.force_login(auditor)
    assert client.get(reverse("privacy:work_order_detail", args=[order.pk])).status_code == 200
    assert client.post(reverse("privacy:work_order_create"), _work_order_form(subscriber, agreement)).status_code == 403
    assert client.post(reverse("privacy:work_order_close", args=[order.pk]), {}).status_code == 403
    assert client.post(reverse("privacy:work_order_sheet", args=[order.pk])).status_code == 403
    assert not Provision.objects.exists()


def test_closing_records_the_paper_sheets_and_ends_portal_access(clerk_client, clerk):
    order = WorkOrderFactory.create()
    url = reverse("privacy:work_order_close", args=[order.pk])

    # When the clerk closes it saying sheets were returned but gives no date
    response = clerk_client.post(url, {"outcome": "closed", "sheet_disposition": "returned"})
    # Then it stays open and the date field asks for the date
    _japanese_errors(response, "sheet_disposition_on")
    order.refresh_from_db()
    assert order.status == "open"

    # When the date is given
    clerk_client.post(
        url, {"outcome": "closed", "sheet_disposition": "returned", "sheet_disposition_on": TODAY().isoformat()}
    )

    # Then the work order is closed with who, when and what became of the sheets (■19)
    order.refresh_from_db()
    assert (order.status, order.sheet_disposition, order.sheet_disposition_on, order.closed_by) == (
        "closed",
        "returned",
        TODAY(),
        clerk,
    )
    # and the gate refuses it from now on
    assert clerk_client.post(reverse("privacy:work_order_sheet", args=[order.pk])).status_code == 302
    assert not Provision.objects.exists()


def test_the_database_refuses_a_closed_work_order_without_the_sheets_recorded():
    from django.db import IntegrityError, transaction

    order = WorkOrderFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=order.pk).update(status="closed", closed_at=timezone.now())


@needs_poppler
def test_printing_a_work_sheet_is_a_paper_provision_of_the_scoped_items(clerk_client, clerk):
    order = WorkOrderFactory.create(
        subscriber=SubscriberFactory.create(
            family_name="山田", given_name="一郎", email="not-for-contractors@example.jp"
        ),
        items=["number", "name", "address"],
    )

    response = clerk_client.post(reverse("privacy:work_order_sheet", args=[order.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "山田 一郎" in text and "not-for-contractors@example.jp" not in text
    assert "取扱注意 — 作業完了後は返却又は廃棄" in text
    assert_japanese_font_embedded(response.content)
    provision = Provision.objects.get()
    assert (provision.method, provision.basis, provision.caused_by, provision.items) == (
        "paper",
        "contracted_work",
        clerk,
        ["number", "name", "address"],
    )


def test_the_work_sheet_is_printed_only_by_post(clerk_client):
    order = WorkOrderFactory.create()
    assert clerk_client.get(reverse("privacy:work_order_sheet", args=[order.pk])).status_code == 405
    assert not Provision.objects.exists()


def _provide(order, user, **kwargs):
    from privacy.services.provision import provision_record

    return provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method="server_access",
        basis="contracted_work",
        purpose="修理",
        user=user,
        work_order=order,
        **kwargs,
    )


def test_the_provision_log_filters_by_subscriber_and_contractor(clerk_client, clerk):
    first, second = WorkOrderFactory.create(), WorkOrderFactory.create()
    _provide(first, clerk)
    _provide(second, clerk)

    by_subscriber = clerk_client.get(reverse("privacy:provision_list"), {"subscriber_number": first.subscriber.number})
    by_contractor = clerk_client.get(reverse("privacy:provision_list"), {"contractor": second.contractor.pk})

    assert [p.subscriber_id for p in by_subscriber.context["provisions"]] == [first.subscriber_id]
    assert [p.contractor_id for p in by_contractor.context["provisions"]] == [second.contractor_id]


def test_the_provision_log_export_is_a_csv_and_is_itself_access_logged(clerk_client, clerk):
    order = WorkOrderFactory.create()
    _provide(order, clerk)
    _provide(order, clerk)

    response = clerk_client.get(reverse("privacy:provision_export"), {"subscriber_number": order.subscriber.number})

    body = download_text(response)
    assert response["Content-Type"].startswith("text/csv")
    assert body.count(order.subscriber.number) == 2 and "サーバへのアクセス" in body
    entry = AccessLog.objects.get()
    assert (entry.user, entry.subscriber_number, entry.action) == (clerk, order.subscriber.number, "export")
    # The file has its number (export #N), in its name and in the log with the items it carries (numbers only)
    export_no = entry.detail["export_no"]
    assert entry.detail == {"export": "provision_log", "count": 2, "export_no": export_no, "items": ["number"]}
    assert f"export{export_no}.csv" in response["Content-Disposition"]


def test_an_auditor_reads_the_log_but_cannot_export_or_record(client, auditor, subscriber):
    client.force_login(auditor)
    assert client.get(reverse("privacy:provision_list")).status_code == 200
    assert client.get(reverse("privacy:provision_export")).status_code == 403
    assert client.post(reverse("privacy:provision_record", args=[subscriber.pk]), {}).status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


def test_the_subscriber_page_lists_that_subscribers_provisions_only(clerk_client, clerk):
    order, other = WorkOrderFactory.create(), WorkOrderFactory.create()
    mine, theirs = _provide(order, clerk), _provide(other, clerk)

    response = clerk_client.get(reverse("subscribers:detail", args=[order.subscriber.pk]))

    assert list(response.context["provisions"]) == [mine]
    assert theirs not in response.context["provisions"]


def _offline(order, **overrides):
    return {
        "work_order": order.pk,
        "items": ["number", "name"],
        "method": "media",
        "basis": "contracted_work",
        "purpose": "宅内工事の事前調査",
        **overrides,
    }


def test_a_provision_made_outside_the_system_is_recorded_through_the_gate(clerk_client, clerk):
    order = WorkOrderFactory.create()

    response = clerk_client.post(reverse("privacy:provision_record", args=[order.subscriber.pk]), _offline(order))

    assert response.status_code == 302
    provision = Provision.objects.get()
    assert (provision.method, provision.work_order, provision.contractor, provision.caused_by) == (
        "media",
        order,
        order.contractor,
        clerk,
    )


def test_a_provision_with_consent_is_recorded_only_by_choosing_the_consent(clerk_client, clerk):
    from privacy.models import Purpose
    from privacy.services.purposes import consent_record

    # Given a subscriber who consented to a welfare association receiving their name and address
    subscriber = SubscriberFactory.create()
    purpose = Purpose.objects.create(
        code="welfare", title="見守り連携", description="見守り", items=["name", "address"], since=TODAY()
    )
    consent = consent_record(
        subscriber=subscriber,
        purpose=purpose,
        user_told="三沢市社会福祉協議会",
        use_told="見守り訪問",
        method="paper",
        given_on=TODAY(),
        user=clerk,
    )
    url = reverse("privacy:provision_record", args=[subscriber.pk])
    form = {"items": ["name", "address"], "method": "paper", "basis": "consent", "purpose": "見守り訪問"}

    # When the clerk records the hand-over without choosing a consent, it is refused in Japanese
    response = clerk_client.post(url, form)
    assert response.status_code == 200 and not Provision.objects.exists()
    assert JAPANESE.search(str(response.context["form"].errors["consent"]))

    # When the consent is chosen, the provision is recorded to whom the subscriber was told, naming the consent
    assert clerk_client.post(url, {**form, "consent": consent.pk}).status_code == 302
    provision = Provision.objects.get()
    assert (provision.consent, provision.recipient_name) == (consent, "三沢市社会福祉協議会")


def test_the_gate_refusal_is_shown_and_nothing_recorded(clerk_client, clerk):
    # Given the subscriber stopped provision to contractors
    order = WorkOrderFactory.create()
    ProvisionStop.objects.create(
        subscriber=order.subscriber, scope="contractors", reason="本人の請求", recorded_by=clerk
    )

    # When the clerk records a paper hand-over
    response = clerk_client.post(
        reverse("privacy:provision_record", args=[order.subscriber.pk]), _offline(order, method="paper")
    )

    # Then the form says why, in Japanese, keeps what was typed, and nothing is recorded
    assert response.status_code == 200 and not Provision.objects.exists()
    errors = response.context["form"].non_field_errors()
    assert errors and JAPANESE.search(errors[0])
    assert "宅内工事の事前調査" in response.content.decode()


def test_server_access_cannot_be_recorded_by_hand(clerk_client):
    order = WorkOrderFactory.create()
    response = clerk_client.post(
        reverse("privacy:provision_record", args=[order.subscriber.pk]), _offline(order, method="server_access")
    )
    _japanese_errors(response, "method")
    assert not Provision.objects.exists()


def test_an_exceptional_provision_waits_for_an_officer_who_approves_it_in_writing(client, clerk, officer, subscriber):
    # Given a clerk asks to give the police the name and address, as the law requires (§3(6))
    client.force_login(clerk)
    client.post(
        reverse("privacy:provision_record", args=[subscriber.pk]),
        {
            "recipient_name": "三沢警察署",
            "items": ["name", "address"],
            "method": "paper",
            "basis": "law",
            "purpose": "捜査関係事項照会への回答",
            "reason": "刑事訴訟法第197条第2項に基づく照会",
        },
    )
    request = ExceptionalProvision.objects.get()
    # Then nothing is provided yet, and the clerk cannot decide it
    assert request.status == "requested" and not Provision.objects.exists()
    decide = reverse("privacy:exceptional_decide", args=[request.pk])
    assert client.post(decide, {"decision": "approve", "decision_note": "承認"}).status_code == 403

    # When the officer approves without a note, then with one
    client.force_login(officer)
    response = client.post(decide, {"decision": "approve"})
    _japanese_errors(response, "decision_note")
    assert not Provision.objects.exists()
    client.post(decide, {"decision": "approve", "decision_note": "照会書の原本を確認した"})

    # Then the data is provided once, on the approval, and the approval itself is recorded
    request.refresh_from_db()
    provision = Provision.objects.get()
    assert (request.status, request.decided_by, request.decision_note) == (
        "provided",
        officer,
        "照会書の原本を確認した",
    )
    assert (provision.basis, provision.approval, provision.recipient_name, provision.caused_by) == (
        "law",
        request,
        "三沢警察署",
        officer,
    )
    assert {h.status for h in request.history.all()} == {"requested", "approved", "provided"}
    # and it cannot be decided twice
    assert client.post(decide, {"decision": "approve", "decision_note": "再度"}).status_code == 404
    assert Provision.objects.count() == 1


def test_a_rejected_exceptional_provision_provides_nothing(client, clerk, officer, subscriber):
    request = ExceptionalProvision.objects.create(
        subscriber=subscriber,
        recipient_name="某社",
        items=["name"],
        method="paper",
        basis="public_body",
        purpose="照会",
        reason="理由",
        requested_by=clerk,
    )
    client.force_login(officer)
    client.post(
        reverse("privacy:exceptional_decide", args=[request.pk]),
        {"decision": "reject", "decision_note": "法令上の根拠が示されていない"},
    )
    request.refresh_from_db()
    assert request.status == "rejected" and not Provision.objects.exists()


def test_admin_shows_the_provision_log_read_only(client, admin_user, clerk):
    provision = _provide(WorkOrderFactory.create(), clerk)
    client.force_login(admin_user)
    change = client.get(reverse("admin:privacy_provision_change", args=[provision.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert client.get(reverse("admin:privacy_provision_add")).status_code == 403
    assert (
        client.post(reverse("admin:privacy_provision_delete", args=[provision.pk]), {"post": "yes"}).status_code == 403
    )
    assert Provision.objects.count() == 1


def test_the_contractor_list_shows_until_when_each_agreement_is_in_force(officer_client):
    in_force = AgreementFactory.create(signed_on=TODAY() - timedelta(days=10), expires_on=TODAY() + timedelta(days=200))
    AgreementFactory.create(
        contractor=in_force.contractor, signed_on=TODAY() - timedelta(days=400), expires_on=TODAY() - timedelta(days=30)
    )  # an older one, expired
    lapsed = AgreementFactory.create(signed_on=TODAY() - timedelta(days=400), expires_on=TODAY() - timedelta(days=1))
    terminated = AgreementFactory.create(terminated_on=TODAY())

    page = officer_client.get(reverse("privacy:contractor_list")).content.decode()

    def row(contractor):
        return page[page.index(contractor.name) :].split("</tr>")[0]

    assert dates.compact(TODAY() + timedelta(days=200)) in row(in_force.contractor)
    assert "有効な協定なし" in row(lapsed.contractor) and "有効な協定なし" in row(terminated.contractor)
    assert in_force.contractor.agreement_in_force() == in_force  # the list and the gate agree


def test_the_provision_log_export_writes_every_cell_as_text_and_is_not_cached(clerk_client, clerk):
    # Given a provision whose typed purpose a spreadsheet would run as a formula
    order = WorkOrderFactory.create()
    _provide(order, clerk, note='=HYPERLINK("http://example.com")')
    # When the log is exported
    response = clerk_client.get(reverse("privacy:provision_export"))
    # Then the cell is text, and the file is not kept by the browser
    body = download_text(response)
    assert "'=HYPERLINK" in body and "no-store" in response["Cache-Control"]
