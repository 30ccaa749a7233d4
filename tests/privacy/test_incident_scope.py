"""Who an incident touched, derived from the records (§11, APPI art. 68): provisions in a period, what a staff
account saw in a period, an export file; previewed, confirmed, kept with its snapshot, re-run to compare."""

import logging
import re
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.events import incidents as events
from privacy.models import AccessLog, IncidentEvent, IncidentScope, IncidentSettings, IncidentSubscriber, Provision
from privacy.selectors.incident_scope import Derivation, derive, incident_scope_summary, scope_rerun
from privacy.services.incident_scope import incident_scope_add
from privacy.services.incidents import incident_record, incident_set_status
from tests.downloads import download_text
from tests.factories import AgreementFactory, ContractorFactory, SubscriberFactory, UserFactory, WorkOrderFactory
from tests.pdf import needs_poppler, pdf_flow_text, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

JULY_1, JULY_31 = date(2026, 7, 1), date(2026, 7, 31)
IN_JULY = timezone.make_aware(datetime(2026, 7, 15, 10, 0))
IN_AUGUST = timezone.make_aware(datetime(2026, 8, 2, 10, 0))
GONE_ID, GONE_NUMBER = 987654, "99990001"  # a subscriber purged since: the logs keep the number, no record


def incident_for(officer, **fields):
    return incident_record(
        user=officer,
        discovered_at=timezone.make_aware(datetime(2026, 8, 10, 9, 0)),
        discovered_by="情報室",
        description="業者のノートPCの盗難",
        notice_text="工事業者が持ち出したパソコンが盗まれ、お客様の情報が含まれておりました。",
        items=fields.pop("items", ["number"]),
        **fields,
    )


def provide(order, subscriber, items, at, *, method="paper", number=None):
    return Provision.objects.create(
        at=at,
        subscriber_id=subscriber.pk if subscriber else GONE_ID,
        subscriber_number=number or subscriber.number,
        contractor=order.contractor,
        recipient_name=order.contractor.name,
        items=items,
        method=method,
        basis="contracted_work",
        purpose="工事",
        work_order=order,
        caused_by=UserFactory.create(),
    )


def seen(user, subscriber, at, action="view", detail=None, number=None):
    return AccessLog.objects.create(
        at=at,
        user=user,
        subscriber_id=subscriber.pk if subscriber else GONE_ID,
        subscriber_number=number or subscriber.number,
        action=action,
        path="/subscribers/",
        detail=detail or {},
    )


def add(incident, officer, derivation):
    return incident_scope_add(
        incident=incident, user=officer, derivation=derivation, fingerprint=derive(derivation).fingerprint
    )


def test_provisions_finds_the_contractors_people_in_the_period_with_the_items_provided(officer):
    # Given a contractor's work sheets in July (one person since purged), its sheets in August, another's in July
    order = WorkOrderFactory.create()
    other = WorkOrderFactory.create()
    a, b, late, elsewhere = (SubscriberFactory.create() for _ in range(4))
    provide(order, a, ["number", "name", "address"], IN_JULY)
    provide(order, b, ["number", "name", "phone"], IN_JULY)
    provide(order, None, ["number", "name"], IN_JULY, number=GONE_NUMBER)
    provide(order, late, ["number", "name"], IN_AUGUST)
    provide(other, elsewhere, ["number", "name"], IN_JULY)

    # When the officer derives what went to that contractor in July
    found = derive(Derivation(kind="provisions", contractor=order.contractor.pk, since=JULY_1, until=JULY_31))

    # Then exactly its three people, the purged one by number, each with what was provided
    assert set(found.people) == {a.number, b.number, GONE_NUMBER}
    assert found.ids == {a.number: a.pk, b.number: b.pk} and found.removed == {GONE_NUMBER}
    assert found.item_counts == {"number": 3, "name": 3, "address": 1, "phone": 1}
    # And by the method: no electronic transmission happened
    by_wire = Derivation(kind="provisions", method="transmission", since=JULY_1, until=JULY_31)
    assert derive(by_wire).people == {}


