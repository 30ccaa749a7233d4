"""The officer's queue on the dashboard: exceptional provisions and disposals awaiting approval, shown to whoever
may approve them and to no one else."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import ExceptionalProvision, RetentionRule
from privacy.services.retention import disposal_propose
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(clerk):
    """One exceptional provision requested and one disposal proposed."""
    subscriber = SubscriberFactory.create()
    request = ExceptionalProvision.objects.create(
        subscriber=subscriber,
        recipient_name="三沢警察署",
        items=["name"],
        method="paper",
        basis="public_body",
        purpose="照会",
        reason="刑事訴訟法第197条第2項による照会",
        requested_by=clerk,
    )
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=5, action="delete")
    SubscriberFactory.create(
        status="terminated", terminated_on=date(2020, 6, 1), applied_on=date(2010, 1, 1), activated_on=date(2010, 1, 5)
    )
    (run,) = disposal_propose(today=timezone.localdate(), record_class="terminated_subscriber")
    return request, run


def test_the_officer_sees_what_awaits_approval_with_links_to_decide(client, officer, waiting):
    request, run = waiting
    client.force_login(officer)

    page = client.get(reverse("privacy:dashboard")).content.decode()

    assert "承認待ち" in page
    assert reverse("privacy:exceptional_decide", args=[request.pk]) in page and "三沢警察署" in page
    assert reverse("privacy:disposal_detail", args=[run.pk]) in page


def test_a_clerk_who_cannot_approve_sees_no_queue(client, clerk, waiting):
    client.force_login(clerk)
    page = client.get(reverse("privacy:dashboard"))
    assert not page.context["approvals"]
    assert "承認待ち" not in page.content.decode()


def test_a_decided_request_leaves_the_queue(client, officer, waiting):
    request, run = waiting
    ExceptionalProvision.objects.filter(pk=request.pk).update(
        status="rejected", decided_by=officer, decided_at=timezone.now(), decision_note="根拠が示されていない"
    )
    client.force_login(officer)
    approvals = client.get(reverse("privacy:dashboard")).context["approvals"]
    assert approvals.exceptional == [] and approvals.disposals == [run]
