"""Training and self-inspection (declaration §4(1); rules ■15, ■17): training sessions and each staff member's last
training, the dashboard's warning, the yearly self-inspection from the checklist, the auditor's findings and the
department's answers, and the yearly report."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from mctv.transitions import TransitionError
from mctv.wareki import fiscal_year_label, wareki
from privacy.models import (
    AuditFinding,
    InspectionAnswer,
    InspectionChecklistItem,
    SelfInspection,
    TrainingAttendance,
    TrainingSession,
)
from privacy.roles import Role
from privacy.selectors.accountability import accountability_warnings, staff_training, staff_untrained
from privacy.services.inspections import (
    AnswerInput,
    audit_finding_answer,
    audit_finding_write,
    inspection_answer,
    inspection_complete,
    inspection_remedied,
    inspection_start,
)
from privacy.services.training import training_record, training_set_attendees
from tests.factories import DepartmentFactory, UserFactory
from tests.pdf import assert_japanese_font_embedded, pdf_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)  # fiscal 2026 (令和8年度)
NOT_MET = InspectionAnswer.Result.NOT_MET


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


def train(officer, *people, held_on=date(2026, 6, 10), title="個人情報保護研修"):
    return training_record(user=officer, held_on=held_on, title=title, attendees=people, materials="研修資料第1版")


def answer_all(inspection, officer, result=InspectionAnswer.Result.MET):
    return inspection_answer(
        inspection=inspection,
        user=officer,
        answers={a.pk: AnswerInput(result=result) for a in inspection.answers.all()},
    )


# --- training ----------------------------------------------------------------------------------------------


def test_each_staff_members_last_training_and_whether_it_was_this_fiscal_year(officer, clerk, auditor):
    # Given the clerk trained last fiscal year (March 2026) and the auditor this one (April 2026)
    train(officer, clerk, held_on=date(2026, 3, 31), title="前年度の研修")
    train(officer, auditor, held_on=date(2026, 4, 1))

    # When the officer reads the year's training
    rows = {u.username: u for u in staff_training(2026)}

    # Then each shows the last training; only the auditor is trained in fiscal 2026
    assert rows["clerk"].last_trained_on == date(2026, 3, 31) and rows["clerk"].trained_in_year_on is None
    assert rows["auditor"].trained_in_year_on == date(2026, 4, 1)
    assert rows["officer"].last_trained_on is None
    assert {u.username for u in staff_untrained(2026)} == {"clerk", "officer"}


def test_contractors_and_inactive_accounts_are_not_staff_to_train(officer, contractor_user):
    # Given an inactive clerk
    gone = UserFactory.create(username="gone", is_active=False)
    gone.groups.add(Group.objects.get(name=Role.CLERK))

    # Then neither they nor a contractor is warned about, nor may they be recorded as attendees
    assert {u.username for u in staff_untrained(2026)} == {"officer"}
    for person in (gone, contractor_user):
        with pytest.raises(ValidationError) as error:
            train(officer, person)
        assert "attendees" in error.value.message_dict
    assert not TrainingSession.objects.exists()


def test_the_dashboard_warns_the_officer_of_staff_untrained_this_year_until_they_are_trained(client, officer, clerk):
    client.force_login(officer)
    # Given nobody trained this year, the dashboard names both
    page = client.get(reverse("privacy:dashboard")).content.decode()
    assert "今年度の研修を受講していません" in page and str(clerk) in page

    # When both attend a session
    train(officer, officer, clerk)

    # Then the warning is gone
    page = client.get(reverse("privacy:dashboard")).content.decode()
    assert "今年度の研修を受講していません" not in page


def test_the_clerk_sees_no_warning_and_no_training_pages(client, clerk, caplog):
    assert accountability_warnings(clerk, TODAY) is None
    client.force_login(clerk)
    assert "研修" not in client.get(reverse("privacy:dashboard")).content.decode()
    for url in [reverse("privacy:accountability"), reverse("privacy:training_create")]:
        assert client.get(url).status_code == 403
    assert "403 GET /training/new/ user=clerk" in caplog.text
    with pytest.raises(PermissionDenied):
        train(clerk, clerk)


def test_a_session_recorded_on_the_page_keeps_every_field_typed(client, officer, clerk):
    client.force_login(officer)
    response = client.post(
        reverse("privacy:training_create"),
        {
            "held_on": "2026-11-20",
            "title": "窓口での本人確認",
            "content": "本人確認書類の確認方法",
            "materials": "本人確認マニュアル（情報室書庫）",
            "instructor": "情報室長",
            "attendees": [clerk.pk, officer.pk],
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("privacy:training_detail", args=[session.pk])
    assert (session.held_on, session.title, session.content, session.materials, session.instructor) == (
        date(2026, 11, 20),
        "窓口での本人確認",
        "本人確認書類の確認方法",
        "本人確認マニュアル（情報室書庫）",
        "情報室長",
    )
    assert set(session.attendees.all()) == {clerk, officer} and session.recorded_by == officer


@pytest.mark.parametrize(
    ("held_on", "message"),
    [("2026-12-03", "日付が未来です"), ("0001-01-01", "日付"), ("令和", "日付")],
)
def test_a_bad_date_is_answered_in_japanese_and_the_form_keeps_what_was_typed(client, officer, held_on, message):
    client.force_login(officer)
    response = client.post(
        reverse("privacy:training_create"), {"held_on": held_on, "title": "残る題名", "attendees": [officer.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "残る題名" in page
    assert not TrainingSession.objects.exists()


def test_correcting_the_attendance_keeps_who_changed_it_and_why(officer, clerk, auditor):
    session = train(officer, clerk)
    with pytest.raises(ValidationError):
        training_set_attendees(session=session, user=officer, attendees=[auditor], reason=" ")

    training_set_attendees(session=session, user=officer, attendees=[auditor], reason="名簿の誤記")

    assert list(session.attendees.all()) == [auditor]
    removed = TrainingAttendance.history.get(user=clerk, history_type="-")
    assert removed.history_user == officer and removed.history_change_reason == "名簿の誤記"


def test_correcting_the_attendance_keeps_those_who_have_left_since(officer, clerk, auditor):
    session = train(officer, clerk, auditor)
    clerk.is_active = False
    clerk.save()

    # When the officer corrects the attendance on the page, where only today's staff are offered
    training_set_attendees(session=session, user=officer, attendees=[auditor, officer], reason="追加")

    # Then the clerk who has left stays recorded
    assert set(session.attendees.all()) == {clerk, auditor, officer}


def test_a_past_year_shows_its_own_staff_and_trainings(client, officer, clerk, auditor):
    # Given a session in fiscal 2025 and one in 2026; the clerk attended 2025's and has left since
    train(officer, clerk, auditor, held_on=date(2025, 6, 1), title="令和7年度の研修")
    train(officer, auditor, held_on=date(2026, 6, 1), title="令和8年度の研修")
    clerk.is_active = False
    clerk.save()

    # When fiscal 2025 is read
    rows = {u.username: u for u in staff_training(2025)}

    # Then the clerk is in it, and nobody's last training lies after the year
    assert rows["clerk"].trained_in_year_on == date(2025, 6, 1)
    assert rows["auditor"].last_trained_on == date(2025, 6, 1)
    assert "clerk" not in {u.username for u in staff_training(2026)}
    client.force_login(auditor)
    page = client.get(reverse("privacy:accountability"), {"year": 2025}).content.decode()
    assert "令和7年度の研修" in page and "令和8年度の研修" not in page


# --- self-inspection -----------------------------------------------------------------------------------------


def test_an_inspection_copies_the_checklist_in_use_and_keeps_its_questions(officer, department):
    # Given a question taken out of use
    retired = InspectionChecklistItem.objects.order_by("order").first()
    retired.active = False
    retired.save()

    # When the department's inspection starts, and the checklist is reworded afterwards
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    item = InspectionChecklistItem.objects.filter(active=True).order_by("order").first()
    asked = item.question
    item.question = "言い換えた質問"
    item.save()

    # Then it asks every question in use, as worded when it started
    assert inspection.answers.count() == InspectionChecklistItem.objects.filter(active=True).count() >= 10
    assert not inspection.answers.filter(item=retired).exists()
    assert inspection.answers.get(item=item).question == asked


def test_one_inspection_per_department_and_year_and_none_for_a_future_year(officer, department):
    inspection_start(user=officer, department=department, fiscal_year=2026)
    with pytest.raises(ValidationError, match="既に開始"):
        inspection_start(user=officer, department=department, fiscal_year=2026)
    with pytest.raises(ValidationError):
        inspection_start(user=officer, department=department, fiscal_year=2027)
    assert SelfInspection.objects.count() == 1


def test_a_question_not_met_needs_finding_remedy_and_due_date_in_the_service_and_the_database(officer, department):
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    first = inspection.answers.order_by("order").first()

    with pytest.raises(ValidationError):
        inspection_answer(
            inspection=inspection, user=officer, answers={first.pk: AnswerInput(result=NOT_MET, finding="施錠なし")}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionAnswer.objects.filter(pk=first.pk).update(result=NOT_MET)
    first.refresh_from_db()
    assert first.result == ""


def test_an_inspection_is_completed_once_every_question_is_answered_and_its_remedies_followed(
    client, officer, department
):
    with time_machine.travel(date(2026, 10, 1), tick=False):
        inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    with pytest.raises(ValidationError, match="回答されていません"):
        inspection_complete(inspection=inspection, user=officer, completed_on=TODAY)

    # When every question is met but one, whose remedy is due in November
    answer_all(inspection, officer)
    first = inspection.answers.order_by("order").first()
    inspection_answer(
        inspection=inspection,
        user=officer,
        answers={
            first.pk: AnswerInput(
                result=NOT_MET,
                finding="書庫が施錠されていない",
                remedy="施錠と鍵の管理簿",
                remedy_due_on=date(2026, 11, 30),
            )
        },
    )
    inspection_complete(inspection=inspection, user=officer, completed_on=TODAY)

    # Then it is completed, answers are frozen, and the overdue remedy is on the dashboard
    inspection.refresh_from_db()
    assert inspection.status == "completed" and inspection.completed_by == officer
    with pytest.raises(TransitionError):
        answer_all(inspection, officer)
    assert accountability_warnings(officer, TODAY).remedies_overdue == 1
    client.force_login(officer)
    assert "期限を過ぎています" in client.get(reverse("privacy:dashboard")).content.decode()

    # When the remedy is recorded as done, the warning goes
    inspection_remedied(answer=first, user=officer, remedied_on=TODAY)
    assert accountability_warnings(officer, TODAY).remedies_overdue == 0
    with pytest.raises(ValidationError):
        inspection_remedied(answer=first, user=officer, remedied_on=TODAY)


def test_the_answers_page_keeps_every_answer_typed_when_one_is_incomplete(client, officer, department):
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    first, second = inspection.answers.order_by("order")[:2]
    client.force_login(officer)

    # When one question is marked met and another not met without its remedy
    response = client.post(
        reverse("privacy:inspection_answers", args=[inspection.pk]),
        {f"a{first.pk}-result": "met", f"a{second.pk}-result": "not_met", f"a{second.pk}-finding": "誓約書の未提出"},
    )

    # Then nothing is saved and the page shows the message with both answers as typed
    page = response.content.decode()
    assert response.status_code == 200 and "改善措置及びその期限" in page and "誓約書の未提出" in page
    assert not inspection.answers.exclude(result="").exists()

    # When completed with the remedy, both are saved as typed
    client.post(
        reverse("privacy:inspection_answers", args=[inspection.pk]),
        {
            f"a{first.pk}-result": "met",
            f"a{second.pk}-result": "not_met",
            f"a{second.pk}-finding": "誓約書の未提出",
            f"a{second.pk}-remedy": "全員から提出させる",
            f"a{second.pk}-remedy_due_on": "2027-01-31",
        },
    )
    second.refresh_from_db()
    assert (second.result, second.finding, second.remedy, second.remedy_due_on) == (
        "not_met",
        "誓約書の未提出",
        "全員から提出させる",
        date(2027, 1, 31),
    )
    assert inspection.answers.get(pk=first.pk).result == "met"


def _other_department_officer():
    other = DepartmentFactory.create(code="somu", name="総務課")
    colleague = UserFactory.create(username="officer2", department=other)
    colleague.groups.add(Group.objects.get(name=Role.OFFICER))
    return other, colleague


def test_an_officer_acts_only_for_their_own_department(client, officer, department, caplog):
    # Given another department whose own officer started its inspection
    other, colleague = _other_department_officer()
    inspection = inspection_start(user=colleague, department=other, fiscal_year=2026)
    answer_all(inspection, colleague)
    first = inspection.answers.order_by("order").first()
    inspection_answer(
        inspection=inspection,
        user=colleague,
        answers={first.pk: AnswerInput(result=NOT_MET, finding="f", remedy="r", remedy_due_on=date(2027, 1, 31))},
    )

    # Then our officer can neither start, answer, complete nor record a remedy for it
    with pytest.raises(PermissionDenied):
        inspection_start(user=officer, department=other, fiscal_year=2025)
    with pytest.raises(PermissionDenied):
        answer_all(inspection, officer)
    with pytest.raises(PermissionDenied):
        inspection_remedied(answer=first, user=officer, remedied_on=TODAY)
    client.force_login(officer)
    for url, data in [
        (reverse("privacy:inspection_complete", args=[inspection.pk]), {"completed_on": "bad"}),
        (reverse("privacy:inspection_answers", args=[inspection.pk]), {}),
        (reverse("privacy:inspection_remedied", args=[first.pk]), {"remedied_on": "2026-12-01"}),
        (reverse("privacy:inspection_start"), {"department": other.pk, "fiscal_year": 2025}),
    ]:
        assert client.post(url, data).status_code in (200, 302, 403)
    assert "403 POST /inspections/" in caplog.text
    first.refresh_from_db()
    assert first.remedied_on is None and SelfInspection.objects.count() == 1


def test_a_partial_or_stale_page_blanks_no_answer(client, officer, department):
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    answer_all(inspection, officer)
    first, second = inspection.answers.order_by("order")[:2]
    client.force_login(officer)

    # When a page sends only one question
    client.post(reverse("privacy:inspection_answers", args=[inspection.pk]), {f"a{first.pk}-result": "na"})

    # Then that one changes and no other is blanked
    assert inspection.answers.get(pk=first.pk).result == "na"
    assert not inspection.answers.filter(result="").exists()

    # When a page opened before a colleague's save sends the old answer
    stale = second.fingerprint()
    inspection_answer(inspection=inspection, user=officer, answers={second.pk: AnswerInput(result="na")})
    response = client.post(
        reverse("privacy:inspection_answers", args=[inspection.pk]),
        {f"a{second.pk}-result": "met", f"a{second.pk}-seen": stale},
    )

    # Then it is refused with a message, and the colleague's answer stays
    assert "他の職員がこの回答を変更しました" in response.content.decode()
    assert inspection.answers.get(pk=second.pk).result == "na"


def test_a_remedied_answer_no_longer_changes(client, officer, department):
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    first = inspection.answers.order_by("order").first()
    inspection_answer(
        inspection=inspection,
        user=officer,
        answers={first.pk: AnswerInput(result=NOT_MET, finding="f", remedy="r", remedy_due_on=date(2027, 1, 31))},
    )
    inspection_remedied(answer=first, user=officer, remedied_on=TODAY)
    assert InspectionAnswer.objects.get(pk=first.pk).remedied_by == officer

    client.force_login(officer)
    response = client.post(reverse("privacy:inspection_answers", args=[inspection.pk]), {f"a{first.pk}-result": "met"})
    assert "改善済みとして記録されているため" in response.content.decode()
    assert InspectionAnswer.objects.get(pk=first.pk).result == NOT_MET


def test_a_remedy_cannot_be_due_before_the_inspection_started(officer, department):
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    first = inspection.answers.order_by("order").first()
    with pytest.raises(ValidationError, match="開始日より前"):
        inspection_answer(
            inspection=inspection,
            user=officer,
            answers={first.pk: AnswerInput(result=NOT_MET, finding="f", remedy="r", remedy_due_on=date(2026, 4, 1))},
        )


def test_starting_twice_leads_to_the_inspection_already_started(client, officer, department):
    client.force_login(officer)
    data = {"department": department.pk, "fiscal_year": 2026}
    first = client.post(reverse("privacy:inspection_start"), data)
    second = client.post(reverse("privacy:inspection_start"), data)
    inspection = SelfInspection.objects.get()
    assert first.url == second.url == reverse("privacy:inspection_detail", args=[inspection.pk])


# --- audit findings ------------------------------------------------------------------------------------------


def test_the_auditor_writes_findings_and_the_departments_officer_answers_them(client, auditor, officer, department):
    # When the auditor writes a finding on the page
    client.force_login(auditor)
    response = client.post(
        reverse("privacy:audit_finding_create"),
        {
            "department": department.pk,
            "fiscal_year": 2026,
            "found_on": "2026-11-30",
            "finding": "作業票の回収記録に漏れがある",
            "requested_action": "回収の確認手順を定めること",
        },
    )
    finding = AuditFinding.objects.get()
    assert response.status_code == 302 and finding.written_by == auditor and finding.status == "open"
    assert finding.requested_action == "回収の確認手順を定めること"
    # the auditor does not answer; the officer does not write findings; nor does a superuser as such
    assert client.get(reverse("privacy:audit_finding_answer", args=[finding.pk])).status_code == 403
    admin = UserFactory.create(username="root", is_superuser=True)
    with pytest.raises(PermissionDenied):
        audit_finding_write(
            user=admin, department=department, fiscal_year=2026, found_on=TODAY, finding="x", requested_action=""
        )
    with pytest.raises(PermissionDenied):
        audit_finding_write(
            user=officer, department=department, fiscal_year=2026, found_on=TODAY, finding="x", requested_action=""
        )

    # When the department's officer answers it
    client.force_login(officer)
    client.post(
        reverse("privacy:audit_finding_answer", args=[finding.pk]),
        {"answer": "回収確認の手順書を作成した", "answered_on": "2026-12-02"},
    )

    # Then it is answered, once
    finding.refresh_from_db()
    assert (finding.status, finding.answer, finding.answered_by) == ("answered", "回収確認の手順書を作成した", officer)
    with pytest.raises(TransitionError):
        audit_finding_answer(finding=finding, user=officer, answer="二度目", answered_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditFinding.objects.filter(pk=finding.pk).update(answer="")


def test_only_the_departments_officer_answers_and_never_the_findings_writer(client, auditor, officer, department):
    other, colleague = _other_department_officer()
    finding = audit_finding_write(
        user=auditor, department=other, fiscal_year=2026, found_on=TODAY, finding="鍵の管理簿がない"
    )
    # An officer of another department is refused, on the page and in the service, and sees no link
    client.force_login(officer)
    assert client.get(reverse("privacy:audit_finding_answer", args=[finding.pk])).status_code == 403
    assert "/answer/" not in client.get(reverse("privacy:accountability")).content.decode()
    with pytest.raises(PermissionDenied):
        audit_finding_answer(finding=finding, user=officer, answer="x", answered_on=TODAY)
    # Someone who is both the department's officer and an auditor does not answer their own finding
    colleague.groups.add(Group.objects.get(name=Role.AUDITOR))
    colleague = type(colleague).objects.get(pk=colleague.pk)
    own = audit_finding_write(user=colleague, department=other, fiscal_year=2026, found_on=TODAY, finding="自己")
    with pytest.raises(PermissionDenied):
        audit_finding_answer(finding=own, user=colleague, answer="x", answered_on=TODAY)
    # The department's officer answers the auditor's finding
    audit_finding_answer(finding=finding, user=colleague, answer="管理簿を作成した", answered_on=TODAY)
    assert AuditFinding.objects.get(pk=finding.pk).status == "answered"


def test_an_audit_finding_is_the_only_record_an_auditor_may_write():
    auditor_group = Group.objects.get(name=Role.AUDITOR)
    writes = {p.codename for p in auditor_group.permissions.all() if not p.codename.startswith("view_")}
    assert writes == {"add_auditfinding"}


# --- the yearly report ------------------------------------------------------------------------------------


def test_the_yearly_report_shows_training_inspections_and_the_audit(client, officer, auditor, clerk, department):
    # Given a session the clerk missed, a completed inspection with a finding, and an answered audit finding
    train(officer, officer, auditor, title="情報セキュリティ研修")
    inspection = inspection_start(user=officer, department=department, fiscal_year=2026)
    answer_all(inspection, officer)
    first = inspection.answers.order_by("order").first()
    inspection_answer(
        inspection=inspection,
        user=officer,
        answers={
            first.pk: AnswerInput(
                result=NOT_MET, finding="書庫が施錠されていない", remedy="施錠の徹底", remedy_due_on=date(2027, 1, 31)
            )
        },
    )
    inspection_complete(inspection=inspection, user=officer, completed_on=TODAY)
    finding = audit_finding_write(
        user=auditor, department=department, fiscal_year=2026, found_on=TODAY, finding="研修の未受講者がいる"
    )
    audit_finding_answer(finding=finding, user=officer, answer="1月に追加研修を行う", answered_on=TODAY)

    # When the auditor downloads the year's report
    client.force_login(auditor)
    response = client.get(reverse("privacy:accountability_report", args=[2026]))

    # Then it is a PDF in Japanese with each part
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_japanese_font_embedded(response.content)
    text = "".join(pdf_text(response.content).split())
    for expected in [
        "令和8年度",
        "情報セキュリティ研修",
        "2人",
        "未受講の職員1人",
        str(clerk).replace(" ", ""),
        "書庫が施錠されていない",
        "施錠の徹底",
        "研修の未受講者がいる",
        "1月に追加研修を行う",
    ]:
        assert expected in text, expected


def test_the_overview_page_and_its_year_choice_answer_odd_input(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("privacy:accountability") + "?year=abc").status_code == 200
    assert client.get(reverse("privacy:accountability") + "?year=1900").status_code == 200
    response = client.get(reverse("privacy:accountability_report", args=[1999]))
    assert response.status_code == 302


def test_fiscal_years_are_named_as_the_city_names_them():
    assert fiscal_year_label(2026) == "令和8年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(2018) == "平成30年度"
    assert fiscal_year_label(1988) == "昭和63年度"
    assert fiscal_year_label(1912) == "大正元年度"
    assert fiscal_year_label(1900) == "明治33年度"
    assert fiscal_year_label(1868) == "明治元年度"
    assert fiscal_year_label(1867) == "1867年度"


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(1868, 10, 22), "1868年10月22日"),  # before the 改元の詔: the Western form
        (date(1868, 10, 23), "明治元年10月23日"),
        (date(1873, 1, 1), "明治6年1月1日"),  # the Gregorian calendar's first day in Japan
        (date(1900, 1, 1), "明治33年1月1日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
    ],
)
def test_each_era_ends_the_day_before_the_next_begins(day, written):
    assert wareki(day) == written
