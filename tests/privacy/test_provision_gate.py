"""The one gate: table-driven over every reason to refuse, and the record it writes when it allows."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from privacy.models import ExceptionalProvision, Provision, ProvisionStop, WorkOrder
from privacy.services.provision import ProvisionRefused, Refusal, provision_record
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _portal_view(order, **overrides):
    kwargs = dict(
        subscriber=order.subscriber,
        items=order.items,
        method=Provision.Method.SERVER_ACCESS,
        basis=Provision.Basis.CONTRACTED_WORK,
        purpose="修理",
        user=order._user,
        work_order=order,
    )
    return provision_record(**{**kwargs, **overrides})


@pytest.fixture
def order(clerk):
    order = WorkOrderFactory.create()
    order._user = clerk
    return order


def _expire_agreement(order):
    order.contractor.agreements.update(expires_on=TODAY() - timedelta(days=1), signed_on=TODAY() - timedelta(days=30))


def _terminate_agreement(order):
    order.contractor.agreements.update(terminated_on=TODAY())


def _future_agreement(order):
    order.contractor.agreements.update(signed_on=TODAY() + timedelta(days=1), expires_on=TODAY() + timedelta(days=30))


def _printing_agreement_only(order):
    # The contractor's only agreement is for printing bills: it covers hand-overs, not a work order's site work.
    order.contractor.agreements.update(kind="printing")


def _narrow_agreement(order):
    order.contractor.agreements.update(items=["number", "address"])


def _close(order):
    WorkOrderFactory._meta.model.objects.filter(pk=order.pk).update(
        status="closed", closed_at=timezone.now(), sheet_disposition="none_issued"
    )
    order.refresh_from_db()


def _window_over(order):
    order.access_from, order.access_until = TODAY() - timedelta(days=10), TODAY() - timedelta(days=1)


def _window_not_yet(order):
    order.access_from, order.access_until = TODAY() + timedelta(days=1), TODAY() + timedelta(days=5)


def _stop_contractors(order):
    ProvisionStop.objects.create(
        subscriber=order.subscriber, scope="contractors", reason="本人の請求", recorded_by=order._user
    )


def _other_subscriber(order):
    order._overrides = {"subscriber": SubscriberFactory.create()}


def _other_contractor(order):
    order._overrides = {"contractor": AgreementFactory.create().contractor}


def _item_beyond_order(order):
    order._overrides = {"items": [*order.items, "reading"]}


def _item_beyond_agreement(order):
    order._overrides = {"items": [*order.items, "birth_date"]}


def _unknown_item(order):
    order._overrides = {"items": ["number", "bank_account"]}


def _no_items(order):
    order._overrides = {"items": []}


def _no_work_order(order):
    order._overrides = {"work_order": None, "contractor": order.contractor}


def _inactive_contractor(order):
    order.contractor.is_active = False
    order.contractor.save()


def _void_the_registration(order):
    order.subscriber.status, order.subscriber.voided_on = "voided", timezone.localdate()
    order.subscriber.save()


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (_expire_agreement, Refusal.NO_AGREEMENT[0]),
        (_terminate_agreement, Refusal.NO_AGREEMENT[0]),
        (_future_agreement, Refusal.NO_AGREEMENT[0]),
        (_inactive_contractor, Refusal.NO_AGREEMENT[0]),
        (_printing_agreement_only, Refusal.NO_AGREEMENT[0]),
        (_narrow_agreement, Refusal.OUTSIDE_AGREEMENT[0]),
        (_item_beyond_agreement, Refusal.OUTSIDE_AGREEMENT[0]),
        (_item_beyond_order, Refusal.OUTSIDE_WORK_ORDER[0]),
        (_close, Refusal.WORK_ORDER_CLOSED[0]),
        (_window_over, Refusal.OUTSIDE_WINDOW[0]),
        (_window_not_yet, Refusal.OUTSIDE_WINDOW[0]),
        (_stop_contractors, Refusal.STOPPED[0]),
        (_other_subscriber, Refusal.WORK_ORDER_MISMATCH[0]),
        (_other_contractor, Refusal.WORK_ORDER_MISMATCH[0]),
        (_no_work_order, Refusal.NO_WORK_ORDER[0]),
        (_unknown_item, Refusal.UNKNOWN_ITEM[0]),
        (_no_items, Refusal.NO_ITEMS[0]),
        (_void_the_registration, Refusal.VOIDED[0]),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else v,
)
def test_gate_refuses_and_writes_nothing(order, arrange, code):
    order._overrides = {}
    arrange(order)

    with pytest.raises(ProvisionRefused) as refused:
        _portal_view(order, **order._overrides)

    assert refused.value.code == code
    assert not Provision.objects.exists()


def test_gate_allows_a_live_work_order_and_records_everything(order, clerk):
    provision = _portal_view(order)

    assert Provision.objects.get() == provision
    assert (provision.subscriber_number, provision.contractor, provision.work_order) == (
        order.subscriber.number,
        order.contractor,
        order,
    )
    assert provision.items == ["number", "name", "address", "phone"]
    assert (provision.method, provision.basis, provision.caused_by) == ("server_access", "contracted_work", clerk)
    assert provision.recipient_name == order.contractor.name


def test_a_narrower_request_than_the_order_is_allowed(order):
    assert _portal_view(order, items=["address"]).items == ["address"]


def test_a_stop_that_has_ended_no_longer_refuses(order):
    ProvisionStop.objects.create(
        subscriber=order.subscriber,
        scope="contractors",
        reason="x",
        recorded_by=order._user,
        since=timezone.now() - timedelta(days=10),
        until=timezone.now() - timedelta(days=1),
    )
    assert _portal_view(order)


def test_a_third_party_stop_does_not_stop_contracted_work_but_stops_consented_provision(order):
    ProvisionStop.objects.create(
        subscriber=order.subscriber, scope="third_parties", reason="x", recorded_by=order._user
    )
    assert _portal_view(order)
    with pytest.raises(ProvisionRefused) as refused:
        provision_record(
            subscriber=order.subscriber,
            items=["name"],
            method="paper",
            basis="consent",
            purpose="x",
            user=order._user,
            recipient_name="三沢市社会福祉協議会",
        )
    assert refused.value.code == Refusal.STOPPED[0]


@pytest.mark.parametrize("basis", ["vital_interest", "public_health", "public_body", "law"])
def test_exceptional_bases_need_an_approval(order, basis):
    with pytest.raises(ProvisionRefused) as refused:
        provision_record(
            subscriber=order.subscriber,
            items=["name"],
            method="paper",
            basis=basis,
            purpose="x",
            user=order._user,
            recipient_name="三沢警察署",
        )
    assert refused.value.code == Refusal.NEEDS_APPROVAL[0]


def test_an_approval_covers_only_its_subscriber_basis_and_items(order, officer):
    approval = ExceptionalProvision.objects.create(
        subscriber=order.subscriber,
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="law",
        purpose="照会",
        reason="刑事訴訟法197条2項",
        requested_by=order._user,
        status="approved",
        decided_by=officer,
        decided_at=timezone.now(),
    )
    common = dict(method="paper", purpose="x", user=officer, recipient_name="三沢警察署", approval=approval)
    for overrides in [
        {"subscriber": SubscriberFactory.create(), "items": ["name"], "basis": "law"},
        {"subscriber": order.subscriber, "items": ["name", "phone"], "basis": "law"},
        {"subscriber": order.subscriber, "items": ["name"], "basis": "vital_interest"},
    ]:
        with pytest.raises(ProvisionRefused) as refused:
            provision_record(**common, **overrides)
        assert refused.value.code == Refusal.APPROVAL_MISMATCH[0]
    assert provision_record(**common, subscriber=order.subscriber, items=["name"], basis="law").approval == approval


def test_agreement_without_the_required_clauses_is_refused_by_the_database():
    with pytest.raises(DatabaseError), transaction.atomic():
        AgreementFactory.create(clause_return_or_destroy=False)


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE privacy_provision SET purpose = 'changed'", "DELETE FROM privacy_provision"])
def test_the_database_refuses_update_and_delete_of_provisions(order, sql):
    _portal_view(order)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Provision.objects.get().purpose == "修理"


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"work_order": None}, "provision_contracted_work_has_order"),
        ({"basis": "law", "work_order": None, "contractor": None}, "provision_exception_approved"),
        ({"method": "carrier_pigeon"}, "provision_method_valid"),
    ],
)
def test_the_database_refuses_a_provision_the_gate_would_refuse(order, overrides, constraint):
    """The gate's service leaves these checks to the database at INSERT: it must make them."""
    row = dict(
        subscriber=order.subscriber,
        subscriber_number=order.subscriber.number,
        contractor=order.contractor,
        recipient_name=order.contractor.name,
        items=["name"],
        method="server_access",
        basis="contracted_work",
        purpose="修理",
        work_order=order,
        caused_by=order._user,
    )
    with pytest.raises(DatabaseError, match=constraint), transaction.atomic():
        Provision.objects.create(**{**row, **overrides})
    assert not Provision.objects.exists()


