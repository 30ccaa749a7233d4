"""The incident register (§11): reportability, deadlines, notices per person, the report, holds, officers only."""

import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy.deadlines import due_date
from privacy.models import Incident, IncidentEvent, IncidentSettings, IncidentSubscriber
from privacy.services.incidents import (
    incident_mark_notices_impossible,
    incident_mark_notices_sent,
    incident_record,
    incident_set_status,
    incident_update,
)
from tests.factories import SubscriberFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_flow_text, pdf_text

pytestmark = pytest.mark.django_db
DISCOVERED = timezone.make_aware(datetime(2026, 11, 2, 10, 0))


def notify_everyone(incident, officer, on=None):
    """The notices to every affected person went out by mail (§11(1)①), as closing asks."""
    incident_mark_notices_sent(
        incident=incident,
        subscriber_ids=incident.affected.values_list("subscriber_id", flat=True),
        sent_on=on or incident.discovered_on,
        method="mail",
        user=officer,
    )


def record(officer, subscribers=(), **fields):
    defaults = {
        "discovered_at": DISCOVERED,
        "discovered_by": "情報室 職員",
        "description": "加入者名簿の誤送付",
        "notice_text": "お客様のお名前とご住所を記載した名簿を、誤って別の方に郵送いたしました。",
        "items": ["name", "address"],
        "cause": "封入作業の確認漏れ",
    }
    return incident_record(user=officer, subscribers=subscribers, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "people", "reportable"),
    [
        ({}, 3, False),
        ({"sensitive_data": True}, 1, True),
        ({"financial_risk": True}, 1, True),
        ({"malicious": True}, 1, True),
        ({"other_people_count": 98}, 2, False),  # exactly 100 people: not more than 100
        ({"other_people_count": 99}, 2, True),  # 101 people
    ],
    ids=["minor", "sensitive", "financial", "malicious", "100-people", "101-people"],
)
def test_reportability(officer, fields, people, reportable):
    incident = record(officer, [SubscriberFactory.create() for _ in range(people)], **fields)
    assert bool(incident.reportable_reasons()) is reportable


def test_the_people_threshold_is_configuration(officer):
    IncidentSettings.objects.update(people_threshold=2)
    incident = record(officer, [SubscriberFactory.create() for _ in range(3)])
    (reason,) = incident.reportable_reasons()
    assert "2" in reason


# Discovered Mon 2 Nov 2026: the final report's 60 days of a malicious act end on 1 January, a closed day; the
# report is due on the last open day before the year-end closure, Mon 28 December.
@pytest.mark.parametrize(("malicious", "final"), [(False, date(2026, 12, 2)), (True, date(2026, 12, 28))])
def test_report_deadlines(officer, malicious, final):
    incident = record(officer, [SubscriberFactory.create()], malicious=malicious, sensitive_data=True)
    assert incident.preliminary_due() == date(2026, 11, 5)
    assert incident.final_due() == final
    assert incident.next_deadline().due_on == date(2026, 11, 5)
    incident = incident_set_status(incident=incident, status="preliminary_reported", user=officer, on=date(2026, 11, 4))
    assert incident.next_deadline().due_on == final


def test_a_report_period_ending_on_a_closed_day_is_due_on_the_open_day_before(officer):
    # Given an incident discovered on Wed 4 Nov 2026: three days end on Saturday the 7th
    incident = record(
        officer,
        [SubscriberFactory.create()],
        sensitive_data=True,
        discovered_at=timezone.make_aware(datetime(2026, 11, 4, 9, 0)),
    )
    # Then the preliminary report is due on Friday the 6th, as the office counts every deadline
    assert incident.preliminary_due() == date(2026, 11, 6)


ORDINANCE_CATEGORIES = "生活保護の受給に関する事実\n\n  障害者手帳の等級  \n"


def name_ordinance_categories(text: str = ORDINANCE_CATEGORIES) -> None:
    config = IncidentSettings.current()
    config.ordinance_sensitive_categories = text
    config.save()


