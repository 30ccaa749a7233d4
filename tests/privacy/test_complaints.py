"""The complaints register (§12, ■36): intake with its reply date, the status map, who sees and changes it, the
dashboard, the digest, the public page and the files' retention."""

import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mctv.transitions import TransitionError
from privacy.deadlines import due_date
from privacy.models import Complaint, ComplaintCategory, Consultation, LegalHold, RequestSettings, RetentionRule
from privacy.selectors.complaints import complaint_rows_for_dashboard, complaints_visible_to
from privacy.selectors.retention import disposal_dry_run
from privacy.services import retention
from privacy.services.complaints import complaint_assign, complaint_close, complaint_receive, complaint_reply
from tests.factories import SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db

# Mon 2 Nov 2026; the office's default 14 days end on Mon 16 Nov, an open day.
RECEIVED = date(2026, 11, 2)
# Fiscal 2031: complaint files closed in fiscal 2027 are past a 3-year rule, consultations of fiscal 2029 past 1 year.
TODAY = date(2031, 6, 1)


def category(name="職員の対応"):
    return ComplaintCategory.objects.get(name=name)


def receive(user, received_on=RECEIVED, **fields):
    defaults = {
        "channel": "phone",
        "complainant_name": "苦情 申出人",
        "contact": "0176-00-0000",
        "category": category(),
        "summary": "窓口で個人情報を大声で読み上げられた",
    }
    return complaint_receive(user=user, received_on=received_on, **{**defaults, **fields})


def answer(complaint, user, on=RECEIVED):
    return complaint_reply(complaint=complaint, user=user, reply="職員に指導し、謝罪した", replied_on=on)


# --- intake and the status map ---------------------------------------------------------------------------


def test_receiving_numbers_the_complaint_and_counts_the_reply_date_from_the_configured_days(clerk):
    # Given the office's target set to 10 days
    RequestSettings.objects.update(complaint_reply_days=10)

    # When a clerk records two complaints received on Monday 2 November
    first, second = receive(clerk), receive(clerk)

    # Then they are numbered in turn, in the clerk's department, handled by the clerk, due 10 days on (Thu 12 Nov)
    assert re.fullmatch(r"C\d{7}", first.number) and int(second.number[1:]) == int(first.number[1:]) + 1
    assert first.reply_due_on == due_date(RECEIVED, 10) == date(2026, 11, 12)
    assert (first.department, first.handler, first.received_by, first.status) == (
        clerk.department,
        clerk,
        clerk,
        "open",
    )
    assert first.history.count() == 1


def test_the_default_target_is_14_days_and_a_period_ending_on_a_closed_day_is_due_the_open_day_before(clerk):
    assert receive(clerk).reply_due_on == date(2026, 11, 16)
    # received Sun 8 Nov: 14 days end on Sun 22 Nov, a closed day → due Fri 20 Nov
    assert receive(clerk, received_on=date(2026, 11, 8)).reply_due_on == date(2026, 11, 20)


def test_a_receipt_dated_in_the_future_is_refused(clerk):
    with time_machine.travel(date(2026, 11, 20), tick=False), pytest.raises(ValidationError) as refused:
        receive(clerk, received_on=date(2026, 11, 21))
    assert "received_on" in refused.value.error_dict and not Complaint.objects.exists()


def test_reply_then_close_each_move_leaving_a_history_row(clerk, officer):
    complaint = receive(clerk)

    complaint = answer(complaint, clerk, on=date(2026, 11, 10))
    complaint = complaint_close(complaint=complaint, user=officer, closed_on=date(2026, 11, 12))

    complaint.refresh_from_db()
    assert (complaint.status, complaint.replied_on, complaint.closed_on) == (
        "closed",
        date(2026, 11, 10),
        date(2026, 11, 12),
    )
    moves = list(complaint.history.order_by("history_date", "history_id").values_list("status", "history_user"))
    assert moves == [("open", clerk.pk), ("replied", clerk.pk), ("closed", officer.pk)]


def _reply_before_receipt(c, user):
    answer(c, user, on=date(2026, 11, 1))


def _reply_in_the_future(c, user):
    answer(c, user, on=timezone.localdate().replace(year=timezone.localdate().year + 1))


def _reply_without_text(c, user):
    complaint_reply(complaint=c, user=user, reply="  ", replied_on=RECEIVED)


def _close_an_open_one(c, user):
    complaint_close(complaint=c, user=user, closed_on=RECEIVED)


def _reply_twice(c, user):
    answer(c, user)
    answer(c, user)


def _close_before_the_reply(c, user):
    answer(c, user, on=date(2026, 11, 10))
    complaint_close(complaint=c, user=user, closed_on=date(2026, 11, 9))


