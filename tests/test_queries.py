"""No list page runs a query per row: each is guarded with a query budget that holds for 30 rows as for 3."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.fiscal_years import fiscal_year
from privacy.services.access_log import access_log_record
from privacy.services.exceptional import exceptional_provision_request
from privacy.services.incidents import incident_record
from privacy.services.inspections import audit_finding_answer, audit_finding_write
from privacy.services.provision import provision_record
from privacy.services.requests import request_receive
from privacy.services.training import training_record
from tests.factories import AgreementFactory, SubscriberFactory, UserFactory, WorkOrderFactory, contractor_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("subscribers:list", {}),
    ("subscribers:list", {"q": "中央"}),
    ("privacy:work_order_list", {}),
    ("privacy:provision_list", {}),
    ("privacy:request_list", {"state": "all"}),
    ("privacy:dashboard", {}),
    ("privacy:incident_list", {}),
    ("privacy:access_log", {}),
    ("privacy:purpose_list", {}),
    ("privacy:disposal_list", {}),
    ("privacy:contractor_list", {}),
    ("privacy:exceptional_list", {}),
    ("privacy:accountability", {}),
]


def _make_rows(n, officer):
    for _ in range(n):
        order = WorkOrderFactory.create()
        provision_record(
            subscriber=order.subscriber,
            items=order.items,
            method="paper",
            basis="contracted_work",
            purpose="修理",
            user=officer,
            work_order=order,
        )
        access_log_record(user=officer, subscribers=[order.subscriber], action="view")
        request_receive(
            subscriber=order.subscriber,
            kind="disclosure",
            received_on=timezone.localdate(),
            channel="mail",
            details="開示",
            user=officer,
        )
        incident_record(
            user=officer,
            subscribers=[order.subscriber],
            discovered_at=timezone.now() - timedelta(hours=1),
            discovered_by="職員",
            description="誤送付",
            items=["name"],
            sensitive_data=True,
        )
        _accountability_rows(officer)
        exceptional_provision_request(
            subscriber=order.subscriber,
            recipient_name="三沢警察署",
            items=["name"],
            method="paper",
            basis="law",
            purpose="照会",
            reason="刑事訴訟法197条2項",
            user=officer,
        )


def _accountability_rows(officer):
    """A training session with two attendees and an audit finding with its answer (the year's overview)."""
    auditor = UserFactory.create(department=officer.department)
    auditor.groups.add(Group.objects.get(name="auditor"))
    training_record(user=officer, held_on=timezone.localdate(), title="研修", attendees=[officer, auditor])
    finding = audit_finding_write(
        user=auditor,
        department=officer.department,
        fiscal_year=fiscal_year(timezone.localdate()),
        found_on=timezone.localdate(),
        finding="指摘",
    )
    audit_finding_answer(finding=finding, user=officer, answer="回答", answered_on=timezone.localdate())


def _queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return len(captured)


@pytest.mark.parametrize(("name", "params"), PAGES, ids=[f"{n}{'?' + str(p) if p else ''}" for n, p in PAGES])
def test_list_pages_do_not_query_per_row(client, officer, name, params, django_assert_max_num_queries):
    client.force_login(officer)
    _make_rows(3, officer)
    few = _queries(client, name, params)
    _make_rows(27, officer)
    SubscriberFactory.create_batch(27, street_address="中央町1丁目1-1")

    with django_assert_max_num_queries(few):
        client.get(reverse(name), params)


def test_the_portal_list_does_not_query_per_work_order(client, django_assert_max_num_queries):
    contractor = AgreementFactory.create().contractor
    client.force_login(contractor_user(contractor))
    WorkOrderFactory.create_batch(3, contractor=contractor)
    few = _queries(client, "portal:home", {})
    WorkOrderFactory.create_batch(27, contractor=contractor)

    with django_assert_max_num_queries(few):
        response = client.get(reverse("portal:home"))
    assert response.content.decode().count("/portal/work-orders/") >= 30