@pytest.mark.parametrize(
    ("categories", "fields", "reasons"),
    [
        ("", {"ordinance_sensitive_data": True}, []),
        (ORDINANCE_CATEGORIES, {}, []),
        (ORDINANCE_CATEGORIES, {"ordinance_sensitive_data": True}, ["条例要配慮個人情報"]),
        (
            ORDINANCE_CATEGORIES,
            {"ordinance_sensitive_data": True, "sensitive_data": True},
            ["要配慮個人情報", "条例要配慮個人情報"],
        ),
    ],
    ids=["no-ordinance-category", "not-involved", "ordinance-sensitive", "both-kinds"],
)
def test_ordinance_sensitive_information_is_its_own_reason_where_the_ordinance_names_some(
    officer, categories, fields, reasons
):
    # Given the city's ordinance categories in the settings (PPC rules art. 43(v)), or none
    name_ordinance_categories(categories)
    # When one person's record is leaked
    incident = record(officer, [SubscriberFactory.create()], **fields)
    # Then 条例要配慮個人情報 makes it reportable only where the ordinance defines it, as its own reason
    assert incident.reportable_reasons() == reasons


def test_the_incident_form_asks_about_ordinance_categories_only_when_the_settings_name_some(client, officer):
    client.force_login(officer)
    form = {
        "discovered_at": "2026-11-02T10:00",
        "discovered_by": "職員",
        "description": "誤送付",
        "items": ["name"],
        "other_people_count": 0,
        "ordinance_sensitive_data": "on",
    }
    # Given no category in the settings: the form does not ask, and a tick sent anyway is not saved
    assert 'name="ordinance_sensitive_data"' not in client.get(reverse("privacy:incident_create")).content.decode()
    client.post(reverse("privacy:incident_create"), form)
    assert Incident.objects.get().ordinance_sensitive_data is False
    # Given the ordinance's categories (one holding markup): the form asks, naming them beside the checkbox
    name_ordinance_categories(ORDINANCE_CATEGORIES + "<b>病歴</b>")
    page = client.get(reverse("privacy:incident_create")).content.decode()
    assert 'name="ordinance_sensitive_data"' in page and "条例要配慮個人情報を含む" in page
    assert "生活保護の受給に関する事実、障害者手帳の等級、&lt;b&gt;病歴&lt;/b&gt;" in page
    # When ticked, it is saved and counted
    client.post(reverse("privacy:incident_create"), form)
    ticked = Incident.objects.latest("pk")
    assert ticked.ordinance_sensitive_data is True and "条例要配慮個人情報" in ticked.reportable_reasons()
    # and an edit made after the categories were removed leaves the recorded answer as it was
    name_ordinance_categories("")
    client.post(reverse("privacy:incident_edit", args=[ticked.pk]), {**form, "description": "誤送付（追記）"})
    ticked.refresh_from_db()
    assert ticked.description == "誤送付（追記）" and ticked.ordinance_sensitive_data is True


def test_the_ordinance_categories_are_edited_in_the_settings_admin(client, admin_user):
    client.force_login(admin_user)
    config = IncidentSettings.current()
    url = reverse("admin:privacy_incidentsettings_change", args=[config.pk])
    assert "ordinance_sensitive_categories" in client.get(url).context["adminform"].form.fields
    response = client.post(
        url,
        {
            "people_threshold": 100,
            "preliminary_days": 3,
            "final_days": 30,
            "final_days_malicious": 60,
            "report_to_ministry": "on",
            "report_to_ppc": "on",
            "ordinance_sensitive_categories": ORDINANCE_CATEGORIES,
        },
    )
    # Then each non-blank line is one category, as typed
    assert response.status_code == 302
    assert IncidentSettings.current().ordinance_categories() == ["生活保護の受給に関する事実", "障害者手帳の等級"]


def test_report_targets_are_configuration(officer):
    config = IncidentSettings.current()
    assert len(config.targets()) == 2  # the ministry, as the declaration says, and the PPC, as APPI art. 68 says
    config.report_to_ministry = False
    config.save()
    assert len(IncidentSettings.current().targets()) == 1


def test_only_officers_record_or_move_incidents(clerk, officer):
    with pytest.raises(PermissionDenied):
        record(clerk)
    incident = record(officer)
    with pytest.raises(PermissionDenied):
        incident_set_status(incident=incident, status="closed", user=clerk, note="x")


def test_the_status_map_and_its_audit_rows(officer):
    reportable = record(officer, [SubscriberFactory.create()], malicious=True)
    with pytest.raises(ValidationError):  # not closed before its reports
        incident_set_status(incident=reportable, status="closed", user=officer, note="終了")
    with pytest.raises(ValidationError):  # nor the final report before the preliminary one
        incident_set_status(incident=reportable, status="final_reported", user=officer)
    notify_everyone(reportable, officer)
    for status in ["preliminary_reported", "final_reported", "closed"]:
        incident_set_status(incident=reportable, status=status, user=officer, note="報告済み")
    moves = list(
        IncidentEvent.objects.filter(incident=reportable).exclude(to_status="").values_list("from_status", "to_status")
    )
    assert moves == [
        ("open", "preliminary_reported"),
        ("preliminary_reported", "final_reported"),
        ("final_reported", "closed"),
    ]


