"""A dump restores into a new database whole and working (docs/operations.md, "Backup and restore"): the drill
``manage.py restore_check`` (mctv/restore_check.py), which ``make restore-check`` runs through this test, on a
database with rows in every append-only log. The drill makes and removes a scratch database of its own."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from mctv.db_roles import PURGE_FUNCTIONS, PURGE_ROLE, own_purge_functions
from mctv.restore_check import SUFFIX
from privacy.models import DisposalRun, Purpose
from privacy.services.access_log import access_log_record
from privacy.services.incidents import incident_record
from privacy.services.provision import provision_record
from privacy.services.purposes import bulk_use_record
from privacy.services.requests import request_receive
from tests.factories import WorkOrderFactory
from tests.test_db_roles import LOGS

pytestmark = pytest.mark.postgres


def _a_row_in_every_log(officer) -> None:
    order = WorkOrderFactory.create()
    subscriber = order.subscriber
    access_log_record(user=officer, subscribers=[subscriber], action="view")
    provision_record(
        subscriber=subscriber,
        items=order.items,
        method="paper",
        basis="contracted_work",
        purpose="修理",
        user=officer,
        work_order=order,
    )
    request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="mail",
        details="開示",
        user=officer,
    )
    incident_record(
        user=officer,
        subscribers=[subscriber],
        discovered_at=timezone.now() - timedelta(hours=1),
        discovered_by="職員",
        description="誤送付",
        items=["name"],
    )
    bulk_use_record(user=officer, purpose=Purpose.objects.earliest("pk"), kind="statistics", count=1)
    DisposalRun.objects.create(
        record_class="access_log", years=1, action="delete", proposed_on=timezone.localdate(), status="proposed"
    )


def _scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"%{SUFFIX}"])
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restores_into_a_new_database_with_its_rows_sequences_migrations_and_guards(officer):
    # Given a database as migrate leaves it (tests/privacy/test_migrations.py re-creates tables without the grants
    # post_migrate gives), with rows in every append-only log (committed: pg_dump sees what other sessions see)
    call_command("migrate", verbosity=0)
    _a_row_in_every_log(officer)
    with connection.cursor() as cursor:
        for log in LOGS:
            cursor.execute(f"SELECT count(*) FROM {log}")
            assert cursor.fetchone()[0] > 0, log
    scratch = connection.settings_dict["NAME"] + SUFFIX

    # When the drill dumps it, restores the dump into a new database and checks the copy
    out = StringIO()
    call_command("restore_check", stdout=out)

    # Then every step is reported done, every log's guard refused a change, and nothing was found wrong
    report = out.getvalue()
    for step in (
        "restored into",
        "migrate --check: every migration is recorded",
        "rows: the same as the source",
        "triggers: the same as the source",
        "functions: the same as the source",
        "privileges: the same as the source",
        "hand out ids past their table's largest",
        "a new row inserted",
        f"the purge functions are {PURGE_ROLE}'s",
        "The dump restores into a working copy.",
    ):
        assert step in report, step
    for log in LOGS:
        assert f"{log}: UPDATE and DELETE refused by its trigger" in report
    # And the scratch database is gone
    assert scratch not in _scratch_databases()


def test_the_drill_will_not_run_on_a_scratch_database_of_its_own(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", f"mctv{SUFFIX}")
    with pytest.raises(CommandError, match="scratch database"):
        call_command("restore_check", stdout=StringIO())


@pytest.mark.django_db
def test_migrate_hands_the_purge_functions_back_after_a_restore_gave_them_to_the_restoring_role():
    with connection.cursor() as cursor:
        # Given the purge functions owned by the connecting role, as pg_restore --no-owner leaves them
        for function in PURGE_FUNCTIONS:
            cursor.execute(f"ALTER FUNCTION {function} OWNER TO CURRENT_USER")

        # When the step after a restore runs (migrate's post_migrate, privacy/apps.py)
        handed = own_purge_functions(cursor.cursor)

        # Then they are the purge role's again, and a second run changes nothing
        assert handed == PURGE_FUNCTIONS
        for function in PURGE_FUNCTIONS:
            cursor.execute("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = %s::regprocedure", [function])
            assert cursor.fetchone() == (PURGE_ROLE,)
        assert own_purge_functions(cursor.cursor) == []
