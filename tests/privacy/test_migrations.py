"""Migrations that touch tables with rows in them: they must keep every row and the append-only triggers."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from privacy.models import DisposalRun, IncidentEvent, RequestEvent
from privacy.services import requests as svc
from privacy.services.incidents import incident_record
from tests.factories import SubscriberFactory

BEFORE_TYPED_EVENTS = [("privacy", "0017_log_number_indexes")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typed_events_keep_the_events_already_written_and_give_old_disposal_runs_a_history(clerk, officer):
    # Given events and a disposal run written before the kinds were typed
    request = svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="counter",
        details="開示",
        user=clerk,
    )
    incident_record(
        user=officer,
        subscribers=[SubscriberFactory.create()],
        discovered_at=timezone.now(),
        discovered_by="職員",
        description="誤送付",
        items=["name"],
    )
    run = DisposalRun.objects.create(
        record_class="access_log", years=1, action="delete", proposed_on=timezone.localdate()
    )
    migrate(BEFORE_TYPED_EVENTS)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT action FROM privacy_requestevent")
            assert cursor.fetchall() == [("received",)]

        # When the migration runs over them
        migrate(None)
    finally:
        migrate(None)

    # Then every event is still there under its kind, the triggers still refuse changes, and the old run's
    # history starts with one row of the state it is in
    assert list(RequestEvent.objects.values_list("request_id", "kind")) == [(request.pk, "received")]
    assert list(IncidentEvent.objects.values_list("kind", "parameters")) == [("recorded", {})]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_requestevent SET note = 'x'")
    assert list(run.history.values_list("status", "history_change_reason")) == [("proposed", "migration 0018")]