def test_pasted_numbers_must_all_be_known_and_nothing_is_saved_otherwise(client, officer):
    known = SubscriberFactory.create()
    client.force_login(officer)
    response = client.post(
        reverse("privacy:incident_create"),
        {
            "discovered_at": "2026-11-02T10:00",
            "discovered_by": "職員",
            "description": "誤送付",
            "items": ["name"],
            "other_people_count": 0,
            "subscriber_numbers": f"{known.number}\n99999999",
        },
    )
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "99999999" in str(response.context["form"].errors["subscriber_numbers"])
    assert "誤送付" in response.content.decode()


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T10:00"])
def test_a_date_outside_the_plausible_range_is_refused_in_japanese_and_the_register_stays_readable(
    client, officer, typed
):
    # Given an officer typing an impossible discovery date
    client.force_login(officer)
    response = client.post(
        reverse("privacy:incident_create"),
        {
            "discovered_at": typed,
            "discovered_by": "職員",
            "description": "誤送付",
            "items": ["name"],
            "other_people_count": 0,
        },
    )
    # Then the form says which dates are allowed, keeps what was typed, and saves nothing
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "1900年1月1日から" in str(response.context["form"].errors["discovered_at"])
    assert "誤送付" in response.content.decode()
    # and the register, the dashboard and the digest still answer
    assert client.get(reverse("privacy:incident_list")).status_code == 200
    assert client.get(reverse("privacy:dashboard")).status_code == 200


def test_a_clerk_cannot_open_the_register(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("privacy:incident_list")).status_code == 403


