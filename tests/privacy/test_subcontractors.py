"""■19(2): the five items of a contractor's agreement, and re-delegation only where the agreement allows it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.models import ConfidentialityAgreement, Contractor, Provision, User, WorkKind
from privacy.services.provision import ProvisionRefused, Refusal, provision_record
from privacy.services.work_orders import work_order_create
from tests.factories import AgreementFactory, ContractorFactory, SubscriberFactory, WorkOrderFactory, contractor_user
from tests.privacy.test_migrations import migrate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def principal():
    return AgreementFactory.create(redelegation_allowed=True).contractor


@pytest.fixture
def subcontractor(principal):
    sub = ContractorFactory.create(subcontractor_of=principal)
    AgreementFactory.create(contractor=sub)
    return sub


def _forbid_redelegation(principal):
    principal.agreements.update(redelegation_allowed=False, clause_subcontractor_supervision=False)


def _portal_view(order, user):
    return provision_record(
        subscriber=order.subscriber,
        items=order.items,
        method=Provision.Method.SERVER_ACCESS,
        basis=Provision.Basis.CONTRACTED_WORK,
        purpose="修理",
        user=user,
        work_order=order,
    )


def test_a_subcontractor_receives_data_while_its_principal_allows_re_delegation(principal, subcontractor, clerk):
    order = WorkOrderFactory.create(contractor=subcontractor)

    assert _portal_view(order, clerk).contractor == subcontractor


def test_once_the_principal_no_longer_allows_it_the_gate_refuses_and_the_portal_lists_nothing(
    principal, subcontractor, clerk, client
):
    # Given a live work order of a sub-contractor, and its principal's agreement that no longer allows re-delegation
    order = WorkOrderFactory.create(contractor=subcontractor)
    user = contractor_user(subcontractor, "sub")
    _forbid_redelegation(principal)

    # When data is asked for, Then the gate refuses and writes nothing
    with pytest.raises(ProvisionRefused) as refused:
        _portal_view(order, clerk)
    assert refused.value.code == Refusal.NOT_REDELEGABLE[0]
    assert not Provision.objects.exists()

    # And the sub-contractor's portal neither lists nor shows the work order
    client.force_login(user)
    assert order.number not in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 404
    assert not Provision.objects.exists()


def test_no_work_order_goes_to_a_subcontractor_its_principal_may_not_use(principal, subcontractor, clerk):
    _forbid_redelegation(principal)

    with pytest.raises(ValidationError) as refused:
        work_order_create(
            subscriber=SubscriberFactory.create(),
            contractor=subcontractor,
            kind=WorkKind.objects.get(code="repair"),
            scheduled_on=TODAY(),
            access_from=TODAY(),
            access_until=TODAY() + timedelta(days=3),
            user=clerk,
        )
    assert "contractor" in refused.value.message_dict


def test_a_contractor_is_recorded_as_a_subcontractor_only_of_a_principal_that_allows_it(client, admin_user):
    # Given a contractor whose agreement does not allow re-delegation
    principal = AgreementFactory.create(redelegation_allowed=False).contractor
    client.force_login(admin_user)
    data = {"name": "下請電設", "address": "三沢市", "representative": "代表", "phone": "0176-00-0001"}

    # When a sub-contractor of it is registered on the staff page
    response = client.post(
        reverse("privacy:contractor_create"), {**data, "is_active": "on", "subcontractor_of": principal.pk}
    )

    # Then it is refused with the reason, the form keeps what was typed, and nothing is saved
    assert response.status_code == 200
    assert "再委託" in response.content.decode() and "下請電設" in response.content.decode()
    assert not Contractor.objects.filter(name="下請電設").exists()

    # And once the principal's agreement allows it, the same registration is saved
    principal.agreements.update(redelegation_allowed=True, clause_subcontractor_supervision=True)
    client.post(reverse("privacy:contractor_create"), {**data, "is_active": "on", "subcontractor_of": principal.pk})
    assert Contractor.objects.get(name="下請電設").subcontractor_of == principal


def test_the_admin_gives_no_account_to_a_subcontractor_its_principal_may_not_use(
    principal, subcontractor, client, admin_user
):
    _forbid_redelegation(principal)
    user = User.objects.create_user("sub-account", password="x")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:privacy_user_change", args=[user.pk]),
        {
            "username": "sub-account",
            "contractor": subcontractor.pk,
            "groups": [Group.objects.get(name="contractor").pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.context["adminform"].form.errors["contractor"] == [
        "再委託先には、再委託が認められている間に限りアカウントを発行できます。"
    ]
    user.refresh_from_db()
    assert user.contractor is None


@pytest.mark.parametrize(
    "missing",
    [
        {"clause_responsibility_allocation": False},
        {"redelegation_allowed": True, "clause_subcontractor_supervision": False},
    ],
)
def test_the_database_refuses_an_agreement_without_the_19_2_items(missing):
    with pytest.raises(DatabaseError), transaction.atomic():
        AgreementFactory.create(**missing)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agreement_recorded_before_the_two_items_is_kept_but_not_in_force_until_they_are_recorded():
    # Given an agreement recorded before migration 0023, with the three items of the time
    contractor = ContractorFactory.create()
    migrate([("privacy", "0022_access_log_listed")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO privacy_confidentialityagreement (contractor_id, reference, signed_on, expires_on,"
                " items, redelegation_allowed, clause_safety_measures, clause_no_use_beyond_contract,"
                " clause_return_or_destroy, note, created_at, updated_at)"
                " VALUES (%s, 'OLD-1', %s, %s, '[\"name\"]', false, true, true, true, '', now(), now())",
                [contractor.pk, TODAY() - timedelta(days=10), TODAY() + timedelta(days=300)],
            )
        # When the migration runs
        migrate(None)
    finally:
        migrate(None)

    # Then the agreement is still there, not in force; recording the new items puts it in force
    agreement = ConfidentialityAgreement.objects.get(reference="OLD-1")
    assert not agreement.has_19_2_clauses and contractor.agreement_in_force() is None
    agreement.clause_responsibility_allocation = True
    agreement.save()
    assert contractor.agreement_in_force() == agreement


def test_re_delegation_goes_one_level_and_a_chain_answers_to_every_principal(
    principal, subcontractor, client, admin_user
):
    # Given a contractor that has a sub-contractor of its own
    client.force_login(admin_user)
    other = AgreementFactory.create(redelegation_allowed=True).contractor
    data = {"name": principal.name, "address": "三沢市", "representative": "代表", "phone": "0176-00-0001"}

    # When it is made a sub-contractor of another, Then that is refused
    response = client.post(
        reverse("privacy:contractor_edit", args=[principal.pk]),
        {**data, "is_active": "on", "subcontractor_of": other.pk},
    )
    assert response.status_code == 200
    principal.refresh_from_db()
    assert principal.subcontractor_of is None

    # And a chain written elsewhere answers to every principal up it: active, allowing re-delegation
    Contractor.objects.filter(pk=principal.pk).update(subcontractor_of=other)
    subcontractor.refresh_from_db()
    assert subcontractor.redelegation_permitted()
    _forbid_redelegation(other)
    assert not Contractor.objects.get(pk=subcontractor.pk).redelegation_permitted()


def test_a_lapsed_subcontractor_can_still_be_edited_and_its_accounts_deactivated(
    principal, subcontractor, client, admin_user
):
    # Given a sub-contractor with an account, whose principal no longer allows re-delegation
    user = contractor_user(subcontractor, "lapsed")
    _forbid_redelegation(principal)
    client.force_login(admin_user)

    # When the office deactivates the sub-contractor and its account
    data = {"name": subcontractor.name, "address": "三沢市", "representative": "代表", "phone": "0176-00-0001"}
    client.post(reverse("privacy:contractor_edit", args=[subcontractor.pk]), {**data, "subcontractor_of": principal.pk})
    client.post(
        reverse("admin:privacy_user_change", args=[user.pk]),
        {
            "username": "lapsed",
            "contractor": subcontractor.pk,
            "groups": [Group.objects.get(name="contractor").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    # Then both are saved, still linked to their principal (never turned into a direct contractor)
    subcontractor.refresh_from_db()
    user.refresh_from_db()
    assert not subcontractor.is_active and subcontractor.subcontractor_of == principal
    assert not user.is_active
