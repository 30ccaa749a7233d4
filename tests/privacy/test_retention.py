"""Retention and disposal (§13): the fiscal-year count, holds, proposals, approval, the batched purge."""

import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.fiscal_years import PERMANENT, disposal_date
from privacy.models import (
    AccessLog,
    BulkUse,
    Consent,
    DisposalRun,
    LegalHold,
    PrintJob,
    Purpose,
    RetentionRule,
    SubjectRequest,
    WorkOrder,
)
from privacy.selectors.retention import disposal_dry_run
from privacy.services import retention as svc
from privacy.services.access_log import access_log_record
from subscribers.models import Subscriber, SubscriberService
from tests.factories import SubscriberFactory, SubscriberServiceFactory, WorkOrderFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text
from tests.privacy.test_retention_coverage import assert_counts_within_class

# Fiscal 2031 (April 2031 – March 2032): a day on which records closed in fiscal 2025 are past 5 years.
TODAY = date(2031, 6, 1)


@pytest.mark.parametrize(
    ("closed_on", "years", "first_day"),
    [
        (date(2026, 3, 31), 1, date(2027, 4, 1)),  # fiscal 2025: kept April 2026 – March 2027
        (date(2026, 4, 1), 1, date(2028, 4, 1)),  # fiscal 2026: kept April 2027 – March 2028
        (date(2025, 4, 1), 5, date(2031, 4, 1)),
        (date(2026, 3, 31), 5, date(2031, 4, 1)),  # the whole fiscal year goes together
        (date(2024, 2, 29), 3, date(2027, 4, 1)),  # a leap day is in fiscal 2023
        (date(2028, 2, 29), 1, date(2029, 4, 1)),
        (date(2026, 12, 31), 10, date(2037, 4, 1)),
        (date(2026, 1, 1), 30, date(2056, 4, 1)),
    ],
)
def test_disposal_date(closed_on, years, first_day):
    assert disposal_date(closed_on, years) == first_day


def test_permanent_records_are_never_disposed_of():
    assert disposal_date(date(2000, 1, 1), PERMANENT) is None


def test_the_indexed_cutoff_agrees_with_disposal_date():
    from privacy.fiscal_years import latest_closing_date_disposable_on

    for offset in range(0, 800, 7):
        closed = date(2026, 1, 1) + timedelta(days=offset)
        for today in [date(2030, 3, 31), date(2030, 4, 1), date(2031, 6, 1)]:
            assert (disposal_date(closed, 3) <= today) == (closed <= latest_closing_date_disposable_on(today, 3))


# --- fixtures: records old and young --------------------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def old_terminated(db):
    """Terminated in fiscal 2025 with services, history and a work order: past a 5-year rule on TODAY."""
    subscriber = SubscriberFactory.create(
        family_name="榊原",
        given_name="弦一郎",
        status="terminated",
        terminated_on=date(2026, 2, 1),
        applied_on=date(2010, 1, 1),
        activated_on=date(2010, 1, 5),
    )
    SubscriberServiceFactory.create(subscriber=subscriber, started_on=date(2010, 1, 5), ended_on=date(2026, 2, 1))
    subscriber.occupation = "会社員"
    subscriber.save()  # a second history row
    return subscriber


def _delete_rule(record_class: str, years: int = 5):
    RetentionRule.objects.filter(record_class=record_class).update(years=years, action="delete", auto_approve=False)


def _approve_and_purge(record_class, officer, **kwargs):
    (run,) = svc.disposal_propose(today=TODAY, record_class=record_class)
    svc.disposal_approve(run=run, user=officer)
    svc.disposal_purge(run_id=run.pk, today=TODAY, **kwargs)
    run.refresh_from_db()
    assert_counts_within_class(run)
    return run