def _page_texts(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "letters.pdf"
        path.write_bytes(pdf)
        pages = int(
            next(
                line.split()[-1]
                for line in subprocess.run(
                    ["pdfinfo", str(path)], capture_output=True, text=True, check=True
                ).stdout.splitlines()
                if line.startswith("Pages:")
            )
        )
        return [
            "".join(
                subprocess.run(
                    ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
            )
            for n in range(1, pages + 1)
        ]


@needs_poppler
def test_one_notice_per_affected_subscriber_each_about_that_person_only(client, officer):
    people = [SubscriberFactory.create(family_name=f"通知{n}", given_name="様子") for n in "一二三"]
    bystander = SubscriberFactory.create(family_name="無関係", given_name="太郎")
    incident = record(officer, people)
    client.force_login(officer)

    pdf = client.get(reverse("privacy:incident_notices", args=[incident.pk])).content

    pages = _page_texts(pdf)
    assert len(pages) == 3
    for person, page in zip(people, pages, strict=True):
        assert person.full_name.replace(" ", "") in page and person.number in page
        others = [p for p in people if p != person] + [bystander]
        assert not any(o.full_name.replace(" ", "") in page or o.number in page for o in others)
        assert "封入作業の確認漏れ" in page and "0176-51-1349" in page
    assert_japanese_font_embedded(pdf)


def test_notices_are_marked_sent_with_date_and_method(officer):
    people = [SubscriberFactory.create() for _ in range(3)]
    incident = record(officer, people)
    incident_mark_notices_sent(
        incident=incident,
        subscriber_ids=[p.pk for p in people[:2]],
        sent_on=date(2026, 11, 6),
        method="mail",
        user=officer,
    )
    sent = dict(IncidentSubscriber.objects.values_list("subscriber_id", "notice_method"))
    assert sent == {people[0].pk: "mail", people[1].pk: "mail", people[2].pk: ""}


@needs_poppler
def test_the_report_draft_has_the_nine_items_and_counts_not_names(client, officer):
    people = [SubscriberFactory.create(family_name="報告", given_name=f"人{n}") for n in range(3)]
    incident = record(officer, people, malicious=True, other_people_count=2, prevention="二重確認の徹底")
    client.force_login(officer)

    text = "".join(pdf_text(client.get(reverse("privacy:incident_report", args=[incident.pk])).content).split())

    for heading in [
        "1概要",
        "2漏えい",
        "3本人の数",
        "4原因",
        "5二次被害",
        "6本人への",
        "7公表",
        "8再発防止",
        "9その他",
    ]:
        assert heading in text, heading
    assert "5人" in text and "二重確認の徹底" in text
    assert not any(p.full_name.replace(" ", "") in text or p.number in text for p in people)


@needs_poppler
def test_the_report_draft_speaks_of_retained_personal_information_and_names_ordinance_sensitive_data(client, officer):
    # Given the ordinance's categories and an incident that involved them and 要配慮個人情報
    name_ordinance_categories()
    incident = record(officer, [SubscriberFactory.create()], sensitive_data=True, ordinance_sensitive_data=True)
    client.force_login(officer)

    def report() -> str:
        return pdf_flow_text(client.get(reverse("privacy:incident_report", args=[incident.pk])).content)

    # Then the draft speaks of 保有個人情報 (APPI art. 68(1), PPC rules art. 43), never of 個人データ
    text = report()
    assert "保有個人情報の漏えい等事案の報告" in text
    assert "2漏えい等が発生し、又は発生したおそれがある保有個人情報の項目" in text
    assert "個人データ" not in text
    # and item 2 names both kinds of sensitive information, and both are reasons to report
    assert "（要配慮個人情報を含む）（条例要配慮個人情報を含む）" in text
    assert "報告を要する事由：要配慮個人情報、条例要配慮個人情報" in text
    # When the ordinance names no category, the draft does not claim any
    name_ordinance_categories("")
    assert "条例要配慮個人情報" not in report()


def test_an_open_incident_holds_the_affected_subscribers_records(officer):
    from privacy.selectors.retention import disposal_dry_run

    old = SubscriberFactory.create(
        status="terminated", terminated_on=date(2025, 6, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    incident = record(officer, [old])
    assert disposal_dry_run(date(2031, 6, 1))["terminated_subscriber"] == 0
    notify_everyone(incident, officer)
    incident_set_status(incident=incident, status="closed", user=officer, note="本人への通知完了")
    assert disposal_dry_run(date(2031, 6, 1))["terminated_subscriber"] == 1


def test_the_dashboard_shows_incident_report_deadlines(client, officer):
    incident = record(officer, [SubscriberFactory.create()], sensitive_data=True, discovered_at=timezone.now())
    client.force_login(officer)
    response = client.get(reverse("privacy:dashboard"))
    (row,) = response.context["incident_rows"]
    assert row.incident == incident and row.due_on == due_date(timezone.localdate(), 3)
    assert incident.number in response.content.decode()


def test_the_digest_includes_incident_deadlines(officer, mailoutbox):
    from privacy.services.digest import deadline_digest_send_all

    officer.email = "officer@city.misawa.example"
    officer.save()
    incident = record(officer, [SubscriberFactory.create()], sensitive_data=True, discovered_at=timezone.now())
    assert deadline_digest_send_all(today=timezone.localdate()) == 1
    assert incident.number in mailoutbox[0].body


def test_a_closed_incident_file_goes_after_its_period_and_an_open_one_stays(officer):
    from privacy.services import retention

    closed = record(officer, [SubscriberFactory.create()])
    notify_everyone(closed, officer)
    incident_set_status(incident=closed, status="closed", user=officer, note="通知完了", on=date(2026, 11, 10))
    still_open = record(officer, [SubscriberFactory.create()])

    (run,) = retention.disposal_propose(today=date(2032, 4, 1), record_class="incident_file")
    retention.disposal_approve(run=run, user=officer)
    retention.disposal_purge(run_id=run.pk, today=date(2032, 4, 1))

    assert list(Incident.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert not IncidentEvent.objects.filter(incident_id=closed.pk).exists()
    assert not IncidentSubscriber.objects.filter(incident_id=closed.pk).exists()
    assert not Incident.history.filter(id=closed.pk).exists()


def test_opening_an_incident_is_access_logged_for_each_person_it_names(client, officer):
    from privacy.models import AccessLog

    people = [SubscriberFactory.create() for _ in range(2)]
    incident = record(officer, people)
    client.force_login(officer)
    client.get(reverse("privacy:incident_detail", args=[incident.pk]))
    assert set(AccessLog.objects.filter(action="view").values_list("subscriber_number", flat=True)) == {
        p.number for p in people
    }


def test_an_auditor_reads_the_register_but_records_nothing(client, auditor, officer):
    incident = record(officer, [SubscriberFactory.create()])
    client.force_login(auditor)
    assert client.get(reverse("privacy:incident_detail", args=[incident.pk])).status_code == 200
    assert client.get(reverse("privacy:incident_create")).status_code == 403
    assert client.post(reverse("privacy:incident_status", args=[incident.pk]), {"status": "closed"}).status_code == 403
    with pytest.raises(PermissionDenied):
        record(auditor)


@pytest.mark.parametrize("query", ["①", "abc", "999999"])
def test_odd_subscriber_filters_on_the_notices_answer_404_not_500(client, officer, query):
    incident = record(officer, [SubscriberFactory.create()])
    client.force_login(officer)
    assert client.get(reverse("privacy:incident_notices", args=[incident.pk]), {"subscriber": query}).status_code == 404


def test_notices_already_sent_stay_as_recorded_and_dates_are_checked(officer):
    person = SubscriberFactory.create()
    incident = record(officer, [person])
    incident_mark_notices_sent(
        incident=incident, subscriber_ids=[person.pk], sent_on=date(2026, 11, 5), method="mail", user=officer
    )
    incident_mark_notices_sent(
        incident=incident, subscriber_ids=[person.pk], sent_on=date(2026, 11, 9), method="phone", user=officer
    )
    assert IncidentSubscriber.objects.get().notice_sent_on == date(2026, 11, 5)
    with pytest.raises(ValidationError):  # before the discovery
        incident_mark_notices_sent(
            incident=incident, subscriber_ids=[person.pk], sent_on=date(2026, 10, 1), method="mail", user=officer
        )
    with pytest.raises(ValidationError):  # a report dated before the discovery
        incident_set_status(incident=incident, status="preliminary_reported", user=officer, on=date(2026, 10, 1))


def test_a_closed_incident_page_offers_no_changes_and_a_clerks_dashboard_no_incidents(client, clerk, officer):
    # Given a closed incident with an affected subscriber not yet notified
    incident = record(officer, [SubscriberFactory.create()], discovered_at=timezone.now())
    incident_mark_notices_impossible(
        incident=incident,
        subscriber_ids=incident.affected.values_list("subscriber_id", flat=True),
        reason="住所不明",
        user=officer,
    )
    incident_update(incident=incident, user=officer, published_on=timezone.localdate(), published_where="掲示板")
    incident_set_status(incident=incident, status="closed", user=officer, note="軽微")
    client.force_login(officer)
    # Then its page offers neither editing nor recording notices (the services would refuse both)
    page = client.get(reverse("privacy:incident_detail", args=[incident.pk]))
    assert not page.context["can_change"] and not page.context["can_mark_notices"]
    assert reverse("privacy:incident_notices_sent", args=[incident.pk]) not in page.content.decode()
    # And a clerk, who may not see incidents, finds no incident section on the dashboard
    client.force_login(clerk)
    dashboard = client.get(reverse("privacy:dashboard"))
    assert not dashboard.context["shows_incidents"] and dashboard.context["incident_rows"] == []
    assert 'id="incident-deadlines"' not in dashboard.content.decode()


def test_closing_asks_for_a_notice_to_each_person_or_the_exemption_and_publication_where_one_cannot_reach(officer):
    # Given an incident with three affected subscribers and two people outside the registry
    people = [SubscriberFactory.create() for _ in range(3)]
    incident = record(officer, people, other_people_count=2)
    close = lambda: incident_set_status(incident=incident, status="closed", user=officer, note="対応完了")  # noqa: E731

    # When nobody has been told, closing is refused, saying how many are missing
    with pytest.raises(ValidationError) as refused:
        close()
    assert "3" in " ".join(refused.value.messages)

    # When two are told and one cannot be reached, the people outside the registry and the unreachable one
    # still need the publication
    incident_mark_notices_sent(
        incident=incident,
        subscriber_ids=[p.pk for p in people[:2]],
        sent_on=DISCOVERED.date(),
        method="mail",
        user=officer,
    )
    incident_mark_notices_impossible(
        incident=incident, subscriber_ids=[people[2].pk], reason="宛先不明で返送", user=officer
    )
    with pytest.raises(ValidationError) as refused:
        close()
    assert len(refused.value.messages) == 1 and "公表" in refused.value.messages[0]

    # Then once it is published, it closes
    incident_update(incident=incident, user=officer, published_on=DISCOVERED.date(), published_where="市ウェブサイト")
    assert close().status == "closed"


def test_the_section_11_2_exemption_lets_an_incident_close_without_notices(officer):
    incident = record(
        officer, [SubscriberFactory.create()], exempt_from_notice=True, exemption_reason="開示条例第10条に該当"
    )
    assert incident_set_status(incident=incident, status="closed", user=officer, note="免除").status == "closed"