def _close_in_the_future(c, user):
    answer(c, user)
    complaint_close(complaint=c, user=user, closed_on=timezone.localdate().replace(year=timezone.localdate().year + 1))


def _close_twice(c, user):
    answer(c, user)
    complaint_close(complaint=c, user=user, closed_on=RECEIVED)
    complaint_close(complaint=c, user=user, closed_on=RECEIVED)


@pytest.mark.parametrize(
    "move",
    [
        _reply_before_receipt,
        _reply_in_the_future,
        _reply_without_text,
        _close_an_open_one,
        _reply_twice,
        _close_before_the_reply,
        _close_in_the_future,
        _close_twice,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_refused_moves_change_nothing(clerk, move):
    complaint = receive(clerk)
    before = Complaint.objects.get(pk=complaint.pk).status
    history = complaint.history.count()
    # (the refused step rolls back what the helper did before it, as the request would)
    with pytest.raises(ValidationError), transaction.atomic():
        move(complaint, clerk)
    assert (Complaint.objects.get(pk=complaint.pk).status, complaint.history.count()) == (before, history)


def test_closing_an_open_complaint_is_a_transition_error(clerk):
    with pytest.raises(TransitionError):
        _close_an_open_one(receive(clerk), clerk)


def test_the_database_refuses_a_reply_without_its_text_and_day(clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.create(
            number="C9999999",
            received_on=RECEIVED,
            channel="phone",
            complainant_name="申出人",
            category=category(),
            summary="x",
            department=clerk.department,
            handler=clerk,
            received_by=clerk,
            reply_due_on=RECEIVED,
            status="replied",
        )


def test_a_complaint_is_handed_to_another_handler_who_may_handle_complaints(clerk, officer, auditor, contractor_user):
    complaint = receive(clerk)

    complaint = complaint_assign(complaint=complaint, user=clerk, handler=officer)

    assert Complaint.objects.get(pk=complaint.pk).handler == officer
    assert complaint.history.latest("history_date").history_change_reason
    for unfit in (auditor, contractor_user):  # reads only; confined to the portal
        with pytest.raises(ValidationError):
            complaint_assign(complaint=complaint, user=clerk, handler=unfit)
    with pytest.raises(ValidationError):
        receive(clerk, handler=auditor)
    answer(complaint, officer)
    complaint_close(complaint=complaint, user=officer, closed_on=RECEIVED)
    with pytest.raises(TransitionError):  # a closed file is not handed on
        complaint_assign(complaint=complaint, user=officer, handler=clerk)


def test_an_auditor_records_nothing(auditor, clerk):
    with pytest.raises(PermissionDenied):
        receive(auditor)
    complaint = receive(clerk)
    with pytest.raises(PermissionDenied):
        answer(complaint, auditor)


# --- the pages ---------------------------------------------------------------------------------------------


def test_a_clerk_records_a_complaint_in_the_form_and_opens_its_page(client, clerk):
    subscriber = SubscriberFactory.create()
    client.force_login(clerk)
    response = client.post(
        reverse("privacy:complaint_create"),
        {
            "received_on": RECEIVED.isoformat(),
            "channel": "counter",
            "complainant_name": "窓口 花子",
            "subscriber_number": subscriber.number,
            "category": category().pk,
            "summary": "案内の封書に他人の氏名があった",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("privacy:complaint_detail", args=[complaint.pk])
    assert (complaint.subscriber, complaint.handler, complaint.channel) == (subscriber, clerk, "counter")

    page = client.get(response.url)
    assert page.status_code == 200 and complaint.number in page.content.decode()
    assert [a["name"] for a in page.context["actions"]] == ["reply", "assign"]
    # the page names the subscriber: opening it is logged
    from privacy.models import AccessLog

    assert AccessLog.objects.filter(subscriber_number=subscriber.number, action="view").count() == 1


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("received_on", "9999-12-31"),
        ("received_on", "令和8年"),
        ("subscriber_number", "99999999"),
        ("category", "999999"),
        ("handler", "abc"),
        ("channel", "pigeon"),
    ],
)
def test_the_form_keeps_what_was_typed_and_bad_input_never_500s(client, clerk, field, typed):
    client.force_login(clerk)
    data = {
        "received_on": RECEIVED.isoformat(),
        "channel": "mail",
        "complainant_name": "入力 保持",
        "category": category().pk,
        "summary": "同意していない目的での利用に抗議",
        field: typed,
    }
    response = client.post(reverse("privacy:complaint_create"), data)

    assert response.status_code == 200 and not Complaint.objects.exists()
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "同意していない目的での利用に抗議" in html and "入力 保持" in html


def test_a_date_refused_by_the_service_shows_on_the_form(client, clerk):
    # a plausibility error is in Japanese
    client.force_login(clerk)
    response = client.post(
        reverse("privacy:complaint_create"),
        {"received_on": "0001-01-01", "channel": "mail", "complainant_name": "x", "category": "", "summary": "x"},
    )
    assert "1900年1月1日から" in str(response.context["form"].errors["received_on"])
    # a day in the future, refused by the service, shows on its field with what was typed kept
    with time_machine.travel(date(2026, 11, 20), tick=False):
        client.force_login(clerk)
        response = client.post(
            reverse("privacy:complaint_create"),
            {
                "received_on": "2026-11-21",
                "channel": "mail",
                "complainant_name": "未来 日付",
                "category": category().pk,
                "summary": "未来の日付",
            },
        )
    assert response.status_code == 200 and "received_on" in response.context["form"].errors
    assert "未来 日付" in response.content.decode() and not Complaint.objects.exists()


def test_the_reply_action_refused_keeps_the_typed_reply_and_a_good_one_moves_it(client, clerk):
    complaint = receive(clerk)
    client.force_login(clerk)
    url = reverse("privacy:complaint_action", args=[complaint.pk, "reply"])

    refused = client.post(url, {"reply-reply": "謝罪文を送付した", "reply-replied_on": "2026-11-01"})

    assert refused.status_code == 200
    assert "replied_on" in refused.context["actions"][0]["form"].errors
    assert "謝罪文を送付した" in refused.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == "open"

    done = client.post(url, {"reply-reply": "謝罪文を送付した", "reply-replied_on": "2026-11-05"})
    assert done.status_code == 302 and Complaint.objects.get(pk=complaint.pk).status == "replied"
    # a stale page's second reply changes nothing
    again = client.post(url, {"reply-reply": "二度目", "reply-replied_on": "2026-11-06"})
    assert again.status_code == 302 and Complaint.objects.get(pk=complaint.pk).reply == "謝罪文を送付した"
    close = client.post(
        reverse("privacy:complaint_action", args=[complaint.pk, "close"]), {"close-closed_on": "2026-11-06"}
    )
    assert close.status_code == 302 and Complaint.objects.get(pk=complaint.pk).status == "closed"
    assert client.get(reverse("privacy:complaint_detail", args=[complaint.pk])).context["actions"] == []


def test_the_list_filters_open_overdue_and_all(client, clerk):
    overdue = receive(clerk, received_on=date(2026, 10, 1))
    current = receive(clerk, received_on=timezone.localdate())
    closed = receive(clerk, received_on=date(2026, 10, 1))
    answer(closed, clerk, on=date(2026, 10, 2))
    complaint_close(complaint=closed, user=clerk, closed_on=date(2026, 10, 3))
    client.force_login(clerk)

    def shown(state):
        response = client.get(reverse("privacy:complaint_list"), {"state": state} if state is not None else {})
        assert response.status_code == 200
        return {c.pk for c in response.context["complaints"]}

    assert shown(None) == shown("open") == {overdue.pk, current.pk}
    assert shown("overdue") == {overdue.pk}
    assert shown("all") == {overdue.pk, current.pk, closed.pk}
    assert shown("<script>") == {overdue.pk, current.pk}  # an odd filter falls back to the open ones


def test_who_reaches_the_register(client, clerk, auditor, contractor_user):
    complaint = receive(clerk)
    detail = reverse("privacy:complaint_detail", args=[complaint.pk])
    reply = reverse("privacy:complaint_action", args=[complaint.pk, "reply"])

    # an auditor reads it but records nothing
    client.force_login(auditor)
    assert client.get(reverse("privacy:complaint_list")).status_code == 200
    page = client.get(detail)
    assert page.status_code == 200 and page.context["actions"] == []
    assert client.get(reverse("privacy:complaint_create")).status_code == 403
    assert client.post(reply, {"reply-reply": "x", "reply-replied_on": "2026-11-05"}).status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).status == "open"

    # a missing complaint is 404
    assert client.get(reverse("privacy:complaint_detail", args=[complaint.pk + 1000])).status_code == 404

    # a signed-in account without the permission gets 403
    nobody = UserFactory.create(username="no-role", department=clerk.department)
    client.force_login(nobody)
    assert client.get(reverse("privacy:complaint_list")).status_code == 403
    assert client.get(detail).status_code == 403

    # a contractor is sent to the portal, and the selector shows them nothing even with the permission
    client.force_login(contractor_user)
    for url in (reverse("privacy:complaint_list"), detail):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("portal:home")
    from django.contrib.auth.models import Permission

    contractor_user.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    contractor_user = type(contractor_user).objects.get(pk=contractor_user.pk)
    assert not complaints_visible_to(contractor_user).exists()
    assert complaints_visible_to(auditor).get() == complaint


def test_the_navigation_links_the_register_for_those_who_may_read_it(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("privacy:complaint_list")).content.decode()
    assert f'href="{reverse("privacy:complaint_list")}"' in html


def test_admin_shows_complaints_read_only_and_lets_categories_be_edited(client, admin_user, clerk):
    complaint = receive(clerk)
    client.force_login(admin_user)
    assert client.get(reverse("admin:privacy_complaint_change", args=[complaint.pk])).status_code == 200
    assert client.get(reverse("admin:privacy_complaint_add")).status_code == 403
    response = client.post(reverse("admin:privacy_complaint_delete", args=[complaint.pk]), {"post": "yes"})
    assert response.status_code == 403 and Complaint.objects.filter(pk=complaint.pk).exists()
    assert client.get(reverse("admin:privacy_complaintcategory_add")).status_code == 200
    assert client.get(reverse("admin:privacy_complaintcategory_change", args=[category().pk])).status_code == 200


# --- the dashboard, the digest, the public page -------------------------------------------------------------


def test_the_dashboard_rows_show_an_overdue_complaint_first(clerk, officer, contractor_user):
    later = receive(clerk, received_on=timezone.localdate())
    overdue = receive(clerk, received_on=date(2026, 10, 1))
    answered = receive(clerk, received_on=date(2026, 10, 1))
    answer(answered, clerk, on=date(2026, 10, 5))
    today = timezone.localdate()

    rows = complaint_rows_for_dashboard(officer, today)

    assert [row.complaint for row in rows] == [overdue, later]
    assert rows[0].overdue and rows[0].urgency == "overdue" and not rows[1].overdue
    assert rows[0].abs_days == (today - overdue.reply_due_on).days
    assert complaint_rows_for_dashboard(contractor_user, today) == []
    html = render_to_string(
        "privacy/includes/dashboard_complaints.html", {"shows_complaints": True, "complaint_rows": rows}
    )
    assert overdue.number in html and later.number in html and answered.number not in html
    assert "due-overdue" in html


def test_the_digest_tells_the_departments_officers_of_an_overdue_complaint(clerk, officer, mailoutbox):
    from privacy.services.digest import deadline_digest_send_all

    officer.email = "officer@city.misawa.example"
    officer.save()
    overdue = receive(clerk, received_on=date(2026, 10, 1))
    later = receive(clerk, received_on=timezone.localdate())

    assert deadline_digest_send_all(today=timezone.localdate()) == 1

    (message,) = mailoutbox
    assert overdue.number in message.body and later.number not in message.body
    assert "苦情 申出人" not in message.body  # numbers only: no complainant's name travels by e-mail
    assert "期限" in message.subject


def test_the_public_page_says_where_complaints_go_and_within_what_time(client):
    RequestSettings.objects.update(complaint_reply_days=21)

    html = client.get(reverse("privacy:public_privacy")).content.decode()

    section = html.split('id="complaints"', 1)[1].split("</section>", 1)[0]
    assert "三沢市政策部広報広聴課CATV情報室" in section and "0176-51-1349" in section
    assert "三沢市大字三沢字園沢230番地1" in section and "21" in section


# --- retention ---------------------------------------------------------------------------------------------


def _closed_complaint(clerk, on, **fields):
    with time_machine.travel(on, tick=False):
        complaint = receive(clerk, received_on=on, **fields)
        answer(complaint, clerk, on=on)
        return complaint_close(complaint=complaint, user=clerk, closed_on=on)


def _approve_and_purge(record_class, officer, before_purge=lambda: None):
    (run,) = retention.disposal_propose(today=TODAY, record_class=record_class)
    retention.disposal_approve(run=run, user=officer)
    before_purge()
    retention.disposal_purge(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    return run


def test_closed_complaint_files_past_their_period_are_purged_with_their_history_and_a_hold_wins(clerk, officer):
    # Given, under the 3-year rule, three complaints closed in fiscal 2027 (one without a subscriber, one whose
    # subscriber comes under a hold after approval), one closed in fiscal 2028 and one still open
    RetentionRule.objects.filter(record_class="complaint_file").update(years=3, action="delete", auto_approve=False)
    held_subscriber = SubscriberFactory.create()
    old = _closed_complaint(clerk, date(2027, 5, 10), subscriber=SubscriberFactory.create())
    anonymous = _closed_complaint(clerk, date(2028, 3, 31))
    held = _closed_complaint(clerk, date(2027, 6, 1), subscriber=held_subscriber)
    young = _closed_complaint(clerk, date(2028, 4, 1))
    with time_machine.travel(date(2027, 5, 10), tick=False):
        still_open = receive(clerk, received_on=date(2027, 5, 10))
    assert disposal_dry_run(TODAY)["complaint_file"] == 3

    # When an officer approves and, before the purge, the one subscriber comes under a litigation hold
    def hold():
        LegalHold.objects.create(kind="litigation", subscriber=held_subscriber, reason="訴訟", placed_by=officer)

    run = _approve_and_purge("complaint_file", officer, before_purge=hold)

    # Then exactly the two go, each with its four history rows (received, replied, closed, deleted)
    assert (run.status, run.disposed_count, run.held_count) == ("done", 2, 1)
    assert run.related_counts == {"privacy_complaint": 2, "privacy_historicalcomplaint": 8}
    assert set(Complaint.objects.values_list("pk", flat=True)) == {held.pk, young.pk, still_open.pk}
    assert not Complaint.history.filter(id__in=[old.pk, anonymous.pk]).exists()
    assert set(run.items.values_list("subscriber_number", flat=True)) == {
        old.subscriber.number,
        "",
        held_subscriber.number,
    }

    # And a re-run changes nothing, and nothing more is proposed while the hold is in force
    assert retention.disposal_purge(run_id=run.pk, today=TODAY) is True
    run.refresh_from_db()
    assert (run.processed_count, run.disposed_count, run.held_count) == (3, 2, 1)
    assert retention.disposal_propose(today=TODAY, record_class="complaint_file") == []
    assert Complaint.objects.count() == 3


def test_a_terminated_subscriber_named_by_a_complaint_is_anonymised_not_deleted(clerk, officer):
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=5, action="delete")
    subscriber = SubscriberFactory.create(
        status="terminated", terminated_on=date(2026, 2, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    complaint = receive(clerk, subscriber=subscriber)

    run = _approve_and_purge("terminated_subscriber", officer)

    subscriber.refresh_from_db()
    assert run.disposed_count == 1 and subscriber.erased_on == TODAY
    assert Complaint.objects.get(pk=complaint.pk).subscriber == subscriber


def _consultation(clerk, received_on, **fields):
    return Consultation.objects.create(
        received_on=received_on,
        channel="phone",
        name="相談 太郎",
        summary="自分の情報を見たい",
        department=clerk.department,
        handled_by=clerk,
        **fields,
    )


def _request(clerk, subscriber):
    from privacy.services.requests import request_receive

    return request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="mail",
        details="開示",
        user=clerk,
    )


def test_a_consultation_that_became_a_request_is_not_a_candidate_and_one_that_did_not_goes(clerk, officer):
    # Given two consultations of fiscal 2029, one of which became a request, and one of fiscal 2030
    alone = _consultation(clerk, date(2029, 5, 1))
    linked = _consultation(clerk, date(2029, 5, 1), request=_request(clerk, SubscriberFactory.create()))
    young = _consultation(clerk, date(2030, 5, 1))

    # Then only the one that did not become a request is proposed under the 1-year rule
    (run,) = retention.disposal_propose(today=TODAY, record_class="consultation")
    assert list(run.items.values_list("object_id", flat=True)) == [alone.pk]

    # And the purge removes it with its history rows (recorded, deleted), and nothing else
    retention.disposal_approve(run=run, user=officer)
    retention.disposal_purge(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    assert run.related_counts == {"privacy_consultation": 1, "privacy_historicalconsultation": 2}
    assert set(Consultation.objects.values_list("pk", flat=True)) == {linked.pk, young.pk}


def test_a_consultation_goes_with_the_file_of_the_request_it_became(clerk, officer):
    from privacy.models import SubjectRequest

    request = _request(clerk, SubscriberFactory.create())
    consultation = _consultation(clerk, date(2026, 1, 5), request=request)
    SubjectRequest.objects.filter(pk=request.pk).update(status="closed", closed_on=date(2026, 3, 1))
    RetentionRule.objects.filter(record_class="request_file").update(years=5, action="delete", auto_approve=False)

    run = _approve_and_purge("request_file", officer)

    assert run.disposed_count == 1 and not SubjectRequest.objects.filter(pk=request.pk).exists()
    assert not Consultation.objects.filter(pk=consultation.pk).exists()
    assert not Consultation.history.filter(id=consultation.pk).exists()
    assert run.related_counts["privacy_consultation"] == 1
