"""Subscribers' requests: intake, the clock, the transition map, the officer's decision and what it changes."""

import io
import itertools
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mctv.transitions import TransitionError, set_status
from privacy import letters
from privacy.deadlines import due_date
from privacy.letters import decision_letter_pdf, disclosure_pdf, extension_notice_pdf
from privacy.models import AccessLog, Provision, ProvisionStop, RequestEvent, RequestRule, SubjectRequest
from privacy.models.request_rules import FOLLOWS_DISCLOSURE_KINDS
from privacy.services import requests as svc
from privacy.services.provision import ProvisionRefused, provision_record
from subscribers.models import Subscriber
from tests.factories import (
    SubscriberFactory,
    SubscriberServiceFactory,
    WorkOrderFactory,
    carried_out_disclosure,
    contractor_user,
    granted_disclosure,
)
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
S = SubjectRequest.Status


def receive(user, subscriber=None, kind="disclosure", received_on=None, **kwargs):
    subscriber = subscriber or SubscriberFactory.create()
    if kind in FOLLOWS_DISCLOSURE_KINDS and "based_on" not in kwargs:
        # A correction or suspension follows a disclosure carried out (arts. 90(1), 98(1)).
        kwargs["based_on"] = carried_out_disclosure(user, _an_officer(user), subscriber)
    return svc.request_receive(
        subscriber=subscriber,
        kind=kind,
        received_on=received_on or TODAY(),
        channel="counter",
        details=kwargs.pop("details", "保有する個人情報の全部"),
        user=user,
        **kwargs,
    )


def _an_officer(user):
    from privacy.roles import Role
    from tests.factories import UserFactory

    officer = UserFactory.create(department=user.department)
    officer.groups.add(Group.objects.get(name=Role.OFFICER))
    return officer


def to_review(request, user):
    request = svc.request_verify_identity(request=request, method="drivers_licence", user=user)
    return svc.request_start_review(request=request, user=user)


# --- intake and the clock -------------------------------------------------------------------------------


def test_receiving_sets_number_due_date_department_and_the_addressee(clerk):
    # Given correction requests are configured with 10 days
    RequestRule.objects.filter(kind="correction").update(days=10)
    subscriber = SubscriberFactory.create(family_name="山田", given_name="太郎")

    request = receive(clerk, subscriber, kind="correction", received_on=TODAY() - timedelta(days=2))

    assert request.number.startswith("R") and request.status == S.RECEIVED
    assert request.days == 10 and request.due_on == due_date(request.received_on, 10)
    assert request.department == clerk.department
    assert (request.requester_name, request.requester_postal_code) == ("山田 太郎", subscriber.postal_code)
    assert not request.identity_verified
    event = request.events.get()
    assert (event.kind, event.actor) == ("received", clerk)


def test_an_agents_request_is_addressed_to_the_agent(clerk):
    request = receive(
        clerk,
        by_agent=True,
        agent_kind="appointed",
        agent_name="弁護士 佐藤一郎",
        agent_relation="委任による代理人",
        agent_postal_code="0318686",
        agent_address="青森県八戸市内丸1-1-1",
    )
    assert (request.requester_name, request.requester_postal_code, request.requester_address) == (
        "弁護士 佐藤一郎",
        "0318686",
        "青森県八戸市内丸1-1-1",
    )


def test_an_agents_request_without_the_agents_address_is_refused(clerk):
    with pytest.raises(ValidationError):
        receive(clerk, by_agent=True, agent_name="弁護士 佐藤一郎", agent_relation="委任による代理人")
    assert not SubjectRequest.objects.exists()


def test_a_future_receipt_date_is_refused(clerk):
    with pytest.raises(ValidationError) as error:
        receive(clerk, received_on=TODAY() + timedelta(days=1))
    assert "received_on" in error.value.error_dict
    assert not SubjectRequest.objects.exists()


def test_the_fee_comes_from_the_configuration(clerk):
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=300)
    request = receive(clerk)
    assert request.fee_yen == 300
    svc.request_record_fee(request=request, paid_on=TODAY(), user=clerk)
    request.refresh_from_db()
    assert request.fee_paid_on == TODAY()


def test_a_pause_stops_the_clock_and_moves_the_due_date_by_the_paused_days(clerk):
    request = receive(clerk, received_on=TODAY() - timedelta(days=10))
    original_due = request.due_on

    svc.request_pause(request=request, user=clerk, note="訂正後の内容を照会", on=TODAY() - timedelta(days=7))
    request = svc.request_resume(request=request, user=clerk, on=TODAY())

    assert request.status == S.RECEIVED  # back where it was
    assert request.paused_days == 7
    assert request.due_on == due_date(request.received_on, 15 + 7) and request.due_on > original_due


