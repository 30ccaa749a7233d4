"""The application's own database role owns nothing: it cannot truncate, alter or rewrite a log, nor delete one
except through the purge's function for a run under way (mctv/db_roles.py, privacy/migrations/0024)."""

from datetime import date, datetime

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import errors

from mctv.db import retention_delete
from mctv.db_roles import PURGE_ROLE
from privacy.models import AccessLog, DisposalItem, DisposalRun
from privacy.services.access_log import access_log_record
from tests.factories import SubscriberFactory
from tests.privacy.test_retention import TODAY, _approve_and_purge, _at, _delete_rule, old_terminated  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LOGS = [
    "privacy_accesslog",
    "privacy_provision",
    "privacy_requestevent",
    "privacy_incidentevent",
    "privacy_bulkuse",
    "privacy_historicaldisposalrun",
]


@pytest.fixture
def as_app_role():
    """A connection of the app role's own, to the test database (it sees only committed rows: enough to be
    refused, which PostgreSQL decides before it looks at any row)."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=settings.DATABASE_APP_ROLE,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as app:
        yield app


def _refused(app, statement: str, error=errors.InsufficientPrivilege) -> None:
    with pytest.raises(error), app.cursor() as cursor:
        cursor.execute(statement)


def test_the_logs_are_the_tables_whose_trigger_refuses_change():
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%\_append\_only'")
        assert sorted(name for (name,) in cursor.fetchall()) == sorted(LOGS)


@pytest.mark.parametrize("log", LOGS)
def test_the_app_role_cannot_truncate_disable_the_trigger_of_delete_from_or_update_a_log(as_app_role, log):
    _refused(as_app_role, f"TRUNCATE {log}")
    _refused(as_app_role, f"ALTER TABLE {log} DISABLE TRIGGER {log}_append_only")
    _refused(as_app_role, f"ALTER TABLE {log} DISABLE TRIGGER ALL")
    _refused(as_app_role, f"DELETE FROM {log}")
    _refused(as_app_role, f"UPDATE {log} SET id = id")
    # What it may do: read the log (and, by the services, add to it)
    with as_app_role.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {log}")


def test_the_app_role_cannot_open_a_door_in_the_trigger(as_app_role):
    # Not by a setting (the trigger reads none), not by becoming the purge role, not by replacing the function
    with as_app_role.cursor() as cursor:
        cursor.execute("SELECT set_config('mctv.retention_purge', txid_current()::text, false)")
    _refused(as_app_role, "DELETE FROM privacy_accesslog")
    _refused(as_app_role, f"SET ROLE {PURGE_ROLE}")
    _refused(
        as_app_role,
        "CREATE OR REPLACE FUNCTION mctv_refuse_change() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN OLD; END $$",
    )
    _refused(as_app_role, "DROP TRIGGER privacy_accesslog_append_only ON privacy_accesslog")
    # nor by calling the purge's function without a disposal run under way
    _refused(as_app_role, "SELECT mctv_retention_delete(0, 'privacy_accesslog', '{1,2,3}')")


def test_no_table_of_the_callers_can_stand_in_for_the_disposal_record(clerk):
    # Given a caller able to make temporary tables (the owner: the app role may not even do that) that shadow
    # the disposal run and items with a "running" run listing every log row
    access_log_record(user=clerk, subscribers=[SubscriberFactory.create()], action="view")
    log = AccessLog.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE privacy_disposalrun AS SELECT * FROM public.privacy_disposalrun LIMIT 0")
        cursor.execute("CREATE TEMP TABLE privacy_disposalitem AS SELECT * FROM public.privacy_disposalitem LIMIT 0")
        cursor.execute(
            "INSERT INTO pg_temp.privacy_disposalrun (id, created_at, updated_at, record_class, years, action,"
            " proposed_on, status, candidate_count, auto_approved, processed_count, disposed_count, held_count,"
            " related_counts, last_error) VALUES (999999, now(), now(), 'access_log', 1, 'delete', now(),"
            " 'running', 1, true, 0, 0, 0, '{}', '')"
        )
        cursor.execute(
            "INSERT INTO pg_temp.privacy_disposalitem (id, run_id, object_id, subscriber_number, outcome)"
            " VALUES (1, 999999, %s, '', 'pending')",
            [log.pk],
        )
        cursor.execute(f"GRANT SELECT ON pg_temp.privacy_disposalrun, pg_temp.privacy_disposalitem TO {PURGE_ROLE}")

    # When the purge's function is called for that run, Then it reads only the real record and refuses
    with pytest.raises(DatabaseError, match="not under way"), transaction.atomic():
        retention_delete(AccessLog, run_id=999999, key="id", ids={log.pk})
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_the_app_role_cannot_delete_disposal_records_or_fake_a_migration(as_app_role):
    _refused(as_app_role, "DELETE FROM privacy_disposalrun")
    _refused(as_app_role, "DELETE FROM privacy_disposalitem")
    _refused(as_app_role, "TRUNCATE privacy_disposalrun CASCADE")
    _refused(as_app_role, "INSERT INTO django_migrations (app, name, applied) VALUES ('privacy', 'x', now())")
    _refused(as_app_role, "CREATE TABLE public.mctv_intruder (id int)")
    _refused(as_app_role, "CREATE TEMP TABLE privacy_disposalrun (id bigint)")


def _back_dated_access_logs(clerk) -> tuple[AccessLog, AccessLog]:
    subscriber = SubscriberFactory.create()
    access_log_record(user=clerk, subscribers=[subscriber], action="view")
    access_log_record(user=clerk, subscribers=[subscriber], action="view")
    first, second = AccessLog.objects.order_by("id")
    # As the owner, around the trigger: the log itself never allows a change.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE privacy_accesslog DISABLE TRIGGER privacy_accesslog_append_only")
        cursor.execute("UPDATE privacy_accesslog SET at = %s WHERE id = %s", [_at(date(2029, 1, 10)), first.pk])
        cursor.execute("UPDATE privacy_accesslog SET at = %s WHERE id = %s", [_at(date(2031, 5, 1)), second.pk])
        cursor.execute("ALTER TABLE privacy_accesslog ENABLE TRIGGER privacy_accesslog_append_only")
    return first, second


@pytest.mark.usefixtures("old_terminated")
def test_the_purge_runs_whole_as_the_app_role(clerk, officer):
    # Given an old access log row and a subscriber past their period
    _first, second = _back_dated_access_logs(clerk)
    _delete_rule("access_log", years=1)
    _delete_rule("terminated_subscriber", years=5)

    # When everything that follows runs as the app role (this test's transaction switches to it)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(settings.DATABASE_APP_ROLE)}")
    log_run = _approve_and_purge("access_log", officer)
    subscriber_run = _approve_and_purge("terminated_subscriber", officer)

    # Then the purge removed what was due, through the function, and nothing else
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [second.pk]
    assert (log_run.status, log_run.disposed_count) == ("done", 1)
    assert (subscriber_run.status, subscriber_run.disposed_count) == ("done", 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_accesslog")


def _running_run(record_class="access_log") -> DisposalRun:
    return DisposalRun.objects.create(
        record_class=record_class, years=1, action="delete", proposed_on=TODAY, status="running", auto_approved=True
    )


@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (lambda run, log: DisposalRun.objects.filter(pk=run.pk).update(status="approved"), "not under way"),
        (lambda run, log: DisposalRun.objects.filter(pk=run.pk).update(record_class="provision"), "not under way"),
        (lambda run, log: DisposalItem.objects.filter(run=run).update(outcome="held"), "pending item"),
        (lambda run, log: DisposalItem.objects.filter(run=run).update(object_id=log.pk + 1000), "pending item"),
    ],
    ids=["run-not-running", "run-of-another-class", "item-already-decided", "not-an-item-of-the-run"],
)
def test_the_purge_function_deletes_only_pending_items_of_a_run_under_way(clerk, arrange, reason):
    # Given a log row that is a pending item of a running access-log run, and then one thing not so
    access_log_record(user=clerk, subscribers=[SubscriberFactory.create()], action="view")
    log = AccessLog.objects.get()
    run = _running_run()
    DisposalItem.objects.create(run=run, object_id=log.pk)
    with connection.cursor() as cursor:  # the guard refuses changing an item's identity; the owner steps round it
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE privacy_disposalitem DISABLE TRIGGER privacy_disposalitem_kept")
        cursor.execute("ALTER TABLE privacy_disposalrun DISABLE TRIGGER privacy_disposalrun_kept")
        arrange(run, log)
        cursor.execute("ALTER TABLE privacy_disposalitem ENABLE TRIGGER privacy_disposalitem_kept")
        cursor.execute("ALTER TABLE privacy_disposalrun ENABLE TRIGGER privacy_disposalrun_kept")

    with pytest.raises(DatabaseError, match=reason), transaction.atomic():
        retention_delete(AccessLog, run_id=run.pk, key="id", ids={log.pk})
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_the_purge_function_deletes_the_pending_items_of_a_run_under_way(clerk):
    access_log_record(user=clerk, subscribers=[SubscriberFactory.create()], action="view")
    log = AccessLog.objects.get()
    run = _running_run()
    DisposalItem.objects.create(run=run, object_id=log.pk)

    assert retention_delete(AccessLog, run_id=run.pk, key="id", ids={log.pk}) == 1
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE privacy_disposalrun SET disposed_count = 0",
        "DELETE FROM privacy_disposalrun",
        "UPDATE privacy_disposalitem SET outcome = 'pending'",
        "UPDATE privacy_disposalitem SET outcome = 'held'",
        "DELETE FROM privacy_disposalitem",
        "UPDATE privacy_historicaldisposalrun SET status = 'proposed'",
    ],
)
@pytest.mark.usefixtures("old_terminated")
def test_a_finished_run_and_its_items_are_kept_as_they_are(officer, statement):
    # Given a run that is done
    _delete_rule("terminated_subscriber", years=5)
    run = _approve_and_purge("terminated_subscriber", officer)
    assert run.status == "done" and run.items.get().outcome == "disposed"

    # When anyone — the owner included — changes or deletes it, Then the database refuses
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    run.refresh_from_db()
    assert run.disposed_count == 1 and run.items.get().outcome == "disposed"


@pytest.mark.usefixtures("old_terminated")
def test_an_unfinished_run_moves_and_its_pending_items_get_their_outcome_once():
    # Given a proposal awaiting approval, its item pending
    from privacy.services import retention as svc

    (run,) = svc.disposal_propose(today=TODAY, record_class="terminated_subscriber")
    item = run.items.get()

    # Then the run may still move, and the item's outcome be recorded — once
    DisposalRun.objects.filter(pk=run.pk).update(status="rejected")
    DisposalItem.objects.filter(pk=item.pk).update(outcome="held")
    with pytest.raises(DatabaseError), transaction.atomic():
        DisposalItem.objects.filter(pk=item.pk).update(outcome="gone")


def test_disposal_records_leave_only_through_their_own_purge_as_the_app_role(officer):
    # Given a disposal record finished in fiscal 2010 (past the 10 years of its class on TODAY and today)
    finished = _running_run()
    DisposalRun.objects.filter(pk=finished.pk).update(
        status="done", finished_at=timezone.make_aware(datetime(2010, 6, 1, 12))
    )

    # When the disposal of disposal records runs as the app role
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(settings.DATABASE_APP_ROLE)}")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("DELETE FROM privacy_disposalrun WHERE id = %s", [finished.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("SELECT public.mctv_disposal_record_delete(%s, %s::bigint[])", [finished.pk, [finished.pk]])
    run = _approve_and_purge("disposal_record", officer)

    # Then the finished run went through the function, and only it
    assert (run.status, run.disposed_count) == ("done", 1)
    assert list(DisposalRun.objects.values_list("pk", flat=True)) == [run.pk]
