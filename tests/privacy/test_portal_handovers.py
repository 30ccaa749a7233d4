"""The portal shows a contractor its own hand-overs still out and takes its statement of destruction — the portal's
one write besides its provision log (■19(2)④); every other contractor POST is still refused."""

import pytest
from django.urls import reverse

from privacy.models import BulkHandover, ConfidentialityAgreement, Provision, Purpose
from privacy.services.handovers import handover_confirm, handover_create, handover_download
from tests.factories import AgreementFactory, SubscriberFactory, WorkOrderFactory, contractor_user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _handed_over(officer, agreement):
    handover = handover_create(
        agreement=agreement,
        purpose=Purpose.objects.get(code="notices"),
        items=["name", "address"],
        method=Provision.Method.MEDIA,
        file_format=BulkHandover.Format.CSV,
        user=officer,
    )
    handover_download(handover=handover, user=officer)
    handover.refresh_from_db()
    return handover


@pytest.fixture
def printer(db):
    return AgreementFactory.create(kind=ConfidentialityAgreement.Kind.PRINTING, items=["number", "name", "address"])


@pytest.fixture
def handover(officer, printer):
    SubscriberFactory.create()
    return _handed_over(officer, printer)


@pytest.fixture
def portal(client, printer):
    client.force_login(contractor_user(printer.contractor, "printer"))
    return client


def test_the_portal_lists_the_contractors_open_handovers_and_takes_its_statement(portal, handover, clerk):
    # Given a hand-over out with the printer, then its portal lists it
    assert handover.number in portal.get(reverse("portal:home")).content.decode()
    # When the printer states its destruction
    url = reverse("portal:handover", args=[handover.pk])
    response = portal.post(url, {"statement": "令和8年12月3日 シュレッダーで裁断し、データを消去しました"})
    # Then it is recorded as the contractor's statement, awaiting the office
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.STATED_DESTROYED and "シュレッダー" in handover.statement
    # And staff check it off
    handover_confirm(handover=handover, user=clerk, outcome="destroyed", on=handover.stated_at.date(), how="申告を確認")
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.DESTROYED
    assert handover.number not in portal.get(reverse("portal:home")).content.decode()


def test_an_empty_statement_is_refused(portal, handover):
    response = portal.post(reverse("portal:handover", args=[handover.pk]), {"statement": " "})
    assert response.status_code == 200
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.HANDED_OVER


def test_another_contractors_handover_is_404(client, officer, handover):
    other = AgreementFactory.create(kind=ConfidentialityAgreement.Kind.COLLECTION)
    client.force_login(contractor_user(other.contractor, "collector"))
    url = reverse("portal:handover", args=[handover.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"statement": "破棄しました"}).status_code == 404
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.HANDED_OVER


@pytest.mark.parametrize("name", ["home", "help"])
def test_every_other_portal_post_is_still_refused(portal, name):
    assert portal.post(reverse(f"portal:{name}")).status_code == 405


def test_a_post_to_a_work_order_or_its_sheet_is_refused_by_the_middleware(portal, printer):
    order = WorkOrderFactory.create(contractor=printer.contractor)
    for url in (reverse("portal:work_order", args=[order.pk]), reverse("portal:work_sheet", args=[order.pk])):
        assert portal.post(url).status_code == 405
    assert not Provision.objects.filter(work_order=order).exists()


def test_a_contractor_may_still_sign_out(portal):
    response = portal.post(reverse("logout"))
    assert response.status_code == 302
    assert portal.get(reverse("portal:home")).status_code == 302  # signed out: sent to the login page