@pytest.mark.parametrize(
    ("status", "from_days", "until_days"),
    [
        ("open", -1, 1),
        ("open", 0, 0),
        ("open", 1, 5),  # not yet
        ("open", -5, -1),  # over
        ("closed", -1, 1),
        ("cancelled", -1, 1),
    ],
)
def test_live_means_the_same_to_the_gate_and_to_the_portal_list(status, from_days, until_days):
    """``WorkOrder.is_live`` (the gate) and ``WorkOrder.objects.live`` (the portal list) are one rule."""
    today = TODAY()
    order = WorkOrderFactory.create(
        access_from=today + timedelta(days=from_days),
        access_until=today + timedelta(days=until_days),
        scheduled_on=today,
    )
    WorkOrder.objects.filter(pk=order.pk).update(
        status=status,
        closed_at=None if status == "open" else timezone.now(),
        sheet_disposition="" if status == "open" else "none_issued",
    )
    order.refresh_from_db()
    assert order.is_live(today) == WorkOrder.objects.live(today).filter(pk=order.pk).exists()


# --- §3(1): provision with consent --------------------------------------------------------------------------


@pytest.fixture
def consented(order):
    """A consent in force of the order's subscriber to a purpose the declaration does not state."""
    from privacy.models import Purpose
    from privacy.services.purposes import consent_record

    purpose = Purpose.objects.create(
        code="welfare",
        title="見守り連携",
        description="社会福祉協議会による見守り",
        items=["name", "address", "phone"],
        since=TODAY() - timedelta(days=30),
    )
    return consent_record(
        subscriber=order.subscriber,
        purpose=purpose,
        user_told="三沢市社会福祉協議会",
        use_told="見守り訪問",
        method="paper",
        given_on=TODAY(),
        user=order._user,
    )


