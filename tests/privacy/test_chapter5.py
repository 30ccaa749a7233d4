"""Requests as APPI chapter 5 runs them: written requests and consultations, agents, correction of the form, the
decisions of each kind with their letters and appeal notice, the statutory and the working deadline, the special
rule for very large requests, fees, the disclosure carried out and the 90 days after it, telling the recipients of
a correction, the acknowledgement and the transfer (docs/requests.md)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy import letters
from privacy.deadlines import due_date, last_open_day_on_or_before
from privacy.models import Consultation, CorrectionNotice, RequestRule, RequestSettings, SubjectRequest
from privacy.services import requests as svc
from privacy.services.correction_notices import correction_notice_mark_sent
from privacy.services.provision import provision_record
from tests.factories import SubscriberFactory, WorkOrderFactory, carried_out_disclosure
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
S = SubjectRequest.Status


def receive(user, subscriber=None, kind="disclosure", **kwargs):
    kwargs.setdefault("received_on", TODAY())
    kwargs.setdefault("channel", "counter")
    kwargs.setdefault("details", "保有する個人情報の全部")
    if "subject_name" not in kwargs:
        kwargs["subscriber"] = subscriber or SubscriberFactory.create()
    return svc.request_receive(kind=kind, user=user, **kwargs)


def reviewed(request, user, **identity):
    svc.request_verify_identity(request=request, method="my_number_card", user=user, **identity)
    return svc.request_start_review(request=request, user=user)


def text_of(pdf: bytes) -> str:
    return pdf_text(pdf).replace(" ", "").replace("\n", "")


def wareki(day: date) -> str:
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


# --- 1. who asks, and how -------------------------------------------------------------------------------------


def test_a_consultation_becomes_a_request_once_and_the_intake_form_starts_from_it(clerk, client):
    # Given a phone call without a written request, recorded as a consultation
    subscriber = SubscriberFactory.create()
    consultation = svc.consultation_record(
        received_on=TODAY(),
        channel="phone",
        name=subscriber.full_name,
        subscriber=subscriber,
        kind="disclosure",
        summary="自分の情報を見たい",
        answer="開示請求書の提出方法を案内",
        user=clerk,
    )
    client.force_login(clerk)

    # When the written form arrives and the clerk opens the intake from the consultation
    page = client.get(reverse("privacy:request_create") + f"?consultation={consultation.pk}")
    assert page.context["form"].initial["details"] == "自分の情報を見たい"
    request = receive(clerk, subscriber, consultation=consultation)

    # Then the consultation names the request, and cannot become another one
    consultation.refresh_from_db()
    assert consultation.request == request
    with pytest.raises(ValidationError):
        receive(clerk, subscriber, consultation=consultation)


def test_a_phone_call_is_not_a_written_request(clerk, client):
    client.force_login(clerk)
    subscriber = SubscriberFactory.create()
    response = client.post(
        reverse("privacy:request_create"),
        {"kind": "disclosure", "received_on": TODAY().isoformat(), "channel": "phone", "details": "電話で請求"}
        | {"subscriber_number": subscriber.number},
    )
    assert response.status_code == 200 and "channel" in response.context["form"].errors
    assert not SubjectRequest.objects.exists()
    assert set(SubjectRequest.Channel.values) == {"counter", "mail", "online"}


def test_a_request_about_someone_not_in_the_registry_is_answered_as_not_held(clerk, officer):
    # Given a written request naming a person the registry does not hold
    request = receive(
        clerk,
        subject_name="三沢 花子",
        subject_postal_code="0330001",
        subject_address="青森県三沢市中央町1-1",
    )
    assert request.subscriber is None and request.requester_name == "三沢 花子"
    reviewed(request, clerk)

    # When the officer tries to disclose, it is refused; a decision that nothing is held is made
    with pytest.raises(ValidationError) as refused:
        svc.request_decide(request=request, decision="full", reasons="", user=officer)
    assert "decision" in refused.value.message_dict
    request = svc.request_decide(request=request, decision="not_held", reasons="該当者なし", user=officer)

    # Then the letter is a refusal because nothing is held, addressed to the person
    assert request.decision_label == "不開示（不存在）"
    text = text_of(letters.decision_letter_pdf(request))
    assert "保有個人情報不開示決定通知書" in text and "三沢花子様" in text and "保有していないため" in text


def test_an_intake_without_the_persons_address_keeps_what_was_typed(clerk, client):
    client.force_login(clerk)
    response = client.post(
        reverse("privacy:request_create"),
        {"kind": "disclosure", "received_on": TODAY().isoformat(), "channel": "mail", "details": "全部"}
        | {"subject_name": "登録 なし"},
    )
    form = response.context["form"]
    assert "subject_address" in form.errors and form["subject_name"].value() == "登録 なし"
    assert not SubjectRequest.objects.exists()


@pytest.mark.parametrize("kind", ["disclosure", "correction", "suspension"])
def test_an_appointed_agent_may_ask_every_kind_and_shows_the_letter_of_attorney(clerk, officer, kind):
    # Given a request by an appointed agent (art. 76(2), used by arts. 90(2) and 98(2))
    subscriber = SubscriberFactory.create()
    extra = {"based_on": carried_out_disclosure(clerk, officer, subscriber)} if kind != "disclosure" else {}
    request = receive(
        clerk,
        subscriber,
        kind=kind,
        by_agent=True,
        agent_kind="appointed",
        agent_name="弁護士 佐藤一郎",
        agent_postal_code="0318686",
        agent_address="青森県八戸市内丸1-1-1",
        **extra,
    )
    # When the identity is checked without the letter of attorney, it is refused
    with pytest.raises(ValidationError) as refused:
        svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    assert "agent_authority" in refused.value.message_dict
    request = svc.request_verify_identity(
        request=request, method="drivers_licence", agent_authority="委任状（実印・印鑑登録証明書）", user=clerk
    )
    # Then both the identity and the authority are recorded
    assert request.agent_authority == "委任状（実印・印鑑登録証明書）" and request.identity_verified


def test_an_agents_request_must_say_which_kind_of_agent(clerk):
    with pytest.raises(ValidationError):
        receive(clerk, by_agent=True, agent_name="親", agent_postal_code="0330001", agent_address="三沢市")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectRequest.objects.filter(pk=receive(clerk).pk).update(by_agent=True, agent_name="親", agent_kind="")


# --- 2. correction of the form (補正) ---------------------------------------------------------------------------


@needs_poppler
def test_asking_for_a_corrected_form_stops_the_clock_until_it_arrives_with_a_letter(clerk):
    # Given a request received ten days ago, and the office gives 14 days to correct a form
    RequestSettings.objects.update(correction_days=14)
    request = receive(clerk, received_on=TODAY() - timedelta(days=10))
    before = request.due_on

    # When the clerk asks for a correction seven days ago, and the corrected form arrives today
    asked_on = TODAY() - timedelta(days=7)
    request = svc.request_pause(request=request, user=clerk, note="請求する情報の特定が不十分", on=asked_on)
    assert request.correction_due_on == asked_on + timedelta(days=14)
    text = text_of(letters.form_correction_pdf(request))
    request = svc.request_resume(request=request, user=clerk, on=TODAY())

    # Then the seven days are not counted (art. 83(1)) and the letter said what and by when
    assert request.paused_days == 7 and request.due_on > before
    assert request.period_ends_on == request.received_on + timedelta(days=request.days + 7)
    assert "請求書の補正について" in text and "請求する情報の特定が不十分" in text
    assert wareki(asked_on + timedelta(days=14)) in text and "第83条第1項ただし書" in text


def test_a_form_never_corrected_is_dismissed_from_the_pause(clerk, officer):
    request = receive(clerk)
    svc.request_pause(request=request, user=clerk, note="氏名の記載がない")

    request = svc.request_dismiss(request=request, reasons="期限までに補正がなかったため", user=officer)

    assert (request.status, request.decision, request.paused_on) == (S.DECIDED, "dismissed", None)
    assert request.decision_label == "却下"


# --- 3. decisions by kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "decisions"),
    [
        ("disclosure", ["full", "partial", "none", "not_held", "neither"]),
        ("correction", ["full", "partial", "none"]),
        ("suspension", ["full", "none"]),
        ("stop_third_party", ["full", "none"]),
        ("stop_contractors", ["full", "none"]),
    ],
)
def test_each_kind_offers_the_decisions_its_procedure_knows(kind, decisions):
    assert svc.decisions_for(kind) == decisions


@needs_poppler
def test_a_partial_disclosure_names_the_article_withholding_each_item_and_tells_how_to_appeal(clerk, officer):
    # Given a disclosure under review
    request = reviewed(receive(clerk), clerk)

    # When the officer withholds an item without a ground, it is refused; with one, it is decided
    with pytest.raises(ValidationError) as refused:
        svc.request_decide(
            request=request, decision="partial", reasons="一部不開示", withheld_items=["occupation"], user=officer
        )
    assert "withheld_items" in refused.value.message_dict
    request = svc.request_decide(
        request=request,
        decision="partial",
        reasons="職業欄に第三者の情報が含まれるため",
        withheld_items=["occupation"],
        withholding_grounds={"occupation": "78-1-2"},
        user=officer,
    )

    # Then the letter is a partial disclosure listing the item with its article, the purposes and the way to ask
    # for the carrying out, and the appeal notice with both periods
    pdf = letters.decision_letter_pdf(request)
    text = text_of(pdf)
    assert "保有個人情報部分開示決定通知書" in text and "決定：部分開示" in text
    assert "職業" in text and "法第78条第1項第2号" in text and "開示請求者以外の個人に関する情報" in text
    assert "30日以内に、希望する開示の実施の方法を申し出て" in text
    assert "教示" in text and "3か月以内に、三沢市長に対して審査請求" in text and "1年を経過すると" in text
    assert "6か月以内に、三沢市を被告として" in text
    assert wareki(TODAY()) in text
    assert_japanese_font_embedded(pdf)


@needs_poppler
def test_neither_confirming_nor_denying_cites_article_81(clerk, officer):
    request = reviewed(receive(clerk), clerk)
    request = svc.request_decide(
        request=request, decision="neither", reasons="存否を答えるだけで第三者情報", user=officer
    )
    text = text_of(letters.decision_letter_pdf(request))
    assert (
        "保有個人情報不開示決定通知書" in text and "存否応答拒否" in text and "法第81条" in text and "審査請求" in text
    )


@needs_poppler
def test_a_correction_refused_is_a_disposition_with_an_appeal_notice(clerk, officer):
    request = reviewed(receive(clerk, kind="correction", based_on=None), clerk)
    SubjectRequest.objects.filter(pk=request.pk).update(
        based_on=carried_out_disclosure(clerk, officer, request.subscriber)
    )
    request = svc.request_decide(request=request, decision="none", reasons="事実と相違ない", user=officer)
    text = text_of(letters.decision_letter_pdf(request))
    assert "保有個人情報不訂正決定通知書" in text and "決定：訂正しない" in text and "審査請求" in text


def test_a_correction_asked_more_than_90_days_after_the_disclosure_must_be_dismissed(clerk, officer):
    # Given a disclosure carried out 91 days ago and another 90 days ago
    subscriber = SubscriberFactory.create()
    late_base = carried_out_disclosure(clerk, officer, subscriber, disclosed_days_ago=91)
    in_time_base = carried_out_disclosure(clerk, officer, subscriber, disclosed_days_ago=90)
    late = reviewed(receive(clerk, subscriber, kind="correction", based_on=late_base), clerk)
    in_time = reviewed(receive(clerk, subscriber, kind="correction", based_on=in_time_base), clerk)

    # When the officer decides on each
    assert svc.follow_up_lapse(late) and not svc.follow_up_lapse(in_time)
    with pytest.raises(ValidationError):
        svc.request_decide(request=late, decision="none", reasons="理由", user=officer)
    svc.request_decide(request=in_time, decision="none", reasons="事実と相違ない", user=officer)
    late = svc.request_dismiss(request=late, reasons="開示を受けた日から90日を経過した請求のため", user=officer)

    # Then the late one is dismissed (arts. 90(3)): the last day was the 90th after the disclosure
    assert svc.follow_up_deadline(in_time_base) == TODAY()
    assert late.decision == "dismissed"


def test_a_suspension_that_follows_no_disclosure_must_be_dismissed(clerk, officer):
    request = reviewed(receive(clerk, kind="suspension", based_on=None), clerk)
    assert svc.follow_up_lapse(request)
    with pytest.raises(ValidationError):
        svc.request_decide(request=request, decision="full", reasons="", user=officer)


@needs_poppler
def test_the_answer_to_a_declaration_request_carries_no_appeal_notice(clerk, officer):
    request = reviewed(receive(clerk, kind="stop_contractors"), clerk)
    request = svc.request_decide(request=request, decision="full", reasons="", user=officer)
    text = text_of(letters.decision_letter_pdf(request))
    assert "回答書" in text and "審査請求" not in text and "教示" not in text
    with pytest.raises(ValidationError):
        svc.request_dismiss(request=reviewed(receive(clerk, kind="purpose_notice"), clerk), reasons="x", user=officer)


def test_the_disclosure_carried_out_is_recorded_once_with_how(clerk, officer):
    request = svc.request_decide(request=reviewed(receive(clerk), clerk), decision="full", reasons="", user=officer)
    with pytest.raises(ValidationError):
        svc.request_carry_out_disclosure(request=request, on=TODAY(), method="", user=clerk)
    request = svc.request_carry_out_disclosure(request=request, on=TODAY(), method="electronic", user=clerk)
    assert (request.disclosed_on, request.disclosure_method) == (TODAY(), "electronic")
    assert request.events.filter(kind="disclosure_carried_out").count() == 1
    with pytest.raises(ValidationError):
        svc.request_carry_out_disclosure(request=request, on=TODAY(), method="inspection", user=clerk)


# --- 4. deadlines ----------------------------------------------------------------------------------------------


def test_the_statutory_last_day_and_the_working_deadline_are_both_kept(clerk):
    # Given 30 days (the law's) counted from a receipt whose 30th day falls on a Sunday
    RequestRule.objects.filter(kind="disclosure").update(days=30)
    received = date(2026, 10, 2)  # +30 days = Sunday 1 November 2026
    request = receive(clerk, received_on=received)

    assert request.period_ends_on == date(2026, 11, 1)
    assert request.due_on == last_open_day_on_or_before(date(2026, 11, 1)) == date(2026, 10, 30)
    assert request.due_on == due_date(received, 30)


def test_the_ordinance_may_shorten_the_period_but_not_lengthen_it(clerk):
    RequestRule.objects.filter(kind="disclosure").update(days=15)
    assert receive(clerk).days == 15
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestRule.objects.filter(kind="disclosure").update(days=31)


@needs_poppler
def test_the_extension_notice_cites_the_article_and_shows_both_dates(clerk):
    request = svc.request_extend(request=receive(clerk), days=30, reason="大量のため", user=clerk)
    text = text_of(letters.extension_notice_pdf(request))
    assert "第83条第2項" in text and "大量のため" in text
    assert wareki(request.period_ends_on) in text and wareki(request.due_on) in text


@needs_poppler
def test_a_very_large_disclosure_is_decided_in_part_within_60_days_and_the_rest_by_a_notified_date(clerk):
    # Given a disclosure of ten years of records
    RequestRule.objects.filter(kind="disclosure").update(days=30, special_part_days=60)
    request = receive(clerk, details="過去10年分の提供記録")
    rest_by = TODAY() + timedelta(days=150)

    # When the special rule is applied within the period
    with pytest.raises(ValidationError) as refused:
        svc.request_special_extend(request=request, reason="著しく大量", rest_by=rest_by, part="", user=clerk)
    assert "part" in refused.value.message_dict
    request = svc.request_special_extend(
        request=request, reason="著しく大量", rest_by=rest_by, part="直近1年分", user=clerk
    )

    # Then the first part runs 60 days and the rest is its own request, due by the notified date
    remainder = request.remainders.get()
    assert request.period_ends_on == request.received_on + timedelta(days=60)
    assert remainder.special_until == rest_by and remainder.due_on == last_open_day_on_or_before(rest_by)
    assert remainder.status == S.RECEIVED and remainder.subscriber == request.subscriber
    text = text_of(letters.special_extension_pdf(request))
    assert "第84条" in text and "著しく大量" in text and wareki(rest_by) in text and remainder.number in text
    # and neither the ordinary extension nor the rule again
    with pytest.raises(ValidationError):
        svc.request_extend(request=request, days=10, reason="再延長", user=clerk)
    assert "special_extend" not in svc.request_next_steps(request)


def test_a_correction_under_the_special_rule_is_decided_whole_by_the_notified_date(clerk, officer):
    subscriber = SubscriberFactory.create()
    request = receive(clerk, subscriber, kind="correction", based_on=carried_out_disclosure(clerk, officer, subscriber))
    rest_by = TODAY() + timedelta(days=90)
    request = svc.request_special_extend(request=request, reason="調査に長期間", rest_by=rest_by, part="", user=clerk)
    assert request.special_until == rest_by and request.period_ends_on == rest_by and not request.remainders.exists()


def test_the_special_rule_must_be_notified_within_the_period(clerk):
    request = receive(clerk, received_on=TODAY() - timedelta(days=40))
    with pytest.raises(ValidationError):
        svc.request_special_extend(
            request=request, reason="大量", rest_by=TODAY() + timedelta(days=60), part="一部", user=clerk
        )


# --- 5. fees ---------------------------------------------------------------------------------------------------


def test_only_a_disclosure_may_cost_a_fee(clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestRule.objects.filter(kind="correction").update(fee_yen=300)


def test_nothing_is_handed_over_before_the_fee_is_paid_or_waived_and_copies_cost_per_sheet(clerk, officer):
    # Given a disclosure with a 300 yen fee and copies at 10 yen a sheet, granted
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=300, copy_yen_per_sheet=10)
    request = svc.request_decide(request=reviewed(receive(clerk), clerk), decision="full", reasons="", user=officer)

    # When the clerk hands over copies before the fee, it is refused even with the copies paid
    with pytest.raises(ValidationError):
        svc.request_carry_out_disclosure(
            request=request, on=TODAY(), method="copy", sheets=12, copies_paid=True, user=clerk
        )
    with pytest.raises(PermissionDenied):  # only an officer waives
        svc.request_waive_fee(request=request, reason="減免", user=clerk)
    with pytest.raises(ValidationError):
        svc.request_waive_fee(request=request, reason=" ", user=officer)
    svc.request_waive_fee(request=request, reason="生活保護受給者のため減免", user=officer)
    request = svc.request_carry_out_disclosure(request=request, on=TODAY(), method="copy", sheets=12, user=clerk)

    # Then the waiver covered the copies too, and the cost is recorded
    assert (request.copy_sheets, request.copy_fee_yen) == (12, 120)
    assert request.fee_waived_reason == "生活保護受給者のため減免"


def test_copies_not_paid_are_not_handed_over(clerk, officer):
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=0, copy_yen_per_sheet=10)
    request = svc.request_decide(request=reviewed(receive(clerk), clerk), decision="full", reasons="", user=officer)
    with pytest.raises(ValidationError) as refused:
        svc.request_carry_out_disclosure(request=request, on=TODAY(), method="copy", sheets=12, user=clerk)
    assert "120" in refused.value.message_dict["copies_paid"][0]
    request = svc.request_carry_out_disclosure(
        request=request, on=TODAY(), method="copy", sheets=12, copies_paid=True, user=clerk
    )
    assert request.copy_fee_yen == 120


# --- 6. after a correction, tell the recipients (art. 97) --------------------------------------------------------


@needs_poppler
def test_the_recipients_of_corrected_items_are_listed_and_each_notice_recorded_as_sent(clerk, officer, client):
    # Given a subscriber whose address went to one contractor and only the number to another
    subscriber = SubscriberFactory.create()
    for items in (["number", "address"], ["number"]):
        order = WorkOrderFactory.create(subscriber=subscriber, items=items)
        provision_record(
            subscriber=subscriber,
            items=items,
            method="paper",
            basis="contracted_work",
            purpose="修理",
            user=clerk,
            contractor=order.contractor,
            work_order=order,
        )
    address_holder = order.contractor.__class__.objects.get(work_orders__items=["number", "address"])
    disclosure = carried_out_disclosure(clerk, officer, subscriber)
    request = reviewed(receive(clerk, subscriber, kind="correction", details="住所の訂正", based_on=disclosure), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)

    # When the address is corrected through the request
    svc.request_apply_edit(request=request, user=clerk, street_address="桜町2-2-2")

    # Then only the contractor that received the address is listed, with the item
    notice = CorrectionNotice.objects.get(request=request)
    assert (notice.recipient_name, notice.items) == (address_holder.name, ["address"])
    client.force_login(clerk)
    page = client.get(reverse("privacy:request_detail", args=[request.pk]))
    assert address_holder.name in page.content.decode()
    text = text_of(client.get(reverse("privacy:correction_notice", args=[request.pk, notice.pk])).content)
    assert "第97条" in text and "住所" in text and address_holder.name.replace(" ", "") in text
    # and recording it sent is once only, with a date not in the future
    with pytest.raises(ValidationError):
        correction_notice_mark_sent(notice=notice, on=TODAY() + timedelta(days=1), user=clerk)
    client.post(reverse("privacy:correction_notice", args=[request.pk, notice.pk]), {"on": TODAY().isoformat()})
    notice.refresh_from_db()
    assert (notice.sent_on, notice.sent_by) == (TODAY(), clerk)
    assert request.events.filter(kind="recipient_notified").count() == 1


# --- 7. acknowledgement ----------------------------------------------------------------------------------------


@needs_poppler
def test_the_acknowledgement_gives_the_number_kind_and_both_deadlines(clerk, client):
    request = receive(clerk, channel="mail")
    client.force_login(clerk)
    response = client.get(reverse("privacy:request_letter", args=[request.pk, "acknowledgement"]))
    text = text_of(response.content)
    assert "保有個人情報開示請求受付票" in text and request.number in text and "郵送" in text
    assert wareki(request.due_on) in text and wareki(request.period_ends_on) in text
    assert_japanese_font_embedded(response.content)


# --- 8. transfer -----------------------------------------------------------------------------------------------


@needs_poppler
def test_a_transfer_closes_the_request_with_a_letter(clerk, officer):
    request = receive(clerk)
    with pytest.raises(ValidationError):
        svc.request_transfer(request=request, to=" ", reason="x", on=TODAY(), user=officer)
    request = svc.request_transfer(
        request=request, to="三沢市上下水道部長", reason="当該情報は上下水道部が作成したもの", on=TODAY(), user=officer
    )
    assert request.status == S.TRANSFERRED and not request.is_open
    text = text_of(letters.transfer_notice_pdf(request))
    assert "事案移送通知書" in text and "第85条第1項" in text and "三沢市上下水道部長" in text
    request = svc.request_close(request=request, user=clerk)
    assert request.status == S.CLOSED


def test_the_request_page_offers_the_chapter_5_steps_and_letters(clerk, officer, client):
    request = receive(clerk)
    client.force_login(officer)
    page = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    for heading in ("請求書の補正を求める", "却下", "移送", "決定期限の特例"):
        assert heading in page, heading
    assert reverse("privacy:request_letter", args=[request.pk, "acknowledgement"]) in page


def test_a_consultation_form_with_bad_input_keeps_what_was_typed(clerk, client):
    client.force_login(clerk)
    response = client.post(
        reverse("privacy:consultation_create"),
        {"received_on": "2026-13-40", "channel": "phone", "name": "相談 太郎", "summary": "内容"},
    )
    form = response.context["form"]
    assert response.status_code == 200 and "received_on" in form.errors and form["name"].value() == "相談 太郎"
    assert not Consultation.objects.exists()


# --- what the review of the first version found ----------------------------------------------------------------


def test_the_90_days_ending_on_a_closed_day_run_to_the_next_open_day(clerk, officer):
    # Given a disclosure carried out on Sunday 2026-09-06: its 90th day is Saturday 2026-12-05
    disclosure = carried_out_disclosure(clerk, officer, SubscriberFactory.create())
    SubjectRequest.objects.filter(pk=disclosure.pk).update(disclosed_on=date(2026, 9, 6))
    disclosure.refresh_from_db()
    # Then a correction arriving on Monday 2026-12-07 is in time (Local Autonomy Act art. 4-2)
    assert svc.follow_up_deadline(disclosure) == date(2026, 12, 7)


def test_a_correction_cannot_follow_someone_elses_disclosure(clerk, officer):
    others = carried_out_disclosure(clerk, officer, SubscriberFactory.create())
    with pytest.raises(ValidationError) as refused:
        receive(clerk, SubscriberFactory.create(), kind="correction", based_on=others)
    assert "based_on" in refused.value.message_dict


def test_a_suspension_request_is_not_transferred_and_only_an_officer_transfers(clerk, officer):
    subscriber = SubscriberFactory.create()
    suspension = receive(
        clerk, subscriber, kind="suspension", based_on=carried_out_disclosure(clerk, officer, subscriber)
    )
    assert "transfer" not in svc.request_next_steps(suspension)
    with pytest.raises(ValidationError):
        svc.request_transfer(request=suspension, to="他機関", reason="理由", on=TODAY(), user=officer)
    with pytest.raises(PermissionDenied):
        svc.request_transfer(request=receive(clerk), to="他機関", reason="理由", on=TODAY(), user=clerk)


@needs_poppler
def test_a_full_refusal_names_its_ground(clerk, officer):
    request = reviewed(receive(clerk), clerk)
    with pytest.raises(ValidationError) as refused:
        svc.request_decide(request=request, decision="none", reasons="不開示", user=officer)
    assert "withheld_items" in refused.value.message_dict
    request = svc.request_decide(
        request=request,
        decision="none",
        reasons="全体が捜査機関からの照会に関する情報のため",
        withholding_grounds={"number": "78-1-7-ro"},
        user=officer,
    )
    text = text_of(letters.decision_letter_pdf(request))
    assert "保有個人情報不開示決定通知書" in text and "法第78条第1項第7号ロ" in text


def test_the_grounds_a_city_cannot_use_are_not_offered(clerk):
    from privacy.forms.requests import DecideForm

    request = reviewed(receive(clerk), clerk)
    offered = {code for code, _label in DecideForm(request=request).fields["withhold_number"].choices}
    assert {"78-1-2", "78-1-7-i", "78-1-7-ro"} <= offered and not {"78-1-4", "78-1-5"} & offered


def test_a_granted_disclosure_is_carried_out_before_its_file_closes(clerk, officer):
    request = svc.request_decide(request=reviewed(receive(clerk), clerk), decision="full", reasons="", user=officer)
    request = svc.request_record_reply(request=request, replied_on=TODAY(), method="counter", user=clerk)
    assert "close" not in svc.request_next_steps(request)
    with pytest.raises(ValidationError):
        svc.request_close(request=request, user=clerk)


def test_the_rest_of_a_very_large_request_owes_no_second_fee(clerk):
    RequestRule.objects.filter(kind="disclosure").update(fee_yen=300)
    request = svc.request_special_extend(
        request=receive(clerk), reason="大量", rest_by=TODAY() + timedelta(days=120), part="直近分", user=clerk
    )
    assert request.fee_yen == 300 and request.remainders.get().fee_yen == 0


@needs_poppler
def test_letters_that_are_no_disposition_carry_no_appeal_notice_and_all_give_era_dates(clerk, officer):
    # Given a request acknowledged, extended, and another transferred
    request = svc.request_extend(request=receive(clerk), days=10, reason="確認", user=clerk)
    transferred = svc.request_transfer(
        request=receive(clerk), to="三沢市上下水道部長", reason="他機関の情報", on=TODAY(), user=officer
    )
    texts = [
        text_of(letters.acknowledgement_pdf(request)),
        text_of(letters.extension_notice_pdf(request)),
        text_of(letters.transfer_notice_pdf(transferred)),
    ]
    for text in texts:
        assert "教示" not in text and "審査請求" not in text
        assert wareki(TODAY()) in text


def test_a_reopened_request_is_decided_and_carried_out_anew(clerk, officer):
    from privacy.services.appeals import appeal_consult, appeal_receive, appeal_record_report, appeal_rule

    # Given a partial disclosure under the special rule, carried out and replied to
    RequestRule.objects.filter(kind="disclosure").update(days=15)
    request = svc.request_special_extend(
        request=receive(clerk), reason="大量", rest_by=TODAY() + timedelta(days=120), part="直近分", user=clerk
    )
    request = reviewed(request, clerk)
    request = svc.request_decide(
        request=request,
        decision="partial",
        reasons="一部不開示",
        withheld_items=["occupation"],
        withholding_grounds={"occupation": "78-1-2"},
        user=officer,
    )
    svc.request_carry_out_disclosure(request=request, on=TODAY(), method="inspection", user=clerk)
    svc.request_record_reply(request=request, replied_on=TODAY(), method="counter", user=clerk)

    # When an appeal is upheld
    appeal = appeal_receive(request=request, received_on=TODAY(), learned_on=TODAY(), grounds="取消し", user=officer)
    appeal_consult(appeal=appeal, on=TODAY(), notified_on=TODAY(), user=officer)
    appeal_record_report(appeal=appeal, on=TODAY(), summary="開示すべき", user=officer)
    appeal_rule(appeal=appeal, ruling="upheld", reasons="答申のとおり", on=TODAY(), user=officer)

    # Then the request runs its configured days again from the ruling, to be decided and carried out anew
    request.refresh_from_db()
    assert (request.status, request.days, request.special_until, request.disclosed_on) == (
        S.UNDER_REVIEW,
        15,
        None,
        None,
    )
    assert request.period_ends_on == TODAY() + timedelta(days=15)
    request = svc.request_decide(request=request, decision="full", reasons="", user=officer)
    assert "carry_out" in svc.request_next_steps(request)


def test_the_consultation_list_logs_each_subscriber_it_shows_and_a_contractor_sees_none(clerk, client, contractor_user):
    from privacy.models import AccessLog

    subscriber = SubscriberFactory.create()
    svc.consultation_record(
        received_on=TODAY(), channel="visit", name="来所者", subscriber=subscriber, summary="相談", user=clerk
    )
    client.force_login(clerk)
    assert client.get(reverse("privacy:consultation_list")).status_code == 200
    assert AccessLog.objects.filter(subscriber_id=subscriber.pk, action="listed", user=clerk).count() == 1
    client.force_login(contractor_user)
    response = client.get(reverse("privacy:consultation_list"))
    assert response.status_code == 302 and response["Location"] == "/portal/"  # confined to the portal
    assert not AccessLog.objects.filter(user=contractor_user).exists()


def test_the_pages_of_a_request_about_someone_not_in_the_registry_show_the_person(clerk, client):
    request = receive(
        clerk, subject_name="登録 なし子", subject_postal_code="0330001", subject_address="青森県三沢市中央町1-1"
    )
    client.force_login(clerk)
    for url in (
        reverse("privacy:request_detail", args=[request.pk]),
        reverse("privacy:dashboard"),
        reverse("privacy:request_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and "登録 なし子" in response.content.decode(), url