def test_staff_views_finds_what_the_account_saw_in_the_period_with_what_each_page_shows(officer):
    # Given a staff account (its password stolen) that opened one record and listed another in July, and an
    # account of a colleague, and the same account's views in August
    thief = UserFactory.create(username="stolen")
    colleague = UserFactory.create(username="colleague")
    opened, listed, later, colleagues = (SubscriberFactory.create() for _ in range(4))
    seen(thief, opened, IN_JULY)
    seen(thief, listed, IN_JULY, action="listed", detail={"query": "三沢"})
    seen(thief, None, IN_JULY, number=GONE_NUMBER)
    seen(thief, later, IN_AUGUST)
    seen(colleague, colleagues, IN_JULY)

    found = derive(Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))

    assert set(found.people) == {opened.number, listed.number, GONE_NUMBER}
    assert found.removed == {GONE_NUMBER}
    # The record page shows every item; the search results show number, name, reading, address and phone
    assert found.people[opened.number] >= {"birth_date", "email", "occupation"}
    assert found.people[listed.number] == {"number", "name", "reading", "address", "phone"}
    assert found.item_counts["name"] == 3 and found.item_counts["email"] == 2


def test_an_export_file_has_a_number_and_its_people_and_columns_are_found_by_it(client, officer, auditor):
    # Given two exports of the registry, each downloaded as a file naming its number
    first = [SubscriberFactory.create(family_name="第一") for _ in range(2)]
    client.force_login(officer)
    response = client.get(reverse("subscribers:export"), {"q": "第一"})
    assert response.status_code == 200, response.status_code
    (number,) = re.findall(r"export(\d+)\.csv", response["Content-Disposition"])
    download_text(response)
    second = SubscriberFactory.create(family_name="第二")
    download_text(client.get(reverse("subscribers:export"), {"q": "第二"}))

    # When the officer derives export #N (a lost USB stick)
    found = derive(Derivation(kind="export", export_no=int(number)))

    # Then its people, not the other file's, with the items its columns carried (no birth date: not a column)
    assert set(found.people) == {s.number for s in first} and second.number not in found.people
    assert found.items == ["number", "name", "reading", "address", "phone", "email"]
    # And the access log shows the file's number
    client.force_login(auditor)
    assert f"出力番号{number}" in client.get(reverse("privacy:access_log")).content.decode().replace(" ", "")


def test_several_derivations_count_each_person_once_and_add_their_items(officer):
    # Given an incident with one person pasted by hand
    thief = UserFactory.create()
    order = WorkOrderFactory.create()
    both, only_seen, by_hand = (SubscriberFactory.create() for _ in range(3))
    incident = incident_for(officer, subscribers=[by_hand], items=["name"])
    seen(thief, both, IN_JULY)
    seen(thief, only_seen, IN_JULY)
    seen(thief, None, IN_JULY, number=GONE_NUMBER)
    provide(order, both, ["number", "name"], IN_JULY)
    provide(order, None, ["number", "name"], IN_JULY, number=GONE_NUMBER)

    # When two derivations reaching the same people are added
    first = add(incident, officer, Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))
    second = add(incident, officer, Derivation(kind="provisions", work_order=order.pk, since=JULY_1, until=JULY_31))

    # Then each person counts once: three in the registry and one purged
    incident.refresh_from_db()
    assert (first.added_count, second.added_count) == (3, 0)
    assert IncidentSubscriber.objects.filter(incident=incident).count() == 3
    assert incident.removed_people_count == 1 and incident.affected_count == 4
    # And the items are the union, counted per person: a provision of number and name adds no birth date to the
    # people it shares with the views; the person pasted by hand counts for the items the officer named only
    summary = incident_scope_summary(incident)
    assert incident.items == ["name"] and "birth_date" in summary.items and "name" in summary.items
    counts = dict(summary.item_counts)
    assert summary.by_hand == 1
    assert counts["氏名"] == 4 and counts["生年月日"] == 3 and counts["加入者番号"] == 3
    assert summary.person_items[GONE_NUMBER] == summary.person_items[both.number]
    # And each addition is in the incident's record
    added = IncidentEvent.objects.filter(incident=incident, kind="scope_added")
    assert added.count() == 2
    expected = "期間内に職員アカウントが閲覧した記録（アクセス記録）：3人を特定、うち新たな対象者 3人"
    assert events.describe(added.first()) == expected


def test_crossing_the_people_threshold_makes_the_incident_reportable(officer):
    IncidentSettings.objects.update(people_threshold=2)
    thief = UserFactory.create()
    for subscriber in [SubscriberFactory.create() for _ in range(3)]:
        seen(thief, subscriber, IN_JULY)
    incident = incident_for(officer, items=["name"])
    assert incident.reportable_reasons() == []

    add(incident, officer, Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))

    incident.refresh_from_db()
    (reason,) = incident.reportable_reasons()
    assert "2" in reason
    assert incident.next_deadline() is not None


