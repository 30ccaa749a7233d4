"""Appeals (審査請求): the register linked to the decision, the appeal period, the review board's consultation and
its notice (APPI art. 105), the report, the ruling and its effect, the letters; officers only."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy.deadlines import months_later_last_day
from privacy.models import Appeal, RequestSettings, SubjectRequest
from privacy.services import appeals as svc
from privacy.services import requests as requests_svc
from privacy.services.digest import deadline_digest_send
from tests.factories import SubscriberFactory
from tests.pdf import needs_poppler, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def decided_refusal(clerk, officer):
    request = requests_svc.request_receive(
        subscriber=SubscriberFactory.create(family_name="審査", given_name="請求"),
        kind="disclosure",
        received_on=TODAY(),
        channel="counter",
        details="保有する個人情報の全部",
        user=clerk,
    )
    requests_svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    requests_svc.request_start_review(request=request, user=clerk)
    request = requests_svc.request_decide(
        request=request,
        decision="none",
        reasons="第三者情報",
        withholding_grounds={"occupation": "78-1-2"},
        user=officer,
    )
    return requests_svc.request_record_reply(request=request, replied_on=TODAY(), method="mail", user=clerk)


def appeal(officer, request, **kwargs):
    kwargs.setdefault("received_on", TODAY())
    kwargs.setdefault("learned_on", TODAY())
    return svc.appeal_receive(request=request, grounds="不開示決定の取消しを求める", user=officer, **kwargs)


@pytest.mark.parametrize(
    ("start", "months", "years", "last"),
    [
        (date(2026, 1, 15), 3, 0, date(2026, 4, 15)),  # from 16 Jan: three months end on 15 Apr
        (date(2026, 11, 30), 3, 0, date(2027, 2, 28)),  # from 1 Dec: the day before 1 Mar
        (date(2026, 5, 31), 3, 0, date(2026, 8, 31)),
        (date(2026, 11, 29), 3, 0, date(2027, 2, 28)),  # from 30 Nov: no 30 Feb, so the end of February
        (date(2028, 2, 29), 0, 1, date(2029, 2, 28)),
    ],
)
def test_periods_of_months_end_as_the_civil_code_counts_them(start, months, years, last):
    assert months_later_last_day(start, months=months, years=years) == last


def test_an_appeals_last_day_on_a_closed_day_runs_to_the_next_open_day():
    # Learned of on Friday 2026-08-21: three months end on Saturday 2026-11-21; 23 Nov is a holiday
    assert svc.appeal_period_ends(date(2026, 8, 20), date(2026, 8, 21)) == date(2026, 11, 24)
    # A year from the decision caps it
    assert svc.appeal_period_ends(date(2025, 10, 1), date(2026, 8, 21)) == date(2026, 10, 1)


def test_an_appeal_is_registered_against_the_decision_with_its_period_and_consultation_date(clerk, officer):
    # Given a refusal, and the office consults the board within 30 days
    RequestSettings.objects.update(appeal_consult_days=30)
    request = decided_refusal(clerk, officer)

    found = appeal(officer, request)

    assert found.number.startswith("A") and found.request == request and found.within_period
    assert found.consult_due_on <= TODAY() + timedelta(days=30)
    assert found.appellant_name == request.requester_name and found.status == Appeal.Status.RECEIVED


def test_an_appeal_after_three_months_is_recorded_as_out_of_time(clerk, officer):
    request = decided_refusal(clerk, officer)
    # The decision was made and learned of four months ago
    long_ago = timezone.now() - timedelta(days=125)
    SubjectRequest.objects.filter(pk=request.pk).update(decided_at=long_ago)
    request.refresh_from_db()

    found = appeal(officer, request, learned_on=timezone.localdate(long_ago))

    assert not found.within_period


def test_only_an_officer_handles_appeals_and_only_against_a_disposition(clerk, officer, client, admin_user):
    request = decided_refusal(clerk, officer)
    with pytest.raises(PermissionDenied):
        appeal(clerk, request)
    with pytest.raises(PermissionDenied):  # an administrator is not the officer who hears appeals
        appeal(admin_user, request)
    client.force_login(clerk)
    assert client.get(reverse("privacy:appeal_list")).status_code == 403
    stop = requests_svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="stop_contractors",
        received_on=TODAY(),
        channel="counter",
        details="停止",
        user=clerk,
    )
    requests_svc.request_verify_identity(request=stop, method="drivers_licence", user=clerk)
    requests_svc.request_start_review(request=stop, user=clerk)
    stop = requests_svc.request_decide(request=stop, decision="none", reasons="正当な理由なし", user=officer)
    with pytest.raises(ValidationError):
        appeal(officer, stop)


@needs_poppler
def test_consultation_report_and_a_ruling_that_reopens_the_request(clerk, officer, client):
    # Given an appeal against a refusal
    request = decided_refusal(clerk, officer)
    found = appeal(officer, request)

    # When the board is consulted (the appellant told), reports, and the officer upholds the appeal
    with pytest.raises(ValidationError):
        svc.appeal_rule(appeal=found, ruling="upheld", reasons="x", on=TODAY(), user=officer)
    found = svc.appeal_consult(appeal=found, on=TODAY(), notified_on=TODAY(), user=officer)
    client.force_login(officer)
    notice = pdf_text(client.get(reverse("privacy:appeal_letter", args=[found.pk, "consultation"])).content)
    found = svc.appeal_record_report(appeal=found, on=TODAY(), summary="不開示は妥当でない", user=officer)
    found = svc.appeal_rule(appeal=found, ruling="upheld", reasons="答申のとおり取り消す", on=TODAY(), user=officer)
    ruling = pdf_text(client.get(reverse("privacy:appeal_letter", args=[found.pk, "ruling"])).content)

    # Then the notice cites art. 105, the ruling sets the decision aside, and the request awaits a new decision
    notice, ruling = notice.replace(" ", ""), ruling.replace(" ", "")
    assert "諮問通知書" in notice and "第105条" in notice and "三沢市個人情報保護審査会" in notice
    assert "裁決書" in ruling and "処分を取り消す" in ruling and "認容" in ruling
    request.refresh_from_db()
    assert request.status == SubjectRequest.Status.UNDER_REVIEW and request.decision == ""
    assert request.reopened_on == TODAY() and request.due_on >= TODAY()
    assert request.events.filter(kind="reopened").exists()
    assert [h.status for h in found.history.order_by("history_date")] == ["received", "consulted", "reported", "ruled"]


@needs_poppler
def test_a_rejection_leaves_the_decision_and_tells_of_the_court_action(clerk, officer):
    request = decided_refusal(clerk, officer)
    found = appeal(officer, request)
    svc.appeal_consult(appeal=found, on=TODAY(), notified_on=None, user=officer)
    svc.appeal_record_report(appeal=found, on=TODAY(), summary="妥当", user=officer)
    found = svc.appeal_rule(appeal=found, ruling="rejected", reasons="答申のとおり", on=TODAY(), user=officer)
    from privacy.letters import appeal_ruling_pdf

    text = pdf_text(appeal_ruling_pdf(found)).replace(" ", "")
    assert "棄却する" in text and "6か月以内" in text
    request.refresh_from_db()
    assert request.status == SubjectRequest.Status.REPLIED


def test_an_unlawful_appeal_is_dismissed_without_the_board(clerk, officer):
    found = appeal(officer, decided_refusal(clerk, officer))
    found = svc.appeal_rule(appeal=found, ruling="dismissed", reasons="審査請求期間経過", on=TODAY(), user=officer)
    assert found.status == Appeal.Status.RULED and found.consulted_on is None


def test_appeals_awaiting_consultation_are_on_the_dashboard_and_in_the_digest(clerk, officer, client):
    found = appeal(officer, decided_refusal(clerk, officer))
    Appeal.objects.filter(pk=found.pk).update(consult_due_on=TODAY() - timedelta(days=1))  # as if received long ago
    client.force_login(officer)
    page = client.get(reverse("privacy:dashboard")).content.decode()
    assert found.number in page
    officer.email = "officer@example.jp"
    officer.save()
    deadline_digest_send(department=officer.department, today=TODAY())
    assert found.number in mail.outbox[-1].body


def test_the_appeal_page_keeps_what_was_typed_when_a_step_is_refused(clerk, officer, client):
    found = appeal(officer, decided_refusal(clerk, officer))
    client.force_login(officer)
    response = client.post(
        reverse("privacy:appeal_action", args=[found.pk, "consult"]),
        {"consult-on": (TODAY() + timedelta(days=3)).isoformat(), "consult-notified_on": "2026-02-31"},
    )
    assert response.status_code == 200
    form = next(step["form"] for step in response.context["steps"] if step["name"] == "consult")
    assert form.errors and form["on"].value() == (TODAY() + timedelta(days=3)).isoformat()
    found.refresh_from_db()
    assert found.status == Appeal.Status.RECEIVED


def test_a_request_file_goes_whole_with_its_appeals_notices_and_consultation_but_not_while_an_appeal_is_open(
    clerk, officer
):
    from datetime import date

    from privacy.models import Consultation, CorrectionNotice, RetentionRule
    from privacy.services import retention

    # Given two closed disclosure files of fiscal 2025: one with a ruled appeal, a consultation and a notice to a
    # recipient; the other with an appeal still open; and a closed correction that followed the first
    RetentionRule.objects.filter(record_class="request_file").update(years=5, action="delete", auto_approve=False)
    ruled_file = decided_refusal(clerk, officer)
    found = appeal(officer, ruled_file)
    svc.appeal_rule(appeal=found, ruling="dismissed", reasons="期間経過", on=TODAY(), user=officer)
    consultation = requests_svc.consultation_record(
        received_on=TODAY(), channel="phone", name="相談者", summary="開示の相談", user=clerk
    )
    Consultation.objects.filter(pk=consultation.pk).update(request=ruled_file)
    CorrectionNotice.objects.create(request=ruled_file, recipient_name="三沢電工", items=["address"])
    follow_up = requests_svc.request_receive(
        subscriber=ruled_file.subscriber,
        kind="correction",
        received_on=TODAY(),
        channel="mail",
        details="訂正",
        based_on=ruled_file,
        user=clerk,
    )
    appealed_file = decided_refusal(clerk, officer)
    appeal(officer, appealed_file)
    SubjectRequest.objects.filter(pk__in=[ruled_file.pk, appealed_file.pk, follow_up.pk]).update(
        status="closed", closed_on=date(2025, 6, 1)
    )

    # When the request files past their period are proposed and purged
    (run,) = retention.disposal_propose(today=date(2031, 6, 1), record_class="request_file")
    proposed = set(run.items.values_list("object_id", flat=True))
    retention.disposal_approve(run=run, user=officer)
    retention.disposal_purge(run_id=run.pk, today=date(2031, 6, 1))
    run.refresh_from_db()

    # Then the file under an open appeal stays; the other goes with its appeal, notice and consultation
    assert proposed == {ruled_file.pk, follow_up.pk}
    assert set(SubjectRequest.objects.values_list("pk", flat=True)) == {appealed_file.pk}
    assert not Appeal.objects.filter(request_id=ruled_file.pk).exists() and Appeal.objects.count() == 1
    assert run.related_counts["privacy_appeal"] == 1 and run.related_counts["privacy_correctionnotice"] == 1
    assert run.related_counts["privacy_consultation"] == 1 and run.related_counts["privacy_subjectrequest"] == 2
    assert not Appeal.history.filter(id=found.pk).exists()

    # and a second run changes nothing
    assert retention.disposal_propose(today=date(2031, 6, 1), record_class="request_file") == []


def test_an_appeal_by_post_counts_from_the_postmark(clerk, officer):
    request = decided_refusal(clerk, officer)
    long_ago = timezone.now() - timedelta(days=100)
    SubjectRequest.objects.filter(pk=request.pk).update(decided_at=long_ago)
    request.refresh_from_db()
    learned = timezone.localdate(long_ago)
    last_day = svc.appeal_period_ends(learned, learned)

    # Posted on the last day, arriving two days later: in time (Administrative Appeal Act art. 18(3))
    found = appeal(officer, request, learned_on=learned, sent_on=last_day, received_on=TODAY())
    assert found.within_period and last_day < TODAY()


def test_an_appeal_contests_a_decision_notified(clerk, officer):
    request = requests_svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="disclosure",
        received_on=TODAY(),
        channel="counter",
        details="開示",
        user=clerk,
    )
    requests_svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    requests_svc.request_start_review(request=request, user=clerk)
    request = requests_svc.request_decide(request=request, decision="not_held", reasons="保有なし", user=officer)
    with pytest.raises(ValidationError):
        appeal(officer, request)


@needs_poppler
def test_the_ruling_gives_the_case_the_claims_and_why_it_departs_from_the_report(clerk, officer):
    from privacy.letters import appeal_consultation_notice_to_requester_pdf, appeal_ruling_pdf

    # Given an appeal by someone other than the requester
    request = decided_refusal(clerk, officer)
    found = appeal(
        officer, request, appellant_name="代理 次郎", appellant_postal_code="0330001", appellant_address="三沢市"
    )
    svc.appeal_consult(appeal=found, on=TODAY(), notified_on=TODAY(), user=officer)
    svc.appeal_record_report(appeal=found, on=TODAY(), summary="取り消すべき", user=officer)
    found = svc.appeal_rule(
        appeal=found,
        ruling="rejected",
        reasons="第三者情報であるため",
        departs_from_report="第三者の同意が得られていないため",
        on=TODAY(),
        user=officer,
    )

    ruling = pdf_text(appeal_ruling_pdf(found)).replace(" ", "").replace("\n", "")
    notice = pdf_text(appeal_consultation_notice_to_requester_pdf(found)).replace(" ", "").replace("\n", "")

    assert "事案の概要" in ruling and "審理関係人の主張の要旨" in ruling and "不開示決定の取消しを求める" in ruling
    assert "答申と異なる内容の裁決をする理由" in ruling and "第三者の同意が得られていないため" in ruling
    today = TODAY()
    assert f"令和{today.year - 2018}年{today.month}月{today.day}日" in ruling
    assert f"{request.requester_name.replace(' ', '')}様" in notice and "同条第3項において準用する同条第2項" in notice
