from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mctv.transitions import TransitionError
from subscribers.models import Subscriber
from subscribers.services import (
    SUBSCRIBER_LIFECYCLE,
    subscriber_create,
    subscriber_set_status,
    subscriber_update,
    subscriber_void,
)
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
Status = Subscriber.Status

TYPED = dict(
    family_name="山田",
    given_name="太郎",
    family_name_kana="やまだ",
    given_name_kana="たろう",
    postal_code="〒０３３－０００１",
    street_address="中央町１丁目２－３",
    phone="0176-51-1349",
)


def test_create_numbers_normalises_and_records_who(clerk):
    subscriber = subscriber_create(user=clerk, services=["tv", "internet"], **TYPED)
    assert subscriber.number == "00000001"
    assert subscriber.family_name_kana == "ヤマダ" and subscriber.postal_code == "0330001"
    assert subscriber.street_address == "中央町1丁目2-3"
    assert sorted(subscriber.services.values_list("service", flat=True)) == ["internet", "tv"]
    assert subscriber.history.get().history_user == clerk


def test_create_saves_nothing_when_invalid(clerk):
    with pytest.raises(ValidationError):
        subscriber_create(user=clerk, services=["tv"], **{**TYPED, "postal_code": "12"})
    assert not Subscriber.objects.exists()


def test_update_ends_removed_services_and_starts_new_ones(clerk):
    subscriber = subscriber_create(user=clerk, services=["tv"], **TYPED)
    subscriber_update(subscriber=subscriber, user=clerk, services=["internet"], occupation="会社員")
    open_services = subscriber.services.filter(ended_on__isnull=True).values_list("service", flat=True)
    assert list(open_services) == ["internet"]
    assert subscriber.services.get(service="tv").ended_on == timezone.localdate()


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [(old, new, new in SUBSCRIBER_LIFECYCLE.allowed(old)) for old in Status.values for new in Status.values],
)
def test_status_moves_only_along_the_transition_map(officer, start, target, allowed):
    today = timezone.localdate()
    subscriber = SubscriberFactory.create(
        status=start,
        activated_on=today - timedelta(days=300),
        suspended_on=today - timedelta(days=10) if start == "suspended" else None,
        terminated_on=today - timedelta(days=5) if start == "terminated" else None,
        voided_on=today - timedelta(days=5) if start == "voided" else None,
    )

    def move(reason=""):
        # Voiding has its own service, which asks for a reason (the status form's service refuses it).
        if target == Status.VOIDED:
            return subscriber_void(subscriber=subscriber, user=officer, reason=reason or "誤り", on_date=today)
        return subscriber_set_status(subscriber=subscriber, status=target, on_date=today, user=officer, reason=reason)

    if allowed:
        move("テスト")
        subscriber.refresh_from_db()
        assert subscriber.status == target
        record = subscriber.history.first()
        reason = "取消し：テスト" if target == Status.VOIDED else "テスト"
        assert (record.history_user, record.history_change_reason, record.status) == (officer, reason, target)
    else:
        with pytest.raises(TransitionError):
            move()
        subscriber.refresh_from_db()
        assert subscriber.status == start


def test_terminating_ends_every_service(clerk):
    subscriber = subscriber_create(user=clerk, services=["tv", "phone"], **TYPED)
    subscriber_set_status(subscriber=subscriber, status=Status.TERMINATED, on_date=timezone.localdate(), user=clerk)
    assert not subscriber.services.filter(ended_on__isnull=True).exists()


def test_status_date_cannot_precede_application(clerk):
    subscriber = SubscriberFactory.create(status=Status.APPLIED, applied_on=date(2026, 1, 10), activated_on=None)
    with pytest.raises(ValidationError):
        subscriber_set_status(subscriber=subscriber, status=Status.ACTIVE, on_date=date(2026, 1, 1), user=clerk)