def test_the_snapshot_is_kept_and_a_rerun_reproduces_it_or_shows_what_changed(officer):
    thief = UserFactory.create()
    a, b = SubscriberFactory.create(), SubscriberFactory.create()
    seen(thief, a, IN_JULY)
    seen(thief, None, IN_JULY, number=GONE_NUMBER)
    incident = incident_for(officer)
    derivation = Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31)
    scope = add(incident, officer, derivation)

    # The kind, parameters and result are kept
    scope.refresh_from_db()
    assert scope.parameters == {"since": "2026-07-01", "until": "2026-07-31", "user": thief.pk}
    (group,) = scope.snapshot["groups"]
    assert group["numbers"] == [a.number] and group["removed"] == [GONE_NUMBER]
    assert Derivation.of(scope) == derivation
    # A re-run finds the same
    assert scope_rerun(scope).same
    # Once a forgotten row of the period is found, the re-run says who is new
    seen(thief, b, IN_JULY)
    comparison = scope_rerun(scope)
    assert not comparison.same and comparison.new == [b.number] and comparison.missing == []


def test_adding_asks_for_what_was_previewed_and_a_closed_incident_is_not_changed(officer):
    thief = UserFactory.create()
    seen(thief, SubscriberFactory.create(), IN_JULY)
    derivation = Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31)
    incident = incident_for(officer)
    previewed = derive(derivation).fingerprint
    seen(thief, SubscriberFactory.create(), IN_JULY)  # the records changed after the preview

    with pytest.raises(ValidationError):
        incident_scope_add(incident=incident, user=officer, derivation=derivation, fingerprint=previewed)
    assert not IncidentScope.objects.exists() and not incident.affected.exists()

    incident_set_status(incident=incident, status="closed", user=officer, note="対象なし", on=date(2026, 8, 10))
    with pytest.raises(ValidationError):
        add(incident, officer, derivation)


def test_a_clerk_may_not_derive_and_the_refusal_is_logged(client, clerk, officer, caplog):
    incident = incident_for(officer)
    thief = UserFactory.create()
    derivation = Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31)
    with pytest.raises(PermissionDenied):
        incident_scope_add(incident=incident, user=clerk, derivation=derivation, fingerprint="")
    client.force_login(clerk)
    with caplog.at_level(logging.WARNING, logger="mctv.security"):
        response = client.post(reverse("privacy:incident_scope", args=[incident.pk]), {"kind": "export"})
    assert response.status_code == 403
    assert any("403" in r.getMessage() and "clerk" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "staff_views", "since": "2026-07-31", "until": "2026-07-01"}, "until", "期間の終わりが始まりより前"),
        ({"kind": "staff_views", "since": "1800-01-01", "until": "2026-07-01"}, "since", "1900年1月1日から"),
        ({"kind": "staff_views", "since": "2026-07-01", "until": "99999-01-01"}, "until", "日付"),
        ({"kind": "export", "export_no": "424242"}, "export_no", "出力番号424242のファイルはありません"),
        ({"kind": "export", "export_no": "99999999999"}, "export_no", "以下"),
        ({"kind": "provisions", "since": "2026-07-01", "until": "2026-07-31"}, "contractor", "工事業者、工事又は"),
    ],
    ids=["end-before-start", "implausible-day", "not-a-date", "unknown-export", "export-number-too-big", "no-filter"],
)
def test_bad_input_is_refused_in_japanese_and_keeps_the_input(client, officer, data, field, message):
    incident = incident_for(officer)
    client.force_login(officer)
    response = client.post(reverse("privacy:incident_scope", args=[incident.pk]), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not IncidentScope.objects.exists()


def test_the_preview_shows_counts_and_the_confirmation_adds_them(client, officer):
    thief = UserFactory.create(username="stolen")
    people = [SubscriberFactory.create() for _ in range(2)]
    for subscriber in people:
        seen(thief, subscriber, IN_JULY)
    incident = incident_for(officer)
    client.force_login(officer)
    data = {"kind": "staff_views", "user": thief.pk, "since": "2026-07-01", "until": "2026-07-31"}

    preview = client.post(reverse("privacy:incident_scope", args=[incident.pk]), {**data, "preview": "1"})
    assert preview.context["preview"].new_people == 2 and not IncidentScope.objects.exists()
    fingerprint = preview.context["confirm_form"]["fingerprint"].value()

    done = client.post(
        reverse("privacy:incident_scope", args=[incident.pk]), {**data, "fingerprint": fingerprint, "confirm": "1"}
    )
    assert done.status_code == 302
    assert incident.affected.count() == 2 and IncidentScope.objects.get().people_count == 2


@needs_poppler
def test_the_report_draft_shows_the_derivation_and_the_people_per_item(client, officer):
    order = WorkOrderFactory.create(contractor=AgreementFactory.create(contractor__name="八戸電設").contractor)
    people = [SubscriberFactory.create() for _ in range(3)]
    for subscriber in people:
        provide(order, subscriber, ["number", "name", "address"], IN_JULY)
    provide(order, people[0], ["phone"], IN_JULY)
    incident = incident_for(officer)
    add(incident, officer, Derivation(kind="provisions", contractor=order.contractor.pk, since=JULY_1, until=JULY_31))
    client.force_login(officer)

    text = pdf_flow_text(client.get(reverse("privacy:incident_report", args=[incident.pk])).content)

    assert "八戸電設" in text and "令和8年7月1日" in text
    assert "氏名3人" in text and "住所3人" in text and "電話番号1人" in text
    assert not any(p.number in text for p in people)
    # And each notice names the items of that person's own records
    letters = pdf_text(client.get(reverse("privacy:incident_notices", args=[incident.pk])).content)
    assert letters.count("電話番号") == 1


def test_a_derivation_is_one_query_for_tens_of_thousands_of_people(officer, django_assert_num_queries):
    thief = UserFactory.create()
    AccessLog.objects.bulk_create(
        [
            AccessLog(at=IN_JULY, user=thief, subscriber_id=GONE_ID + n, subscriber_number=f"7{n:07d}", action="view")
            for n in range(30_000)
        ],
        batch_size=5000,
    )
    with django_assert_num_queries(1):
        found = derive(Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))
    assert len(found.people) == 30_000 and len(found.removed) == 30_000