# --- what is proposed -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposal_lists_what_is_past_its_date_and_nothing_younger(old_terminated):
    young = SubscriberFactory.create(
        status="terminated", terminated_on=date(2026, 4, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    active = SubscriberFactory.create()

    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")

    assert list(run.items.values_list("object_id", flat=True)) == [old_terminated.pk]
    assert {young.pk, active.pk}.isdisjoint(run.items.values_list("object_id", flat=True))
    assert run.status == "proposed" and run.candidate_count == 1
    # a second proposal the same day adds nothing while this one is unfinished
    assert svc.disposal_propose(today=TODAY, record_class="terminated_subscriber") == []


def _open_request(subscriber, clerk):
    from privacy.services.requests import request_receive

    request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="mail",
        details="開示",
        user=clerk,
    )


def _recent_decision(subscriber, clerk):
    _open_request(subscriber, clerk)
    SubjectRequest.objects.filter(subscriber=subscriber).update(
        status="closed", decision="full", decided_by=clerk, decided_at=_at(TODAY - timedelta(days=100))
    )


def _manual_hold(subscriber, clerk):
    LegalHold.objects.create(kind="litigation", subscriber=subscriber, reason="損害賠償請求訴訟", placed_by=clerk)


def _class_hold(subscriber, clerk):
    LegalHold.objects.create(kind="audit", record_class="terminated_subscriber", reason="会計検査", placed_by=clerk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hold", [_open_request, _recent_decision, _manual_hold, _class_hold], ids=lambda f: f.__name__.strip("_")
)
def test_holds_block_disposal(old_terminated, clerk, hold):
    hold(old_terminated, clerk)
    assert disposal_dry_run(TODAY)["terminated_subscriber"] == 0
    assert svc.disposal_propose(today=TODAY, record_class="terminated_subscriber") == []


@pytest.mark.django_db
def test_an_expired_manual_hold_no_longer_blocks(old_terminated, clerk):
    LegalHold.objects.create(
        kind="audit",
        subscriber=old_terminated,
        reason="監査",
        placed_by=clerk,
        since=date(2030, 1, 1),
        until=date(2031, 3, 31),
    )
    assert disposal_dry_run(TODAY)["terminated_subscriber"] == 1


@pytest.mark.django_db
def test_a_hold_placed_between_approval_and_purge_wins(old_terminated, clerk, officer):
    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    svc.disposal_approve(run=run, user=officer)
    _manual_hold(old_terminated, clerk)

    svc.disposal_purge(run_id=run.pk, today=TODAY)

    run.refresh_from_db()
    old_terminated.refresh_from_db()
    assert (run.status, run.disposed_count, run.held_count) == ("done", 0, 1)
    assert old_terminated.family_name == "榊原" and old_terminated.erased_on is None


@pytest.mark.django_db
def test_nothing_is_purged_before_an_officer_approves(old_terminated, clerk):
    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    svc.disposal_purge(run_id=run.pk, today=TODAY)
    run.refresh_from_db()
    assert (run.status, run.processed_count) == ("proposed", 0)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.disposal_approve(run=run, user=clerk)
    assert Subscriber.objects.get(pk=old_terminated.pk).erased_on is None


# --- the purge ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymisation_keeps_the_row_for_statistics_and_erases_the_rest(old_terminated, officer):
    run = _approve_and_purge("terminated_subscriber", officer)

    subscriber = Subscriber.objects.get(pk=old_terminated.pk)
    assert run.status == "done" and run.disposed_count == 1
    assert subscriber.family_name != "榊原" and subscriber.erased_on == TODAY and subscriber.number
    assert subscriber.history.count() == 1  # the history's earlier values went with it


def _table_counts():
    return {
        "subscriber": Subscriber.objects.count(),
        "subscriber_history": Subscriber.history.count(),
        "service": SubscriberService.objects.count(),
        "service_history": SubscriberService.history.count(),
        "work_order": WorkOrder.objects.count(),
        "work_order_history": WorkOrder.history.count(),
        "consent": Consent.objects.count(),
    }


@pytest.mark.django_db
def test_deletion_removes_every_row_of_the_subscriber_history_tables_included(old_terminated, officer, clerk):
    _delete_rule("terminated_subscriber")
    WorkOrderFactory.create(subscriber=old_terminated)
    kept = SubscriberFactory.create()
    SubscriberServiceFactory.create(subscriber=kept)
    before = _table_counts()

    run = _approve_and_purge("terminated_subscriber", officer)

    after = _table_counts()
    assert run.disposed_count == 1
    assert not Subscriber.objects.filter(pk=old_terminated.pk).exists()
    assert not Subscriber.history.filter(id=old_terminated.pk).exists()
    assert not SubscriberService.history.filter(subscriber_id=old_terminated.pk).exists()
    assert not WorkOrder.history.filter(subscriber_id=old_terminated.pk).exists()
    assert after["subscriber"] == before["subscriber"] - 1
    assert Subscriber.objects.filter(pk=kept.pk).exists() and kept.services.count() == 1


@pytest.mark.django_db
def test_the_purge_takes_the_print_jobs_that_name_a_deleted_subscriber(old_terminated, officer, clerk):
    # Given a day's print of labels naming the terminated subscriber, and one naming someone else
    _delete_rule("terminated_subscriber")
    kept = SubscriberFactory.create()
    job = {"purpose": Purpose.objects.first(), "created_by": clerk, "expires_at": timezone.now() + timedelta(hours=1)}
    PrintJob.objects.create(**job, export_no=1, subscriber_ids=[kept.pk, old_terminated.pk])
    other = PrintJob.objects.create(**job, export_no=2, subscriber_ids=[kept.pk])

    # When the purge deletes the subscriber
    _approve_and_purge("terminated_subscriber", officer)

    # Then the print naming them is gone with them, not a day later, and the other stays
    assert list(PrintJob.objects.all()) == [other]


@pytest.mark.django_db
def test_deletion_unlinks_a_staff_account_that_named_the_subscriber_as_its_own(old_terminated, officer, clerk):
    # Given a clerk whose own registry record (access review: staff viewing themselves) is the terminated subscriber
    _delete_rule("terminated_subscriber")
    clerk.own_subscriber = old_terminated
    clerk.save()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the batch's commit would check the key

    # When the subscriber is deleted by the purge
    run = _approve_and_purge("terminated_subscriber", officer)

    # Then the purge finished, and the account no longer names a subscriber that is gone (SET_NULL, done by hand
    # because the purge's DELETE is plain SQL)
    assert (run.status, run.disposed_count) == ("done", 1)
    clerk.refresh_from_db()
    assert clerk.own_subscriber_id is None


@pytest.mark.django_db
def test_a_purge_interrupted_in_batch_k_then_run_again_disposes_of_exactly_the_right_rows(officer, clerk, monkeypatch):
    # Given 12 terminated subscribers past their period, each with a service and two history rows,
    # and 3 that are not
    _delete_rule("terminated_subscriber")
    doomed = []
    for i in range(12):
        s = SubscriberFactory.create(
            status="terminated",
            terminated_on=date(2025, 6, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        )
        SubscriberServiceFactory.create(subscriber=s, started_on=date(2010, 1, 5), ended_on=date(2025, 6, 1))
        s.occupation = f"職業{i}"
        s.save()
        doomed.append(s.pk)
    survivors = [SubscriberFactory.create().pk for _ in range(3)]
    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    svc.disposal_approve(run=run, user=officer)

    # When the worker dies in the third batch (batches of 5)
    real = svc.DISPOSERS["terminated_subscriber"]
    calls = {"n": 0}

    def crashing(run, ids, today):
        calls["n"] += 1
        result = real(run, ids, today)
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return result

    monkeypatch.setitem(svc.DISPOSERS, "terminated_subscriber", crashing)
    with pytest.raises(RuntimeError):
        svc.disposal_purge(run_id=run.pk, batch_size=5, today=TODAY)

    # Then the first two batches are gone and the third rolled back whole
    run.refresh_from_db()
    assert (run.status, run.processed_count, run.disposed_count) == ("failed", 10, 10)
    assert Subscriber.objects.filter(pk__in=doomed).count() == 2
    assert Subscriber.history.filter(id__in=doomed).count() == 2 * 2

    # When it runs again
    monkeypatch.setitem(svc.DISPOSERS, "terminated_subscriber", real)
    assert svc.disposal_purge(run_id=run.pk, batch_size=5, today=TODAY) is True

    # Then exactly the doomed rows are gone, per table, and nothing was counted twice
    run.refresh_from_db()
    assert (run.status, run.processed_count, run.disposed_count) == ("done", 12, 12)
    assert not Subscriber.objects.filter(pk__in=doomed).exists()
    assert not Subscriber.history.filter(id__in=doomed).exists()
    assert not SubscriberService.objects.filter(subscriber_id__in=doomed).exists()
    assert not SubscriberService.history.filter(subscriber_id__in=doomed).exists()
    assert Subscriber.objects.filter(pk__in=survivors).count() == 3
    assert run.related_counts["subscribers_subscriber"] == 12
    # two history rows each (the purge's plain DELETE writes no "deleted" history row to remove again)
    assert run.related_counts["subscribers_historicalsubscriber"] == 12 * 2
    # and a third run finds nothing to do
    assert svc.disposal_purge(run_id=run.pk, batch_size=5, today=TODAY) is True
    run.refresh_from_db()
    assert run.processed_count == 12


@pytest.mark.django_db
def test_append_only_logs_are_deleted_by_the_purge_and_by_nothing_else(clerk, officer):
    subscriber = SubscriberFactory.create()
    old, young = _at(date(2029, 1, 10)), _at(date(2031, 5, 1))
    with transaction.atomic():
        access_log_record(user=clerk, subscribers=[subscriber], action="view")
        access_log_record(user=clerk, subscribers=[subscriber], action="view")
    first, second = AccessLog.objects.order_by("id")
    # Back-date the rows, which the log itself never allows: around the trigger (PostgreSQL) or the queryset.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE privacy_accesslog DISABLE TRIGGER privacy_accesslog_append_only")
            cursor.execute("UPDATE privacy_accesslog SET at = %s WHERE id = %s", [old, first.pk])
            cursor.execute("UPDATE privacy_accesslog SET at = %s WHERE id = %s", [young, second.pk])
            cursor.execute("ALTER TABLE privacy_accesslog ENABLE TRIGGER privacy_accesslog_append_only")
    else:
        from django.db.models import QuerySet

        QuerySet.update(AccessLog.objects.filter(pk=first.pk), at=old)
        QuerySet.update(AccessLog.objects.filter(pk=second.pk), at=young)

    _delete_rule("access_log", years=1)  # approved by hand here; by default the access log is auto-approved
    run = _approve_and_purge("access_log", officer)

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [second.pk]
    assert run.disposed_count == 1
    if connection.vendor == "postgresql":
        # outside the purge the trigger still refuses
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_accesslog")


@pytest.mark.django_db
def test_auto_approved_classes_are_purged_without_an_officer(clerk, django_capture_on_commit_callbacks):
    SubscriberFactory.create()
    from privacy.models import Purpose

    BulkUse.objects.create(
        user=clerk, purpose=Purpose.objects.get(code="notices"), kind="export_csv", count=1, at=_at(date(2029, 5, 1))
    )
    with time_machine.travel(_at(TODAY), tick=False), django_capture_on_commit_callbacks(execute=True):
        # eager Celery: queued, and run once committed
        runs = svc.disposal_propose(today=TODAY, record_class="bulk_use")
    run = DisposalRun.objects.get(pk=runs[0].pk)
    assert run.auto_approved and run.status == "done" and not BulkUse.objects.exists()


@pytest.mark.django_db
def test_each_move_of_a_disposal_run_leaves_a_history_row(old_terminated, officer):
    # Given a proposal approved by an officer and purged by the worker
    run = _approve_and_purge("terminated_subscriber", officer)
    # Then its history holds one row per move, in order, naming the officer for the approval
    moves = list(run.history.order_by("history_date", "history_id").values_list("status", "history_user"))
    assert moves == [("proposed", None), ("approved", officer.pk), ("running", None), ("done", None)]


@pytest.mark.django_db
def test_a_run_moves_only_along_its_map(old_terminated, officer):
    from mctv.transitions import TransitionError

    run = _approve_and_purge("terminated_subscriber", officer)
    with pytest.raises(TransitionError):
        svc.disposal_approve(run=run, user=officer)
    with pytest.raises(TransitionError):
        svc.disposal_reject(run=run, user=officer)
    run.refresh_from_db()
    assert run.status == "done"


# --- the record and the operators' command --------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_the_disposal_record_and_certificate_hold_numbers_but_nothing_personal(client, old_terminated, officer):
    run = _approve_and_purge("terminated_subscriber", officer)
    client.force_login(officer)

    page = client.get(reverse("privacy:disposal_detail", args=[run.pk])).content.decode()
    pdf = client.get(reverse("privacy:disposal_certificate", args=[run.pk])).content
    text = "".join(pdf_text(pdf).split())

    assert old_terminated.number in page and old_terminated.number in text
    for personal in ["榊原", "弦一郎", "会社員", old_terminated.street_address, old_terminated.phone]:
        assert personal not in page.split("<main", 1)[1] and personal not in text
    stored = json.dumps([list(r) for r in DisposalRun.objects.values_list()], default=str, ensure_ascii=False)
    assert "榊原" not in stored and "弦一郎" not in stored
    assert "廃棄証明書" in text and "令和" in text
    assert_japanese_font_embedded(pdf)


@pytest.mark.django_db
def test_dry_run_counts_per_class_and_changes_nothing(old_terminated, capsys):
    before = (Subscriber.objects.count(), DisposalRun.objects.count(), Subscriber.history.count())

    call_command("run_retention", dry_run=True, today=TODAY.isoformat(), json=True)

    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is True and report["classes"]["terminated_subscriber"]["would_dispose"] == 1
    assert (Subscriber.objects.count(), DisposalRun.objects.count(), Subscriber.history.count()) == before
    assert Subscriber.objects.get(pk=old_terminated.pk).erased_on is None


@pytest.mark.django_db
def test_the_command_proposes_and_purges_only_what_is_auto_approved(old_terminated, clerk, capsys):
    from privacy.models import Purpose

    BulkUse.objects.create(
        user=clerk, purpose=Purpose.objects.get(code="notices"), kind="export_csv", count=1, at=_at(date(2029, 5, 1))
    )
    with time_machine.travel(_at(TODAY), tick=False):
        call_command("run_retention")
    out = capsys.readouterr().out
    assert "terminated_subscriber" in out
    run = DisposalRun.objects.get(record_class="terminated_subscriber")
    assert run.status == "proposed"  # an officer still has to approve
    assert Subscriber.objects.get(pk=old_terminated.pk).erased_on is None
    assert DisposalRun.objects.get(record_class="bulk_use").status == "done" and not BulkUse.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_a_future_day_unless_dry_run(old_terminated):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("run_retention", today=TODAY.isoformat())
    assert not DisposalRun.objects.exists()


@pytest.mark.django_db
def test_an_officer_approves_in_the_ui_and_a_clerk_cannot(
    client, old_terminated, officer, clerk, django_capture_on_commit_callbacks
):
    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    url = reverse("privacy:disposal_decide", args=[run.pk])
    client.force_login(clerk)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(officer)
    page = client.get(reverse("privacy:disposal_detail", args=[run.pk])).content.decode()
    assert 'value="approve"' in page
    # The first click shows who and what goes, and changes nothing
    asked = client.post(url, {"decision": "approve"})
    assert asked.status_code == 200 and "取り消せません" in asked.content.decode()
    assert [row[0] for row in asked.context["touched"]["page"]] == [old_terminated.number]
    run.refresh_from_db()
    assert run.status == "proposed"
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the purge runs on commit
        client.post(url, {"decision": "approve", "confirmed": "1"})
    run.refresh_from_db()
    assert run.approved_by == officer and run.status == "done"


@pytest.fixture
def celery_worker_env():
    return {"RETENTION_BATCH_SIZE": "3"}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_purge_runs_on_a_real_worker_over_redis(celery_worker, officer):
    from privacy.tasks import purge_disposal_run

    _delete_rule("terminated_subscriber")
    # terminated in fiscal 2020: past a 5-year period from 1 April 2026, so the worker's own today agrees
    doomed = [
        SubscriberFactory.create(
            status="terminated",
            terminated_on=date(2020, 6, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        ).pk
        for _ in range(7)
    ]
    kept = SubscriberFactory.create().pk
    (run,) = svc.disposal_propose(today=timezone.localdate(), record_class="terminated_subscriber")
    DisposalRun.objects.filter(pk=run.pk).update(status="approved", approved_by=officer, approved_at=timezone.now())

    # batches of 3, one per call: the first call leaves work and re-queues itself until the run is done
    assert purge_disposal_run.delay(run.pk, 1).get(timeout=60) is False
    for _ in range(60):
        run.refresh_from_db()
        if run.status == "done":
            break
        import time

        time.sleep(0.5)

    assert (run.status, run.disposed_count) == ("done", 7)
    assert not Subscriber.objects.filter(pk__in=doomed).exists() and Subscriber.objects.filter(pk=kept).exists()
    assert not Subscriber.history.filter(id__in=doomed).exists()


# --- what the review asked for --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_level_setting_opens_no_door_in_the_append_only_trigger(clerk):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    access_log_record(user=clerk, subscribers=[SubscriberFactory.create()], action="view")
    for value in ("on", "1", "true"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('mctv.retention_purge', %s, false)", [value])
            cursor.execute("DELETE FROM privacy_accesslog")
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_anonymisation_also_removes_what_other_rows_say_about_the_subscriber(old_terminated, officer, clerk):
    from privacy.models import ProvisionStop, Purpose
    from privacy.services.purposes import consent_record

    order = WorkOrderFactory.create(subscriber=old_terminated, note="裏口の鍵は植木鉢の下")
    ProvisionStop.objects.create(
        subscriber=old_terminated, scope="contractors", reason="DV被害のため", recorded_by=clerk
    )
    survey = Purpose.objects.create(code="survey", title="調査", description="調査", since=date(2000, 1, 1))
    consent_record(
        subscriber=old_terminated,
        purpose=survey,
        user_told="市",
        use_told="調査",
        method="paper",
        given_on=date(2020, 1, 1),
        user=clerk,
    )

    _approve_and_purge("terminated_subscriber", officer)

    assert not WorkOrder.objects.filter(pk=order.pk).exists() and not WorkOrder.history.filter(id=order.pk).exists()
    assert not ProvisionStop.objects.filter(subscriber=old_terminated).exists()
    assert not ProvisionStop.history.filter(subscriber_id=old_terminated.pk).exists()
    assert not Consent.objects.filter(subscriber=old_terminated).exists()
    assert not Consent.history.filter(subscriber_id=old_terminated.pk).exists()


@pytest.mark.django_db
def test_a_subscriber_kept_for_their_request_files_is_not_proposed_again_and_again(old_terminated, officer, clerk):
    _delete_rule("terminated_subscriber")
    _open_request(old_terminated, clerk)
    SubjectRequest.objects.update(status="closed", closed_on=date(2026, 3, 1))  # decided long ago: no hold

    run = _approve_and_purge("terminated_subscriber", officer)

    subscriber = Subscriber.objects.get(pk=old_terminated.pk)  # anonymised: its request file points at it
    assert run.disposed_count == 1 and subscriber.erased_on == TODAY
    assert disposal_dry_run(TODAY)["terminated_subscriber"] == 0
    assert svc.disposal_propose(today=TODAY, record_class="terminated_subscriber") == []


@pytest.mark.django_db
def test_a_rule_lengthened_after_approval_wins(old_terminated, officer):
    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    svc.disposal_approve(run=run, user=officer)
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=10)

    svc.disposal_purge(run_id=run.pk, today=TODAY)

    run.refresh_from_db()
    assert (run.disposed_count, run.held_count) == (0, 1)
    assert Subscriber.objects.get(pk=old_terminated.pk).erased_on is None


@pytest.mark.django_db
def test_holds_keep_a_subscribers_provision_records_too(clerk, officer):
    order = WorkOrderFactory.create()
    from privacy.services.provision import provision_record

    provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method="paper",
        basis="contracted_work",
        purpose="修理",
        user=clerk,
        work_order=order,
    )
    _manual_hold(order.subscriber, clerk)
    assert disposal_dry_run(date(2031, 6, 1))["provision"] == 0
    LegalHold.objects.update(until=date(2031, 5, 31))
    assert disposal_dry_run(date(2031, 6, 1))["provision"] == 1


# --- a batch costs the same statements whatever its size ----------------------------------------------------


def _old_terminated_with_request_files(n, clerk):
    """Terminated long ago, each named by a closed request file: the purge must anonymise them, not delete."""
    subscribers = []
    for i in range(n):
        subscriber = SubscriberFactory.create(
            family_name="瀬戸口",
            given_name=f"太郎{i}",
            status="terminated",
            terminated_on=date(2026, 2, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        )
        SubscriberServiceFactory.create(subscriber=subscriber, started_on=date(2010, 1, 5), ended_on=date(2026, 2, 1))
        WorkOrderFactory.create(subscriber=subscriber, note="犬がいます")
        _open_request(subscriber, clerk)
        subscribers.append(subscriber)
    SubjectRequest.objects.update(status="closed", closed_on=date(2026, 3, 1))
    return subscribers


def _purge_queries(officer) -> int:
    from django.test.utils import CaptureQueriesContext

    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    svc.disposal_approve(run=run, user=officer)
    with CaptureQueriesContext(connection) as queries:
        svc.disposal_purge(run_id=run.pk, today=TODAY)
    return len(queries)


@pytest.mark.django_db
def test_anonymising_a_batch_costs_the_same_statements_for_one_subscriber_as_for_five(clerk, officer):
    _delete_rule("terminated_subscriber")
    (one,) = _old_terminated_with_request_files(1, clerk)
    for_one = _purge_queries(officer)
    assert Subscriber.objects.get(pk=one.pk).erased_on == TODAY

    five = _old_terminated_with_request_files(5, clerk)
    for_five = _purge_queries(officer)

    assert for_five == for_one
    for subscriber in Subscriber.objects.filter(pk__in=[s.pk for s in five]):
        assert subscriber.erased_on == TODAY and subscriber.family_name != "瀬戸口"
        (erasure,) = subscriber.history.all()  # the earlier values went; one row says who erased and why
        assert erasure.history_user == officer and erasure.history_change_reason == "保存期間満了"
        assert erasure.family_name != "瀬戸口"
    assert not WorkOrder.objects.filter(subscriber__in=five).exists()
    assert not WorkOrder.history.filter(subscriber_id__in=[s.pk for s in five]).exists()


@pytest.mark.django_db
def test_any_of_finds_the_ids_given_and_nothing_for_none():
    a, b, c = SubscriberFactory.create(), SubscriberFactory.create(), SubscriberFactory.create()
    services = {s.pk: SubscriberServiceFactory.create(subscriber=s) for s in (a, b)}

    assert set(Subscriber.objects.filter(pk__any_of={a.pk, c.pk})) == {a, c}
    assert set(Subscriber.objects.filter(pk__any_of=[b.pk, None])) == {b}  # None matches nothing, as with __in
    assert set(Subscriber.objects.filter(pk__any_of=[str(c.pk)])) == {c}  # prepared as the field stores it
    assert list(SubscriberService.objects.filter(subscriber_id__any_of={a.pk})) == [services[a.pk]]
    assert list(Subscriber.objects.filter(pk__any_of=set())) == []
    with pytest.raises(ValueError):
        list(Subscriber.objects.filter(pk__any_of=["一"]))
    if connection.vendor == "postgresql":  # one array parameter, not one per id
        sql, params = Subscriber.objects.filter(pk__any_of={a.pk, b.pk}).values("pk").query.sql_with_params()
        assert "= ANY(%s::bigint[])" in sql and params == ("{" + f"{min(a.pk, b.pk)},{max(a.pk, b.pk)}" + "}",)