def _with_consent(order, given, **overrides):
    kwargs = dict(
        subscriber=order.subscriber,
        items=["name", "address"],
        method="paper",
        basis="consent",
        purpose="見守り",
        user=order._user,
        recipient_name="三沢市社会福祉協議会",
        consent=given,
    )
    return provision_record(**{**kwargs, **overrides})


def test_a_provision_with_consent_names_the_consent_it_relied_on(order, consented):
    provision = _with_consent(order, consented)
    assert provision.consent == consented and provision.basis == "consent"


def _withdraw(consent):
    from privacy.services.purposes import consent_withdraw

    consent_withdraw(consent=consent, withdrawn_on=TODAY(), user=consent.recorded_by)
    consent.refresh_from_db()
    return {}


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (lambda order, consent: {"consent": None}, "no_consent"),
        (lambda order, consent: {"subscriber": SubscriberFactory.create()}, "no_consent"),
        (lambda order, consent: _withdraw(consent), "no_consent"),
        (lambda order, consent: {"recipient_name": "別の団体"}, "consent_mismatch"),
        (lambda order, consent: {"items": ["name", "birth_date"]}, "consent_mismatch"),
    ],
    ids=["no consent", "another subscriber's", "withdrawn", "another recipient", "items beyond the purpose"],
)
def test_consent_that_does_not_cover_the_provision_is_refused_and_nothing_is_written(order, consented, arrange, code):
    overrides = arrange(order, consented)
    with pytest.raises(ProvisionRefused) as refused:
        _with_consent(order, consented, **overrides)
    assert refused.value.code == code and not Provision.objects.exists()


@pytest.mark.postgres
def test_the_database_refuses_a_consented_provision_that_names_no_consent(order):
    with pytest.raises(DatabaseError, match="provision_consent_named"), transaction.atomic():
        Provision.objects.create(
            subscriber=order.subscriber,
            subscriber_number=order.subscriber.number,
            recipient_name="某社",
            items=["name"],
            method="paper",
            basis="consent",
            purpose="x",
            caused_by=order._user,
        )