def test_the_database_refuses_an_empty_or_inconsistent_scope(officer):
    incident = incident_for(officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentScope.objects.create(
            incident=incident, kind="export", people_count=0, fingerprint="x", recorded_by=officer
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentScope.objects.create(
            incident=incident, kind="export", people_count=1, removed_count=2, fingerprint="x", recorded_by=officer
        )


def test_a_person_named_by_hand_and_found_in_the_records_has_both_sets_of_items(officer):
    # Given a subscriber pasted by hand for name, address and phone, whose number alone was provided in July
    order = WorkOrderFactory.create()
    person = SubscriberFactory.create()
    incident = incident_for(officer, subscribers=[person], items=["name", "address", "phone"])
    provide(order, person, ["number"], IN_JULY)

    # When the provision is derived and added
    add(incident, officer, Derivation(kind="provisions", work_order=order.pk, since=JULY_1, until=JULY_31))

    # Then the person's notice and the counts carry all four items, and the incident's own items are unchanged
    summary = incident_scope_summary(incident)
    assert summary.items_of(person.number, []) == ["number", "name", "address", "phone"]
    assert dict(summary.item_counts) == {"加入者番号": 1, "氏名": 1, "住所": 1, "電話番号": 1}
    incident.refresh_from_db()
    assert incident.items == ["name", "address", "phone"]


def test_each_page_counts_for_what_it_shows(officer):
    # Given a staff account that opened a work order's page (address and phone on it) and the admin's page of a
    # provision record (naming the subscriber only)
    thief = UserFactory.create()
    order = WorkOrderFactory.create(items=["number", "name", "address", "phone"])
    other = SubscriberFactory.create()
    seen(thief, order.subscriber, IN_JULY, detail={"work_order": order.number})
    seen(thief, other, IN_JULY, detail={"admin": "privacy.provision"})

    # When the account's views in July are derived
    found = derive(Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))

    # Then the work order counts its items, the admin page the number and name only
    assert found.people[order.subscriber.number] == {"number", "name", "address", "phone"}
    assert found.people[other.number] == {"number", "name"}


def test_what_a_sub_contractor_received_counts_as_provided_to_its_principal(officer):
    principal = ContractorFactory.create()
    sub = ContractorFactory.create(subcontractor_of=principal)
    order = WorkOrderFactory.create(contractor=sub)
    provide(order, order.subscriber, ["number", "name"], IN_JULY)

    found = derive(Derivation(kind="provisions", contractor=principal.pk, since=JULY_1, until=JULY_31))

    assert set(found.people) == {order.subscriber.number}


def test_the_rerun_page_is_the_officers_and_logs_the_numbers_it_lists(client, officer, auditor, caplog):
    thief = UserFactory.create()
    person = SubscriberFactory.create()
    incident = incident_for(officer)
    seen(thief, person, IN_JULY)
    scope = add(incident, officer, Derivation(kind="staff_views", user=thief.pk, since=JULY_1, until=JULY_31))
    seen(thief, SubscriberFactory.create(), IN_JULY)
    url = reverse("privacy:incident_scope_rerun", args=[incident.pk, scope.pk])

    client.force_login(auditor)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(user=officer, action="listed", detail__incident=incident.number).count() == 1
