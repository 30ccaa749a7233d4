"""One way to move a status (mctv.transitions): every lifecycle's map, one error type, a history row per move."""

import pytest
from django.db import models
from django.utils import timezone, translation

from mctv.transitions import Lifecycle, TransitionError, set_status
from privacy.models import (
    AccessReview,
    Appeal,
    AuditFinding,
    Complaint,
    DisposalRun,
    ExceptionalProvision,
    FileRegisterVersion,
    Incident,
    SelfInspection,
    SubjectRequest,
    WorkOrder,
)
from privacy.services.access_review import ACCESS_REVIEW_LIFECYCLE
from privacy.services.appeals import APPEAL_LIFECYCLE
from privacy.services.complaints import COMPLAINT_LIFECYCLE
from privacy.services.exceptional import EXCEPTIONAL_LIFECYCLE
from privacy.services.file_register import FILE_REGISTER_LIFECYCLE
from privacy.services.incidents import INCIDENT_LIFECYCLE
from privacy.services.inspections import AUDIT_FINDING_LIFECYCLE, INSPECTION_LIFECYCLE
from privacy.services.requests import REQUEST_LIFECYCLE
from privacy.services.retention import DISPOSAL_LIFECYCLE
from privacy.services.work_orders import WORK_ORDER_LIFECYCLE
from subscribers.models import Subscriber
from subscribers.services import SUBSCRIBER_LIFECYCLE
from tests.factories import SubscriberFactory, WorkOrderFactory

LIFECYCLES = {
    Subscriber: SUBSCRIBER_LIFECYCLE,
    SubjectRequest: REQUEST_LIFECYCLE,
    Incident: INCIDENT_LIFECYCLE,
    ExceptionalProvision: EXCEPTIONAL_LIFECYCLE,
    WorkOrder: WORK_ORDER_LIFECYCLE,
    DisposalRun: DISPOSAL_LIFECYCLE,
    Appeal: APPEAL_LIFECYCLE,
    Complaint: COMPLAINT_LIFECYCLE,
    FileRegisterVersion: FILE_REGISTER_LIFECYCLE,
    SelfInspection: INSPECTION_LIFECYCLE,
    AuditFinding: AUDIT_FINDING_LIFECYCLE,
    AccessReview: ACCESS_REVIEW_LIFECYCLE,
}


class Colour(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


@pytest.mark.parametrize("model", LIFECYCLES, ids=lambda model: model.__name__)
def test_each_lifecycle_maps_exactly_the_models_statuses(model):
    assert set(LIFECYCLES[model].moves) == {value for value, _label in model._meta.get_field("status").choices}


def test_a_map_that_forgets_a_status_or_names_an_unknown_one_is_refused_when_declared():
    with pytest.raises(ValueError):
        Lifecycle(Colour, {Colour.RED: frozenset({Colour.GREEN})})
    with pytest.raises(ValueError):
        Lifecycle(Colour, {Colour.RED: frozenset({"blue"}), Colour.GREEN: frozenset()})


@pytest.mark.django_db
def test_a_move_the_map_allows_is_saved_with_its_history_row(officer):
    # Given an active subscriber
    subscriber = SubscriberFactory.create(status=Subscriber.Status.ACTIVE)
    # When it is suspended through the map (with the date the suspension records)
    subscriber.suspended_on = subscriber.activated_on
    before = set_status(
        subscriber, Subscriber.Status.SUSPENDED, lifecycle=SUBSCRIBER_LIFECYCLE, user=officer, reason="料金未納"
    )
    # Then the status moved and the history row names who, to what and why
    subscriber.refresh_from_db()
    record = subscriber.history.first()
    assert before == Subscriber.Status.ACTIVE and subscriber.status == Subscriber.Status.SUSPENDED
    assert (record.status, record.history_user, record.history_change_reason) == ("suspended", officer, "料金未納")


@pytest.mark.django_db
def test_a_move_the_map_refuses_changes_nothing_and_says_why_in_japanese(officer):
    # Given a closed work order
    order = WorkOrderFactory.create(
        status=WorkOrder.Status.CLOSED, closed_at=timezone.now(), sheet_disposition="none_issued"
    )
    rows = order.history.count()
    # When someone tries to reopen it
    with translation.override("ja"), pytest.raises(TransitionError) as refused:
        set_status(order, WorkOrder.Status.OPEN, lifecycle=WORK_ORDER_LIFECYCLE, user=officer)
    # Then it stays closed, no history row is written, and the message names both statuses in Japanese
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CLOSED and order.history.count() == rows
    assert refused.value.messages == ["工事を「終了」から「施工中」にすることはできません。"]