def test_an_extension_is_granted_once_by_up_to_30_days_with_a_reason(clerk):
    request = receive(clerk)
    with pytest.raises(ValidationError):
        svc.request_extend(request=request, days=31, reason="資料が膨大", user=clerk)
    with pytest.raises(ValidationError):
        svc.request_extend(request=request, days=10, reason=" ", user=clerk)

    request = svc.request_extend(request=request, days=30, reason="対象の提供記録が膨大なため", user=clerk)

    assert request.due_on == due_date(request.received_on, 45)
    with pytest.raises(ValidationError):
        svc.request_extend(request=request, days=1, reason="再延長", user=clerk)
    assert request.events.filter(kind="extended").count() == 1


def test_the_database_refuses_an_extension_over_30_days_or_without_a_reason(clerk):
    request = receive(clerk)
    for changes in ({"extension_days": 31, "extension_reason": "x"}, {"extension_days": 5, "extension_reason": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SubjectRequest.objects.filter(pk=request.pk).update(**changes)


# --- the transition map ---------------------------------------------------------------------------------

# The map the issue asks for, written out independently of the code.
EXPECTED_MOVES = {
    # 却下 (decided) may come before the review; 移送 (transferred) any time before the decision.
    S.RECEIVED: {S.IDENTITY_VERIFIED, S.PAUSED, S.WITHDRAWN, S.DECIDED, S.TRANSFERRED},
    S.IDENTITY_VERIFIED: {S.UNDER_REVIEW, S.PAUSED, S.WITHDRAWN, S.DECIDED, S.TRANSFERRED},
    S.UNDER_REVIEW: {S.DECIDED, S.PAUSED, S.WITHDRAWN, S.TRANSFERRED},
    S.PAUSED: {S.RECEIVED, S.IDENTITY_VERIFIED, S.UNDER_REVIEW, S.WITHDRAWN, S.DECIDED},
    S.DECIDED: {S.REPLIED},
    # A ruling on appeal that sets the decision aside reopens the request.
    S.REPLIED: {S.CLOSED, S.UNDER_REVIEW},
    S.TRANSFERRED: {S.CLOSED},
    S.WITHDRAWN: {S.CLOSED},
    S.CLOSED: {S.UNDER_REVIEW},
}


@pytest.mark.parametrize(("before", "after"), list(itertools.product(S.values, S.values)))
def test_every_move_is_allowed_or_refused_as_the_map_says(clerk, before, after):
    request = receive(clerk)
    SubjectRequest.objects.filter(pk=request.pk).update(status=before)
    request.refresh_from_db()
    history_before = request.history.count()

    if after in EXPECTED_MOVES[before]:
        set_status(request, after, lifecycle=svc.REQUEST_LIFECYCLE, user=clerk, reason="test")
        request.refresh_from_db()
        assert request.status == after
        record = request.history.first()
        assert (record.status, record.history_user, record.history_change_reason) == (after, clerk, "test")
    else:
        with pytest.raises(TransitionError):
            set_status(request, after, lifecycle=svc.REQUEST_LIFECYCLE, user=clerk)
        request.refresh_from_db()
        assert request.status == before and request.history.count() == history_before


def test_the_whole_way_writes_an_audit_row_per_move(clerk, officer):
    request = to_review(receive(clerk), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    svc.request_record_reply(request=request, replied_on=TODAY(), method="mail", user=clerk)
    with pytest.raises(ValidationError):  # a disclosure granted is carried out before its file closes
        svc.request_close(request=request, user=clerk)
    svc.request_carry_out_disclosure(request=request, on=TODAY(), method="inspection", user=clerk)
    request = svc.request_close(request=request, user=clerk)

    moves = list(request.events.exclude(to_status="").values_list("from_status", "to_status", "actor__username"))
    assert moves == [
        ("received", "identity_verified", "clerk"),
        ("identity_verified", "under_review", "clerk"),
        ("under_review", "decided", "officer"),
        ("decided", "replied", "clerk"),
        ("replied", "closed", "clerk"),
    ]
    assert request.replied_in_time is True


def test_request_events_are_append_only_in_the_database(clerk):
    from django.db import DatabaseError, connection

    receive(clerk)
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    for sql in ("UPDATE privacy_requestevent SET note = 'x'", "DELETE FROM privacy_requestevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert RequestEvent.objects.count() == 1


# --- the decision ---------------------------------------------------------------------------------------


def test_only_an_officer_decides(clerk):
    request = to_review(receive(clerk), clerk)
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=request, decision="full", reasons="", user=clerk)
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW


@pytest.mark.parametrize("decision", ["partial", "none"])
def test_reasons_are_required_unless_granted_in_full(clerk, officer, decision):
    request = to_review(receive(clerk), clerk)
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, decision=decision, reasons="  ", user=officer)
    assert "reasons" in error.value.error_dict
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW and request.decision == ""


def test_a_refused_stop_must_say_why_there_is_no_legitimate_reason(clerk, officer):
    request = to_review(receive(clerk, kind="stop_contractors"), clerk)
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, decision="none", reasons="", user=officer)
    assert "正当な理由" in error.value.error_dict["reasons"][0].messages[0]
    svc.request_decide(
        request=request, decision="none", reasons="工事の施工に不可欠であり、正当な理由がないため", user=officer
    )
    assert not ProvisionStop.objects.exists()


def test_the_database_refuses_a_refusal_without_reasons(clerk, officer):
    request = to_review(receive(clerk), clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectRequest.objects.filter(pk=request.pk).update(
            decision="none", decided_by=officer, decided_at=timezone.now(), decision_reasons=""
        )


def test_a_stop_of_provision_to_contractors_takes_effect_everywhere_at_once(client, clerk, officer):
    # Given a live work order whose contractor can open the subscriber in the portal
    order = WorkOrderFactory.create()
    company = contractor_user(order.contractor, "denko")
    client.force_login(company)
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 200
    provisions_before = Provision.objects.count()

    # When the subscriber's stop request is decided in full
    request = to_review(receive(clerk, order.subscriber, kind="stop_contractors"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)

    # Then the stop is in force, linked to the request
    stop = ProvisionStop.objects.get()
    assert (stop.scope, stop.request, stop.recorded_by) == ("contractors", request, officer)
    # and the portal lists and shows nothing of the subscriber, and the sheet refuses
    assert order.number not in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 404
    assert client.get(reverse("portal:work_sheet", args=[order.pk])).status_code == 404
    # and the gate refuses the office's paper sheet too
    with pytest.raises(ProvisionRefused):
        provision_record(
            subscriber=order.subscriber,
            items=order.items,
            method="paper",
            basis="contracted_work",
            purpose="修理",
            user=clerk,
            work_order=order,
        )
    assert Provision.objects.count() == provisions_before
    # and the staff see a banner on the subscriber
    client.force_login(clerk)
    page = client.get(reverse("subscribers:detail", args=[order.subscriber.pk])).content.decode()
    assert 'class="banner"' in page and request.number in page


def test_a_stop_of_third_party_provision_leaves_approved_exceptions_possible(clerk, officer):
    subscriber = SubscriberFactory.create()
    request = to_review(receive(clerk, subscriber, kind="stop_third_party"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)

    with pytest.raises(ProvisionRefused):
        provision_record(
            subscriber=subscriber,
            items=["name"],
            method="paper",
            basis="consent",
            purpose="x",
            user=clerk,
            recipient_name="某社",
        )
    from privacy.services.exceptional import exceptional_provision_decide, exceptional_provision_request

    exceptional = exceptional_provision_request(
        subscriber=subscriber,
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="law",
        purpose="照会回答",
        reason="刑事訴訟法第197条第2項",
        user=clerk,
    )
    assert exceptional_provision_decide(request=exceptional, approve=True, user=officer, note="確認済")


def test_suspension_of_use_flags_the_subscriber(clerk, officer):
    subscriber = SubscriberFactory.create()
    request = to_review(receive(clerk, subscriber, kind="suspension"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    subscriber.refresh_from_db()
    assert subscriber.use_suspended_on == TODAY()
    assert (
        subscriber.history.latest().history_change_reason.startswith(f"請求 {request.number}")
        or request.number in subscriber.history.latest().history_change_reason
    )


def test_a_decided_suspension_stops_every_use_and_provision_but_approved_exceptions(client, clerk, officer):
    from privacy.models import ExceptionalProvision
    from privacy.selectors.work_orders import work_orders_visible_to
    from privacy.services.exceptional import exceptional_provision_decide, exceptional_provision_request
    from privacy.services.work_orders import work_order_create

    # Given a subscriber with a live work order, whose suspension of use is decided in full
    order = WorkOrderFactory.create()
    subscriber, company = order.subscriber, contractor_user(order.contractor, "denko")
    request = to_review(receive(clerk, subscriber, kind="suspension"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    subscriber.refresh_from_db()

    # Then the gate refuses the contractor and any consented recipient, the portal hides the work order,
    # and no new work order can be made
    for method, extra in [("server_access", {"work_order": order}), ("paper", {"work_order": order})]:
        with pytest.raises(ProvisionRefused) as refused:
            provision_record(
                subscriber=subscriber,
                items=["name"],
                method=method,
                basis="contracted_work",
                purpose="修理",
                user=clerk,
                **extra,
            )
        assert refused.value.code == "use_suspended"
    assert not work_orders_visible_to(company).filter(pk=order.pk).exists()
    with pytest.raises(ValidationError):
        work_order_create(
            subscriber=subscriber,
            contractor=order.contractor,
            kind=order.kind,
            scheduled_on=TODAY(),
            access_from=TODAY(),
            access_until=TODAY(),
            user=clerk,
        )
    # but an exception an officer approves (§3(3)–(6)) is still provided, and recorded
    exception = exceptional_provision_request(
        subscriber=subscriber,
        recipient_name="三沢警察署",
        items=["name", "address"],
        method="paper",
        basis="law",
        purpose="捜査関係事項照会",
        reason="刑事訴訟法197条2項",
        user=clerk,
    )
    assert exceptional_provision_decide(request=exception, approve=True, user=officer, note="照会書を確認")
    assert ExceptionalProvision.objects.get().status == "provided"

    # and the staff still open the record to handle the subscriber's requests, with the suspension shown
    client.force_login(clerk)
    for url in (
        reverse("subscribers:detail", args=[subscriber.pk]),
        reverse("privacy:work_order_detail", args=[order.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and "個人情報の利用及び提供を停止しています" in page.content.decode()


def test_erasure_erases_the_personal_data_and_its_history_but_keeps_the_number(clerk, officer):
    subscriber = SubscriberFactory.create(
        family_name="消之",
        given_name="花子",
        email="erase-me@example.jp",
        phone="0176111111",
        birth_date=timezone.datetime(1980, 1, 2).date(),
    )
    SubscriberServiceFactory.create(subscriber=subscriber)
    subscriber.occupation = "教員"
    subscriber.save()
    request = to_review(receive(clerk, subscriber, kind="erasure"), clerk)

    svc.request_decide(request=request, decision="full", reasons="", user=officer)

    subscriber.refresh_from_db()
    assert subscriber.erased_on == TODAY() and subscriber.status == "terminated"
    stored = json.dumps(
        [list(row) for row in Subscriber.objects.filter(pk=subscriber.pk).values_list()],
        default=str,
        ensure_ascii=False,
    )
    history = json.dumps(list(subscriber.history.values()), default=str, ensure_ascii=False)
    for value in ["消之", "花子", "erase-me@example.jp", "0176111111", "1980-01-02", "教員"]:
        assert value not in stored and value not in history, value
    assert subscriber.history.count() == 1  # only the erasure itself, naming the request
    assert not subscriber.services.filter(ended_on__isnull=True).exists()
    # the letter still reaches the requester
    request.refresh_from_db()
    assert request.requester_name == "消之 花子"


def test_a_correction_is_applied_through_the_registrys_edit_and_the_history_names_the_request(client, clerk, officer):
    subscriber = SubscriberFactory.create(family_name="斎藤", family=("斎藤", "サイトウ"))
    request = to_review(receive(clerk, subscriber, kind="correction", details="姓を「齋藤」に訂正"), clerk)
    client.force_login(clerk)
    edit = reverse("subscribers:edit", args=[subscriber.pk]) + f"?request={request.pk}"
    form = {
        "family_name": "齋藤",
        "given_name": subscriber.given_name,
        "family_name_kana": "サイトウ",
        "given_name_kana": subscriber.given_name_kana,
        "sex": "male",
        "postal_code": "0330001",
        "prefecture": "青森県",
        "municipality": "三沢市",
        "street_address": subscriber.street_address,
        "phone": subscriber.phone,
    }

    # Before a decision the record cannot be changed under the request
    response = client.post(edit, form)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.family_name == "斎藤"

    # After the officer grants it, the edit goes through and names the request
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    assert client.post(edit, form).status_code == 302
    subscriber.refresh_from_db()
    latest = subscriber.history.latest()
    assert subscriber.family_name == "齋藤" and request.number in latest.history_change_reason
    assert request.events.get(kind="record_edited").parameters["history_id"] == latest.history_id


def test_a_reply_records_method_date_and_whether_it_was_in_time(clerk, officer):
    request = to_review(receive(clerk, received_on=TODAY() - timedelta(days=40)), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    request = svc.request_record_reply(request=request, replied_on=TODAY(), method="mail", user=clerk)
    assert request.replied_in_time is False and request.status == S.REPLIED


# --- letters ---------------------------------------------------------------------------------------------


@needs_poppler
def test_the_answer_to_a_declaration_request_is_japanese_with_reasons_contact_both_calendars_and_no_appeal_notice(
    clerk, officer
):
    # Given a stop of provision to contractors (declaration §6(3): not a request under the Act) refused
    subscriber = SubscriberFactory.create(family_name="山田", given_name="太郎")
    request = to_review(receive(clerk, subscriber, kind="stop_contractors"), clerk)
    svc.request_decide(
        request=request, decision="none", reasons="施工中の工事に必要であり正当な理由がないため", user=officer
    )
    request.refresh_from_db()

    pdf = decision_letter_pdf(request)

    # Then the letter answers it — and, not being a 処分, tells of no appeal
    text = pdf_text(pdf).replace(" ", "")
    assert "山田太郎様" in text and "回答書" in text and request.number in text
    assert "決定：請求に応じない" in text
    assert "施工中の工事に必要であり正当な理由がないため" in text
    assert "0176-51-1349" in text
    assert "審査請求" not in text and "教示" not in text
    today = TODAY()
    assert f"令和{today.year - 2018}年{today.month}月{today.day}日" in text and f"{today.year}年{today.month}月" in text
    assert_japanese_font_embedded(pdf)


@needs_poppler
def test_the_extension_notice_states_the_new_due_date_and_reason(clerk):
    request = svc.request_extend(request=receive(clerk), days=20, reason="対象記録の確認に時間を要するため", user=clerk)
    text = pdf_text(extension_notice_pdf(request)).replace(" ", "")
    assert "決定期間延長通知書" in text and "20日" in text and "対象記録の確認に時間を要するため" in text


@needs_poppler
def test_the_disclosure_holds_every_item_services_purposes_and_the_provision_records(clerk, officer):
    order = WorkOrderFactory.create(
        subscriber=SubscriberFactory.create(
            family_name="開示", given_name="一郎", email="kaiji@example.jp", occupation="農業"
        )
    )
    SubscriberServiceFactory.create(subscriber=order.subscriber)
    provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method="server_access",
        basis="contracted_work",
        purpose="修理（W1）",
        user=clerk,
        work_order=order,
    )
    request = to_review(receive(clerk, order.subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    request.refresh_from_db()

    text = "".join(pdf_text(disclosure_pdf(request, clerk)).split())

    for value in ["開示一郎", "kaiji@example.jp", "農業", "テレビ", order.contractor.name, "修理（W1）", "統計資料"]:
        assert value in text, value


@needs_poppler
@pytest.mark.parametrize("per_part, continuations", [(3, 2), (6, 1), (7, 0)])
def test_a_long_disclosure_is_laid_out_in_parts_and_numbered_throughout(
    clerk, officer, monkeypatch, settings, per_part, continuations
):
    # Given a subscriber with seven provision records, and parts of so many lines laid out by two processes
    monkeypatch.setattr(letters, "LINES_PER_PART", per_part)
    settings.PDF_PROCESSES = 2
    request = granted_disclosure(clerk, officer, lines=7)

    # When the disclosure is made
    pdf = disclosure_pdf(request, clerk)

    # Then every line is in it once and in order, the later parts headed 「続き」, the contact once at the end, and
    # every page numbered "n / N" of the whole
    pages = pdf_pages(pdf)
    text = "".join("".join(page.split()) for page in pages)
    at = [text.index(f"修理（W{n}）") for n in range(7)]
    assert at == sorted(at) and all(text.count(f"修理（W{n}）") == 1 for n in range(7))
    assert text.count("（7件）") == 1 and text.count("（続き）") == continuations
    assert text.count("お問い合わせ先") == 1 and "お問い合わせ先" in "".join(pages[-1].split())
    assert all("".join(page.split()).endswith(f"{n}/{len(pages)}") for n, page in enumerate(pages, start=1))
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"保有個人情報の開示 {request.number}"
    assert_japanese_font_embedded(pdf)


def test_the_electronic_copy_is_recorded_as_handed_over_and_access_logged(client, clerk, officer):
    subscriber = SubscriberFactory.create(occupation="=HYPERLINK(1)")
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(
        request=request,
        decision="partial",
        reasons="職業欄は第三者の情報を含むため",
        user=officer,
        withheld_items=["occupation"],
        withholding_grounds={"occupation": "78-1-2"},
    )
    client.force_login(clerk)

    as_json = client.post(reverse("privacy:request_disclosure", args=[request.pk, "json"]))
    as_csv = client.post(reverse("privacy:request_disclosure", args=[request.pk, "csv"]))

    data = json.loads(as_json.content)
    assert data["request"] == request.number and data["items"]["加入者番号"] == subscriber.number
    assert "職業" not in data["items"]  # withheld by the partial decision
    assert "HYPERLINK" not in as_csv.content.decode("utf-8-sig")
    assert request.events.filter(kind="disclosure_handed_over").count() == 2
    assert AccessLog.objects.filter(action="export", subscriber_number=subscriber.number).count() == 2


def test_nothing_is_handed_over_before_the_fee_is_paid(client, clerk, officer):
    # Given a disclosure granted, with a fee of 300 yen not yet paid
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=300)
    request = to_review(receive(clerk, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    client.force_login(clerk)
    url = reverse("privacy:request_disclosure", args=[request.pk, "pdf"])
    # When the clerk tries to hand it over, it is refused with the reason, and nothing is recorded or logged
    response = client.post(url, follow=True)
    assert "手数料" in response.content.decode() and response.headers["Content-Type"].startswith("text/html")
    assert not request.events.filter(kind="disclosure_handed_over").exists()
    assert not AccessLog.objects.filter(action="export").exists()
    # Then once the fee is recorded, it is handed over
    svc.request_record_fee(request=request, paid_on=TODAY(), user=clerk)
    assert client.post(url)["Content-Type"] == "application/pdf"


@needs_poppler
def test_the_disclosure_lists_the_subscribers_consents(clerk, officer):
    from privacy.letters import disclosure_data, disclosure_rows
    from privacy.models import Purpose
    from privacy.services.purposes import consent_record

    subscriber = SubscriberFactory.create()
    purpose = Purpose.objects.create(code="survey", title="視聴アンケート", description="調査", since=TODAY())
    consent_record(
        subscriber=subscriber,
        purpose=purpose,
        user_told="三沢市ケーブルテレビジョン",
        use_told="アンケートの送付",
        method="paper",
        given_on=TODAY(),
        user=clerk,
    )
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    (consent,) = disclosure_data(request, clerk)["consents"]
    assert (consent["purpose"], consent["use_told"], consent["withdrawn_on"]) == (
        "視聴アンケート",
        "アンケートの送付",
        None,
    )
    text = "".join(pdf_text(disclosure_pdf(request, clerk)).split())
    assert "同意の記録" in text and "視聴アンケート" in text and "三沢市ケーブルテレビジョン" in text
    assert "アンケートの送付" in text
    (row,) = [row for row in disclosure_rows(request, clerk) if row[0] == "同意"]
    assert row[1] == "視聴アンケート" and "利用の内容：アンケートの送付" in row[2] and "撤回：なし" in row[2]


def test_no_disclosure_before_a_decision_granting_it_and_never_by_a_mere_get(client, clerk, officer):
    request = receive(clerk, kind="disclosure")
    client.force_login(clerk)
    url = reverse("privacy:request_disclosure", args=[request.pk, "pdf"])
    assert client.post(url).status_code == 403
    request = to_review(request, clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    assert client.get(url).status_code == 405  # a link or an <img> elsewhere cannot hand data over
    assert not request.events.filter(kind="disclosure_handed_over").exists()
    assert client.get(reverse("privacy:request_letter", args=[request.pk, "nonsense"])).status_code == 404


def test_the_csv_copy_neutralises_formulas(client, clerk, officer):
    subscriber = SubscriberFactory.create(occupation="=HYPERLINK(1)")
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    client.force_login(clerk)
    body = client.post(reverse("privacy:request_disclosure", args=[request.pk, "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_a_partial_disclosure_names_what_it_withholds(clerk, officer):
    request = to_review(receive(clerk, kind="disclosure"), clerk)
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, decision="partial", reasons="一部不開示", user=officer)
    assert "withheld_items" in error.value.error_dict


@pytest.mark.parametrize("kind", ["stop_contractors", "stop_third_party", "suspension", "erasure"])
def test_stops_suspensions_and_erasures_are_granted_in_full_or_not_at_all(clerk, officer, kind):
    request = to_review(receive(clerk, kind=kind), clerk)
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, decision="partial", reasons="一部", user=officer)
    assert "decision" in error.value.error_dict
    assert not ProvisionStop.objects.exists()


def test_a_pause_is_no_way_round_the_identity_check(client, clerk, officer):
    # Given a request paused before anyone checked the requester's identity
    request = svc.request_pause(request=receive(clerk), user=clerk, note="書類の追加を依頼")

    # When a clerk posts "start the review", or tries the service directly
    client.force_login(clerk)
    response = client.post(reverse("privacy:request_action", args=[request.pk, "review"]))
    with pytest.raises(ValidationError):
        svc.request_start_review(request=request, user=clerk)

    # Then nothing moved
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.PAUSED and not request.identity_verified


def test_no_decision_without_a_verified_identity(clerk, officer):
    request = receive(clerk)
    SubjectRequest.objects.filter(pk=request.pk).update(status=S.UNDER_REVIEW)
    with pytest.raises(ValidationError):
        svc.request_decide(request=request, decision="full", reasons="", user=officer)
    request.refresh_from_db()
    assert request.decision == ""


def test_a_paused_request_is_neither_due_nor_overdue_while_its_clock_stands(clerk):
    request = receive(clerk, received_on=TODAY() - timedelta(days=30))
    assert SubjectRequest.objects.overdue(TODAY()).filter(pk=request.pk).exists()
    request = svc.request_pause(request=request, user=clerk, note="照会中")
    assert not SubjectRequest.objects.overdue(TODAY()).exists()
    assert request.urgency(TODAY()) == "paused"


def test_an_extension_must_come_before_the_deadline_passes(clerk):
    request = receive(clerk, received_on=TODAY() - timedelta(days=60))
    with pytest.raises(ValidationError):
        svc.request_extend(request=request, days=30, reason="遅れたため", user=clerk)
    request.refresh_from_db()
    assert request.extension_days == 0


def test_a_granted_correction_cannot_be_replied_to_before_the_record_is_changed(clerk, officer):
    request = to_review(receive(clerk, kind="correction", details="電話番号の訂正"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    with pytest.raises(ValidationError):
        svc.request_record_reply(request=request, replied_on=TODAY(), method="mail", user=clerk)
    request.refresh_from_db()
    assert request.status == S.DECIDED


def test_an_erased_subscriber_is_refused_by_the_gate_and_gone_from_the_portal(client, clerk, officer):
    order = WorkOrderFactory.create()
    request = to_review(receive(clerk, order.subscriber, kind="erasure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    with pytest.raises(ProvisionRefused):
        provision_record(
            subscriber=Subscriber.objects.get(pk=order.subscriber_id),
            items=["number"],
            method="paper",
            basis="contracted_work",
            purpose="修理",
            user=clerk,
            work_order=order,
        )
    client.force_login(contractor_user(order.contractor, "denko"))
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 404


def test_opening_a_request_and_printing_its_letter_are_access_logged(client, clerk, officer):
    request = to_review(receive(clerk), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    client.force_login(clerk)
    client.get(reverse("privacy:request_detail", args=[request.pk]))
    client.get(reverse("privacy:request_letter", args=[request.pk, "decision"]))
    assert list(AccessLog.objects.order_by("id").values_list("action", "subscriber_number")) == [
        ("view", request.subscriber.number),
        ("export", request.subscriber.number),
    ]


# --- staff pages -----------------------------------------------------------------------------------------


def test_the_dashboard_lists_open_requests_overdue_first_with_their_urgency(clerk_client, clerk):
    overdue = receive(clerk, received_on=TODAY() - timedelta(days=40))
    fresh = receive(clerk)
    closed = receive(clerk, received_on=TODAY() - timedelta(days=60))
    svc.request_withdraw(request=closed, user=clerk, note="電話で取下げ")

    response = clerk_client.get(reverse("privacy:dashboard"))

    rows = response.context["rows"]
    assert [r["request"] for r in rows] == [overdue, fresh]
    assert rows[0]["urgency"] == "overdue"
    html = response.content.decode()
    assert html.index(overdue.number) < html.index(fresh.number)
    assert "due-overdue" in html and closed.number not in html


@pytest.mark.parametrize(
    ("days_left", "urgency"),
    [(12, "ok"), (10, "ok"), (9, "under10"), (5, "under10"), (4, "under5"), (0, "under5"), (-1, "overdue")],
)
def test_urgency_bands(days_left, urgency):
    request = SubjectRequest(due_on=TODAY() + timedelta(days=days_left))
    assert request.urgency(TODAY()) == urgency


def test_a_clerk_records_a_request_through_the_form_and_bad_input_is_kept(clerk_client):
    subscriber = SubscriberFactory.create()
    url = reverse("privacy:request_create")
    form = {
        "subscriber_number": subscriber.number,
        "kind": "stop_contractors",
        "received_on": TODAY().isoformat(),
        "channel": "counter",
        "details": "工事業者への提供をやめてほしい",
        "by_agent": "on",
    }

    response = clerk_client.post(url, form)  # an agent, but nameless
    assert response.status_code == 200 and not SubjectRequest.objects.exists()
    assert response.context["form"].errors["agent_name"]
    assert "工事業者への提供をやめてほしい" in response.content.decode()

    response = clerk_client.post(url, {**form, "by_agent": ""})
    request = SubjectRequest.objects.get()
    assert response["Location"] == reverse("privacy:request_detail", args=[request.pk])


def steps_offered(response) -> dict:
    """The request page's steps, by name, with their forms."""
    return {step["name"]: step["form"] for step in response.context["steps"]}


def test_the_decide_action_is_an_officers_and_errors_keep_the_page(client, clerk, officer):
    request = to_review(receive(clerk), clerk)
    url = reverse("privacy:request_action", args=[request.pk, "decide"])
    client.force_login(clerk)
    assert client.post(url, {"decide-decision": "full"}).status_code == 403
    assert "decide" not in steps_offered(client.get(reverse("privacy:request_detail", args=[request.pk])))

    client.force_login(officer)
    response = client.post(url, {"decide-decision": "none", "decide-reasons": ""})
    assert response.status_code == 200 and steps_offered(response)["decide"].errors["reasons"]
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW

    decision = {"decide-decision": "not_held", "decide-reasons": "対象の情報を保有していないため"}
    asked = client.post(url, decision)
    assert asked.status_code == 200 and "決定は確定し" in asked.content.decode()
    request.refresh_from_db()
    assert request.status == S.UNDER_REVIEW
    client.post(url, decision | {"confirmed": "1"})
    request.refresh_from_db()
    assert (request.status, request.decision, request.decided_by) == (S.DECIDED, "not_held", officer)


def test_an_auditor_reads_requests_but_acts_on_none(client, auditor, clerk):
    request = receive(clerk)
    client.force_login(auditor)
    assert steps_offered(client.get(reverse("privacy:request_detail", args=[request.pk]))) == {}
    url = reverse("privacy:request_action", args=[request.pk, "verify"])
    assert client.post(url, {"verify-identity_method": "passport"}).status_code == 403
    assert client.get(reverse("privacy:request_create")).status_code == 403


def test_an_auditor_downloads_no_letter_with_personal_data(client, auditor, clerk, officer):
    # Given a decided and extended request, whose letters name the requester and their address
    request = svc.request_extend(request=receive(clerk), days=10, reason="確認に時間を要する", user=clerk)
    request = to_review(request, clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    client.force_login(auditor)
    # Then the auditor's request page offers no letter, and fetching one is refused
    assert client.get(reverse("privacy:request_detail", args=[request.pk])).context["letters"] == []
    for letter in ("decision", "extension"):
        assert client.get(reverse("privacy:request_letter", args=[request.pk, letter])).status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


def test_contractors_never_see_requests(client, contractor_user, clerk):
    from privacy.selectors.requests import requests_visible_to

    request = receive(clerk)
    # even a contractor account wrongly given the permission sees nothing
    from django.contrib.auth.models import Permission

    contractor_user.user_permissions.add(Permission.objects.get(codename="view_subjectrequest"))
    contractor_user = type(contractor_user).objects.get(pk=contractor_user.pk)
    assert contractor_user.has_perm("privacy.view_subjectrequest")
    assert not requests_visible_to(contractor_user).exists()
    client.force_login(contractor_user)
    assert client.get(reverse("privacy:request_detail", args=[request.pk])).status_code == 302  # to the portal


def test_a_disclosure_lists_the_purposes_from_the_purpose_table_consented_ones_included(clerk, officer):
    from privacy.models import Purpose
    from privacy.services.purposes import consent_record, consent_withdraw

    # Given two purposes the declaration does not state: one the subscriber consented to, one withdrawn
    subscriber = SubscriberFactory.create()
    survey, raffle = (
        Purpose.objects.create(code=code, title=title, description=f"{title}のため。", since=TODAY())
        for code, title in [("survey", "視聴アンケート"), ("raffle", "加入者抽選会")]
    )
    for purpose in (survey, raffle):
        consent = consent_record(
            subscriber=subscriber,
            purpose=purpose,
            user_told="三沢市ケーブルテレビジョン",
            use_told="案内の送付",
            method="paper",
            given_on=TODAY(),
            user=clerk,
        )
    consent_withdraw(consent=consent, withdrawn_on=TODAY(), user=clerk)  # the raffle's
    Purpose.objects.filter(code="notices").update(title="施設の業務に関する通知（改）")
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)

    # When the disclosure is made
    from privacy.letters import disclosure_data

    purposes = disclosure_data(request, clerk)["purposes"]

    # Then it lists the purposes as configured today, the consented one too, and not the withdrawn one
    assert any(p.startswith("施設の業務に関する通知（改）") for p in purposes)
    assert any(p.startswith("視聴アンケート") for p in purposes)
    assert not any(p.startswith("加入者抽選会") for p in purposes)


def test_the_page_offers_only_the_steps_the_services_allow(client, clerk):
    # Given a paused request (the services refuse an extension while the clock stands still)
    request = receive(clerk)
    svc.request_pause(request=request, user=clerk, note="本人確認書類を依頼")
    client.force_login(clerk)
    # Then the page does not offer it, and a forged post changes nothing
    offered = steps_offered(client.get(reverse("privacy:request_detail", args=[request.pk])))
    assert set(offered) == {"resume", "withdraw"}
    client.post(
        reverse("privacy:request_action", args=[request.pk, "extend"]), {"extend-days": 5, "extend-reason": "x"}
    )
    request.refresh_from_db()
    assert request.extension_days == 0


def test_a_fee_is_recorded_once(clerk):
    request = receive(clerk)
    SubjectRequest.objects.filter(pk=request.pk).update(fee_yen=300)
    svc.request_record_fee(request=request, paid_on=TODAY(), user=clerk)
    with pytest.raises(ValidationError):
        svc.request_record_fee(request=request, paid_on=TODAY(), user=clerk)
    assert request.events.filter(kind="fee_paid").count() == 1


@pytest.mark.parametrize(
    ("step", "target"),
    [
        ("verify", S.IDENTITY_VERIFIED),
        ("review", S.UNDER_REVIEW),
        ("pause", S.PAUSED),
        ("decide", S.DECIDED),
        ("reply", S.REPLIED),
        ("close", S.CLOSED),
        ("withdraw", S.WITHDRAWN),
    ],
)
def test_each_step_that_moves_the_status_starts_only_where_the_map_allows_its_move(step, target):
    assert all(target in svc.REQUEST_LIFECYCLE.allowed(status) for status in svc.STEP_FROM[step])


def test_a_former_subscribers_disclosure_names_only_purposes_that_cover_former_subscribers(clerk, officer):
    from privacy.letters import disclosure_data

    # Given a terminated subscriber's disclosure request, granted
    subscriber = SubscriberFactory.create(status="terminated", terminated_on=TODAY())
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    # Then the notices purpose (current subscribers only) is not named, statistics over the years is
    purposes = disclosure_data(request, clerk)["purposes"]
    assert not any(p.startswith("施設の業務に関する通知") for p in purposes)
    assert any(p.startswith("統計資料の作成") for p in purposes)
