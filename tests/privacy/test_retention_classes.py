"""The record classes issue 16 added (declaration §13, ■13): each is proposed, approved and purged with exact counts
per table, holds keep what they hold, and running it again changes nothing."""

from datetime import date, datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.models import AccessLog as LoginRecord
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.models import (
    AccessReview,
    AccessReviewFlag,
    AuditFinding,
    DeadlineDigest,
    DisposalRun,
    ExceptionalProvision,
    InspectionAnswer,
    InspectionChecklistItem,
    LegalHold,
    Provision,
    ProvisionStop,
    SelfInspection,
    TrainingAttendance,
    TrainingSession,
    WorkOrder,
)
from privacy.selectors.retention import disposal_outlook
from privacy.services import retention as svc
from subscribers.models import Subscriber
from tests.factories import SubscriberFactory, UserFactory, WorkOrderFactory
from tests.pdf import needs_poppler, pdf_text
from tests.privacy.test_retention_coverage import assert_counts_within_class

# Fiscal 2031: records closed in fiscal 2020 are past every default period (the longest, 10 years, included).
TODAY = date(2031, 6, 1)
OLD = date(2020, 6, 1)
YOUNG = date(2031, 5, 1)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def _purge(record_class: str, officer) -> DisposalRun:
    """Propose, approve (or let the rule approve) and purge one class on TODAY."""
    (run,) = svc.disposal_propose(today=TODAY, record_class=record_class)
    if run.awaits_approval:
        svc.disposal_approve(run=run, user=officer)
    svc.disposal_purge(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    assert run.status == "done"
    assert_counts_within_class(run)
    return run


def _nothing_more(record_class: str, officer, counts) -> None:
    """A second night proposes nothing of the class and changes nothing."""
    before = counts()
    assert svc.disposal_propose(today=TODAY, record_class=record_class) == []
    assert counts() == before


def _hold(subscriber, user) -> None:
    LegalHold.objects.create(kind="litigation", subscriber=subscriber, reason="訴訟のため保存", placed_by=user)


# --- history of live subscribers ----------------------------------------------------------------------------


def _subscriber_with_moves(**extra):
    """Registered 2019 at 中央町1丁目1-1; moved in June 2020; a new phone in June 2030."""
    with time_machine.travel(_at(date(2019, 1, 10)), tick=False):
        subscriber = SubscriberFactory.create(street_address="中央町1丁目1-1", phone="0176510001", **extra)
    with time_machine.travel(_at(OLD), tick=False):
        subscriber.street_address = "幸町2丁目2-2"
        subscriber.save()
    with time_machine.travel(_at(date(2030, 6, 1)), tick=False):
        subscriber.phone = "0176519999"
        subscriber.save()
    return subscriber


@pytest.mark.django_db
def test_a_replaced_address_leaves_the_history_after_its_period_and_the_rest_stays(officer, clerk):
    # Given a live subscriber who moved in 2020 and changed phone in 2030, and a held one with the same moves
    moved = _subscriber_with_moves()
    held = _subscriber_with_moves()
    _hold(held, clerk)

    def counts():
        return {
            s.pk: list(s.history.order_by("history_id").values_list("street_address", "phone")) for s in (moved, held)
        }

    before = counts()

    # When the replaced values' class is purged on TODAY (5 years from fiscal 2020 are over)
    run = _purge("subscriber_history", officer)

    # Then the old address (replaced in 2020) is gone, the old phone (replaced in 2030) stays, and so does the record
    assert run.related_counts == {"subscribers_historicalsubscriber": 1}
    assert run.disposed_count == 1 and run.held_count == 0
    assert counts()[moved.pk] == [("幸町2丁目2-2", "0176510001"), ("幸町2丁目2-2", "0176519999")]
    current = Subscriber.objects.get(pk=moved.pk)
    assert (current.street_address, current.phone) == ("幸町2丁目2-2", "0176519999")
    assert counts()[held.pk] == before[held.pk]  # the hold keeps every value
    _nothing_more("subscriber_history", officer, counts)


@pytest.mark.django_db
def test_a_hold_on_a_subscriber_as_terminated_subscriber_keeps_their_replaced_values_and_work_orders(officer, clerk):
    # Given a subscriber who moved in 2020 and had a work order closed then, held in the class that disposes of "a
    # terminated subscriber and all their personal data" (history rows and work orders included)
    held = _subscriber_with_moves()
    order = _closed_work_order(OLD, subscriber=held)
    LegalHold.objects.create(
        kind="litigation", subscriber=held, record_class="terminated_subscriber", reason="訴訟", placed_by=clerk
    )
    history = list(held.history.values_list("history_id", flat=True))

    # When the classes that dispose of those same rows propose
    proposed = svc.disposal_propose(today=TODAY, record_class="subscriber_history") + svc.disposal_propose(
        today=TODAY, record_class="work_order"
    )

    # Then the hold keeps them: nothing is proposed, and the page says why
    assert proposed == []
    assert list(held.history.values_list("history_id", flat=True)) == history
    assert WorkOrder.objects.filter(pk=order.pk).exists()
    outlook = {o.rule.record_class: o for o in disposal_outlook(TODAY)}
    assert (outlook["subscriber_history"].due, outlook["subscriber_history"].would_go) == (1, 0)
    assert (outlook["work_order"].due, outlook["work_order"].would_go) == (1, 0)


@pytest.mark.django_db
def test_a_hold_on_a_subscribers_work_orders_keeps_the_terminated_subscriber_whose_purge_would_take_them(
    officer, clerk
):
    # Given a terminated subscriber past its period whose work orders are held
    subscriber = SubscriberFactory.create(
        status="terminated", terminated_on=date(2020, 5, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    LegalHold.objects.create(
        kind="litigation", subscriber=subscriber, record_class="work_order", reason="工事の紛争", placed_by=clerk
    )

    # Then the subscriber's own purge (which deletes their work orders) does not take them either
    assert svc.disposal_propose(today=TODAY, record_class="terminated_subscriber") == []


@pytest.mark.django_db
def test_a_hold_on_the_whole_class_of_terminated_subscribers_keeps_their_replaced_values_too(officer, clerk):
    # Given a subscriber who moved in 2020, and a hold on every terminated subscriber's data
    _subscriber_with_moves()
    LegalHold.objects.create(kind="audit", record_class="terminated_subscriber", reason="会計検査", placed_by=clerk)

    # Then the replaced values, which that class's purge also removes, are not proposed
    assert svc.disposal_propose(today=TODAY, record_class="subscriber_history") == []


@pytest.mark.django_db
def test_the_values_a_kept_correction_file_changed_stay_for_its_notices(officer, clerk):
    from privacy.events.requests import request_record_edited_event
    from privacy.models import SubjectRequest
    from privacy.services.requests import request_receive

    # Given a subscriber who moved in 2020 through a correction request decided in 2029, its file still kept
    subscriber = _subscriber_with_moves()
    request = request_receive(
        subscriber=subscriber,
        kind="correction",
        received_on=date(2020, 5, 1),
        channel="mail",
        details="住所",
        user=clerk,
    )
    SubjectRequest.objects.filter(pk=request.pk).update(
        status="closed", decision="full", decided_by=clerk, decided_at=_at(date(2029, 6, 1)), closed_on=date(2030, 6, 1)
    )
    edit = subscriber.history.order_by("history_id")[1]
    request_record_edited_event(request=request, user=clerk, history_id=edit.pk)

    # Then the history the correction's notices read is not proposed
    (outlook,) = [o for o in disposal_outlook(TODAY) if o.rule.record_class == "subscriber_history"]
    assert (outlook.due, outlook.would_go) == (1, 0)


@pytest.mark.django_db
def test_a_value_replaced_recently_is_not_proposed(officer):
    # Given a subscriber whose only change was in fiscal 2030
    with time_machine.travel(_at(date(2029, 1, 10)), tick=False):
        subscriber = SubscriberFactory.create()
    with time_machine.travel(_at(date(2030, 6, 1)), tick=False):
        subscriber.phone = "0176518888"
        subscriber.save()

    # Then nothing of it is past its period
    assert svc.disposal_propose(today=TODAY, record_class="subscriber_history") == []


# --- work orders, exceptional provisions, stops, holds --------------------------------------------------------


def _closed_work_order(on: date, **kwargs) -> WorkOrder:
    order = WorkOrderFactory.create(**kwargs)
    WorkOrder.objects.filter(pk=order.pk).update(status="closed", closed_at=_at(on), sheet_disposition="returned")
    return order


@pytest.mark.django_db
def test_closed_work_orders_go_after_their_period_unless_held_or_named_by_a_kept_provision(officer, clerk):
    old = _closed_work_order(OLD)
    young = _closed_work_order(YOUNG)
    open_order = WorkOrderFactory.create()
    held = _closed_work_order(OLD)
    _hold(held.subscriber, clerk)
    named = _closed_work_order(OLD)
    Provision.objects.create(
        subscriber=named.subscriber,
        subscriber_number=named.subscriber.number,
        contractor=named.contractor,
        recipient_name="施工会社",
        items=["name"],
        method="paper",
        basis="contracted_work",
        purpose="工事",
        work_order=named,
        caused_by=clerk,
        at=_at(date(2030, 6, 1)),
    )
    old.history.count()  # creation and the close's history rows exist

    def counts():
        return (WorkOrder.objects.count(), WorkOrder.history.count())

    run = _purge("work_order", officer)

    assert run.disposed_count == 1
    assert not WorkOrder.objects.filter(pk=old.pk).exists() and not WorkOrder.history.filter(id=old.pk).exists()
    assert set(WorkOrder.objects.values_list("pk", flat=True)) == {young.pk, open_order.pk, held.pk, named.pk}
    assert run.related_counts == {"privacy_workorder": 1, "privacy_historicalworkorder": 2}
    _nothing_more("work_order", officer, counts)


@pytest.mark.django_db
def test_exceptional_provision_files_go_after_their_period_unless_a_kept_provision_names_them(officer, clerk):
    def file(decided: date | None, **kwargs):
        return ExceptionalProvision.objects.create(
            subscriber=kwargs.pop("subscriber", None) or SubscriberFactory.create(),
            recipient_name="三沢警察署",
            items=["name", "address"],
            method="paper",
            basis="law",
            purpose="捜査関係事項照会",
            reason="刑訴法197条2項",
            status="approved" if decided else "requested",
            requested_by=clerk,
            decided_by=officer if decided else None,
            decided_at=_at(decided) if decided else None,
        )

    old, young, undecided, named = file(OLD), file(YOUNG), file(None), file(OLD)
    Provision.objects.create(
        subscriber=named.subscriber,
        subscriber_number=named.subscriber.number,
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="law",
        purpose="照会",
        approval=named,
        caused_by=clerk,
        at=_at(date(2030, 6, 1)),
    )

    def counts():
        return (ExceptionalProvision.objects.count(), ExceptionalProvision.history.count())

    run = _purge("exceptional_provision", officer)

    assert run.related_counts == {"privacy_exceptionalprovision": 1, "privacy_historicalexceptionalprovision": 2}
    assert set(ExceptionalProvision.objects.values_list("pk", flat=True)) == {young.pk, undecided.pk, named.pk}
    assert not ExceptionalProvision.history.filter(id=old.pk).exists()
    _nothing_more("exceptional_provision", officer, counts)


@pytest.mark.django_db
def test_a_lifted_stop_goes_once_its_request_file_has_gone_and_a_stop_in_force_stays(officer, clerk):
    def stop(until: date | None):
        return ProvisionStop.objects.create(
            subscriber=SubscriberFactory.create(),
            scope="contractors",
            since=_at(date(2018, 4, 1)),
            until=_at(until) if until else None,
            reason="本人の求め",
            recorded_by=clerk,
        )

    lifted, in_force, lifted_recently = stop(OLD), stop(None), stop(YOUNG)
    held = stop(OLD)
    _hold(held.subscriber, clerk)

    def counts():
        return (ProvisionStop.objects.count(), ProvisionStop.history.count())

    run = _purge("provision_stop", officer)

    assert run.related_counts == {"privacy_provisionstop": 1, "privacy_historicalprovisionstop": 2}
    assert set(ProvisionStop.objects.values_list("pk", flat=True)) == {in_force.pk, lifted_recently.pk, held.pk}
    assert not ProvisionStop.objects.filter(pk=lifted.pk).exists()
    _nothing_more("provision_stop", officer, counts)


@pytest.mark.django_db
def test_ended_legal_holds_go_after_their_period(officer, clerk):
    subscriber = SubscriberFactory.create()
    ended = LegalHold.objects.create(
        kind="audit", subscriber=subscriber, reason="監査", placed_by=clerk, since=date(2019, 4, 1), until=OLD
    )
    recent = LegalHold.objects.create(
        kind="audit", subscriber=subscriber, reason="監査", placed_by=clerk, since=date(2029, 4, 1), until=YOUNG
    )
    in_force = LegalHold.objects.create(kind="other", record_class="provision", reason="調査", placed_by=clerk)

    def counts():
        return (LegalHold.objects.count(), LegalHold.history.count())

    run = _purge("legal_hold", officer)

    assert run.related_counts == {"privacy_legalhold": 1, "privacy_historicallegalhold": 2}
    assert set(LegalHold.objects.values_list("pk", flat=True)) == {recent.pk, in_force.pk}
    assert not LegalHold.history.filter(id=ended.pk).exists()
    _nothing_more("legal_hold", officer, counts)


# --- disposal records ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_disposal_records_go_after_their_period_and_only_through_the_purge(officer):
    def finished(on: date, status="done"):
        run = DisposalRun.objects.create(
            record_class="access_log",
            years=1,
            action="delete",
            proposed_on=on,
            status=status,
            auto_approved=True,
            finished_at=_at(on),
            approved_at=_at(on),
        )
        run.items.create(object_id=1, subscriber_number="00000001", outcome="disposed")
        return run

    # (the database checks the period against its own clock: fiscal 2010 is past 10 years on any day of the test)
    long_ago = date(2010, 6, 1)
    old, young, rejected = finished(long_ago), finished(YOUNG), finished(long_ago, "rejected")
    # The database refuses to delete a disposal record in any other way
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_disposalrun WHERE id = %s", [old.pk])

    run = _purge("disposal_record", officer)

    assert run.related_counts == {
        "privacy_disposalrun": 2,
        "privacy_disposalitem": 2,
        "privacy_historicaldisposalrun": 2,
    }
    assert set(DisposalRun.objects.values_list("pk", flat=True)) == {young.pk, run.pk}
    assert not DisposalRun.history.filter(id__in=[old.pk, rejected.pk]).exists()
    # the run that disposed of them is itself a disposal record, with numbers only
    assert set(run.items.values_list("subscriber_number", flat=True)) == {""}
    _nothing_more("disposal_record", officer, DisposalRun.objects.count)


@pytest.mark.django_db
def test_the_disposal_record_function_refuses_a_run_of_another_class_and_an_unfinished_run(officer):
    other = DisposalRun.objects.create(
        record_class="access_log", years=1, action="delete", proposed_on=OLD, status="running", auto_approved=True
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT public.mctv_disposal_record_delete(%s, %s::bigint[])", [other.pk, [other.pk]])
    assert DisposalRun.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_the_disposal_record_function_refuses_a_record_younger_than_its_period_even_if_listed(officer):
    # Given a disposal of disposal records under way that lists a run finished only last year
    young = DisposalRun.objects.create(
        record_class="access_log",
        years=1,
        action="delete",
        proposed_on=OLD,
        status="done",
        auto_approved=True,
        finished_at=timezone.now() - timezone.timedelta(days=200),
    )
    disposing = DisposalRun.objects.create(
        record_class="disposal_record",
        years=10,
        action="delete",
        proposed_on=OLD,
        status="running",
        auto_approved=True,
    )
    disposing.items.create(object_id=young.pk)

    # When it asks the database to delete it, the database refuses: the period is counted there too
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT public.mctv_disposal_record_delete(%s, %s::bigint[])", [disposing.pk, [young.pk]])
    assert DisposalRun.objects.filter(pk=young.pk).exists()


# --- accountability records ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_training_records_go_with_their_attendance_after_their_period(officer, clerk):
    def session(on: date):
        held = TrainingSession.objects.create(held_on=on, title="個人情報保護研修", recorded_by=officer)
        TrainingAttendance.objects.create(session=held, user=clerk)
        return held

    old, young = session(OLD), session(YOUNG)

    def counts():
        return (TrainingSession.objects.count(), TrainingAttendance.objects.count(), TrainingAttendance.history.count())

    run = _purge("training", officer)

    assert run.related_counts == {
        "privacy_trainingsession": 1,
        "privacy_historicaltrainingsession": 2,
        "privacy_trainingattendance": 1,
        "privacy_historicaltrainingattendance": 2,
    }
    assert list(TrainingSession.objects.values_list("pk", flat=True)) == [young.pk]
    assert not TrainingAttendance.history.filter(session_id=old.pk).exists()
    _nothing_more("training", officer, counts)


@pytest.mark.django_db
def test_the_history_of_an_attendance_corrected_away_goes_with_its_session(officer, clerk):
    # Given a session of fiscal 2020 whose attendance was corrected: one attendee removed (the history keeps them,
    # as training_set_attendees leaves it)
    other = UserFactory.create(username="removed-attendee")
    session = TrainingSession.objects.create(held_on=OLD, title="個人情報保護研修", recorded_by=officer)
    TrainingAttendance.objects.create(session=session, user=clerk)
    removed = TrainingAttendance.objects.create(session=session, user=other)
    removed.delete()
    assert TrainingAttendance.history.filter(session_id=session.pk, user_id=other.pk).exists()

    # When the training records are purged
    run = _purge("training", officer)

    # Then no history row of the session is left, the removed attendee's included
    assert not TrainingAttendance.history.filter(session_id=session.pk).exists()
    assert run.related_counts["privacy_historicaltrainingattendance"] == 4


@pytest.mark.django_db
def test_self_inspections_go_after_their_period_unless_a_remedy_is_open(officer, department):
    item = InspectionChecklistItem.objects.first()

    def inspection(completed: date, fiscal_year: int, remedy_open=False):
        done = SelfInspection.objects.create(
            fiscal_year=fiscal_year,
            department=department,
            started_by=officer,
            status="completed",
            completed_on=completed,
            completed_by=officer,
        )
        InspectionAnswer.objects.create(
            inspection=done,
            item=item,
            order=1,
            category=item.category,
            question=item.question,
            result="not_met" if remedy_open else "met",
            finding="台帳の施錠なし" if remedy_open else "",
            remedy="施錠する" if remedy_open else "",
            remedy_due_on=OLD if remedy_open else None,
        )
        return done

    old, young = inspection(OLD, 2019), inspection(YOUNG, 2030)
    unremedied = inspection(OLD, 2018, remedy_open=True)

    def counts():
        return (SelfInspection.objects.count(), InspectionAnswer.objects.count())

    run = _purge("self_inspection", officer)

    assert run.related_counts == {
        "privacy_selfinspection": 1,
        "privacy_historicalselfinspection": 2,
        "privacy_inspectionanswer": 1,
        "privacy_historicalinspectionanswer": 2,
    }
    assert set(SelfInspection.objects.values_list("pk", flat=True)) == {young.pk, unremedied.pk}
    assert not SelfInspection.objects.filter(pk=old.pk).exists()
    (outlook,) = [o for o in disposal_outlook(TODAY) if o.rule.record_class == "self_inspection"]
    assert (outlook.due, outlook.would_go) == (1, 0) and [n for _reason, n in outlook.kept] == [1]
    _nothing_more("self_inspection", officer, counts)


@pytest.mark.django_db
def test_answered_audit_findings_go_after_their_period(officer, auditor, department):
    def finding(answered: date | None):
        return AuditFinding.objects.create(
            fiscal_year=2019,
            department=department,
            found_on=date(2020, 2, 1),
            finding="研修の未受講者",
            written_by=auditor,
            status="answered" if answered else "open",
            answer="受講させた" if answered else "",
            answered_on=answered,
            answered_by=officer if answered else None,
        )

    old, still_open, young = finding(OLD), finding(None), finding(YOUNG)

    run = _purge("audit_finding", officer)

    assert run.related_counts == {"privacy_auditfinding": 1, "privacy_historicalauditfinding": 2}
    assert set(AuditFinding.objects.values_list("pk", flat=True)) == {still_open.pk, young.pk}
    assert not AuditFinding.history.filter(id=old.pk).exists()
    _nothing_more("audit_finding", officer, AuditFinding.objects.count)


@pytest.mark.django_db
def test_closed_access_reviews_go_with_their_flags_after_their_period(officer, clerk, department):
    reviewer = UserFactory.create(username="reviewer2")

    def review(closed: date | None):
        when = _at(closed or YOUNG)
        made = AccessReview.objects.create(
            month=date(when.year, when.month, 1),
            department=department,
            run_by=reviewer,
            run_at=when,
            last_run_at=when,
        )
        AccessReviewFlag.objects.create(
            review=made,
            kind="off_hours",
            user=clerk,
            subscriber_number="00000007",
            views=1,
            first_at=when,
            last_at=when,
            outcome="business_reason",
            outcome_note="残業",
            closed_by=officer,
            closed_at=when,
        )
        if closed:
            AccessReview.objects.filter(pk=made.pk).update(status="closed", closed_by=officer, closed_at=when)
        return made

    old, still_open = review(OLD), review(None)

    def counts():
        return (AccessReview.objects.count(), AccessReviewFlag.objects.count())

    run = _purge("access_review", officer)

    assert run.related_counts == {
        "privacy_accessreview": 1,
        "privacy_historicalaccessreview": 2,
        "privacy_accessreviewflag": 1,
    }
    assert list(AccessReview.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert not AccessReviewFlag.objects.filter(review_id=old.pk).exists()
    _nothing_more("access_review", officer, counts)


# --- the frameworks' logs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_log_login_records_and_sent_digests_go_by_themselves_after_a_year(officer, department):
    subscriber_type = ContentType.objects.get_for_model(Subscriber)
    for day in (OLD, YOUNG):
        with time_machine.travel(_at(day), tick=False):
            LogEntry.objects.create(
                user=officer,
                content_type=subscriber_type,
                object_id="1",
                object_repr="00000001 三沢 太郎",
                action_flag=ADDITION,
            )
            LoginRecord.objects.create(username="clerk", ip_address="10.0.0.1", user_agent="x")
            AccessAttempt.objects.create(
                username=f"nobody{day.year}", ip_address="10.0.0.2", user_agent="x", failures_since_start=1
            )
        DeadlineDigest.objects.create(department=department, sent_on=day, recipients=["officer@example.jp"])

    # Auto-approved: no officer is needed
    runs = {run.record_class: run for run in svc.disposal_propose(today=TODAY)}
    for record_class in ("admin_log", "login_record", "deadline_digest"):
        assert runs[record_class].status == "approved"
        svc.disposal_purge(run_id=runs[record_class].pk, today=TODAY)
        runs[record_class].refresh_from_db()

    assert runs["admin_log"].related_counts == {"django_admin_log": 1}
    assert runs["login_record"].related_counts == {
        "axes_accesslog": 1,
        "axes_accessattempt": 1,
        "axes_accessfailurelog": 0,
    }
    assert runs["deadline_digest"].related_counts == {"privacy_deadlinedigest": 1}
    assert LogEntry.objects.count() == LoginRecord.objects.count() == AccessAttempt.objects.count() == 1
    assert DeadlineDigest.objects.get().sent_on == YOUNG


@pytest.mark.django_db
def test_a_purged_subscribers_name_leaves_the_admin_log_too(officer):
    # Given a terminated subscriber past its period whose record was edited in Django admin
    subscriber = SubscriberFactory.create(
        status="terminated", terminated_on=date(2020, 5, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    LogEntry.objects.create(
        user=officer,
        content_type=ContentType.objects.get_for_model(Subscriber),
        object_id=str(subscriber.pk),
        object_repr=str(subscriber),
        action_flag=ADDITION,
    )

    # When the terminated subscribers are anonymised
    run = _purge("terminated_subscriber", officer)

    # Then the admin log's line naming them went with them
    assert run.related_counts["django_admin_log"] == 1
    assert not LogEntry.objects.filter(object_id=str(subscriber.pk)).exists()


# --- what the office reads ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_proposals_page_shows_per_class_what_would_go_and_what_stays_and_why(client, officer, clerk):
    # Given two closed work orders past their period, one of them for a subscriber under a legal hold
    _closed_work_order(OLD)
    held = _closed_work_order(OLD)
    _hold(held.subscriber, clerk)

    # When the officer opens the retention page (today is TODAY)
    with time_machine.travel(_at(TODAY), tick=False):
        client.force_login(officer)
        page = client.get(reverse("privacy:disposal_list")).content.decode()

    # Then the work orders' row says two are past their period, one would go and one is held by the hold
    outlook = page.split('id="outlook-heading"')[1].split("</table>")[0]
    row = outlook.split("完了・取消した工事")[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="num">')[1:3]] == ["2", "1"]
    assert "加入者についての保存の指定：1件" in row


@needs_poppler
@pytest.mark.django_db
def test_the_disposal_record_counts_rows_per_table_in_words(client, officer):
    _closed_work_order(OLD)
    run = _purge("work_order", officer)
    client.force_login(officer)

    page = client.get(reverse("privacy:disposal_detail", args=[run.pk])).content.decode()
    text = "".join(pdf_text(client.get(reverse("privacy:disposal_certificate", args=[run.pk])).content).split())

    for words in ("工事", "工事（履歴）"):
        assert f"<td>{words}</td>" in page
    assert "工事（履歴）2件" in text and "工事1件" in text
    assert "privacy_workorder" not in page and "privacy_workorder" not in text
