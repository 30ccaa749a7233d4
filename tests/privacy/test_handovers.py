"""Bulk hand-overs to contractors other than construction (§2(1), §6(2), ■19): through the one gate, one provision
record per subscriber, exactly the items, the hash recorded, the file fetched once."""

import csv
import hashlib
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from privacy import deadlines
from privacy.models import AccessLog, BulkHandover, BulkUse, ConfidentialityAgreement, Provision, ProvisionStop, Purpose
from privacy.services.handovers import handover_create, handover_download, handovers_expire
from privacy.services.provision import ProvisionRefused, ProvisionRequest, Refusal, provision_check
from privacy.services.purposes import consent_record
from subscribers.models import Subscriber
from tests.factories import AgreementFactory, SubscriberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TODAY = timezone.localdate


@pytest.fixture
def printer(db):
    """A printer's agreement: names, addresses and numbers, for bills and notices."""
    return AgreementFactory.create(
        kind=ConfidentialityAgreement.Kind.PRINTING, items=["number", "name", "address"], return_within_days=14
    )


@pytest.fixture
def notices(db):
    return Purpose.objects.get(code="notices")


@pytest.fixture
def survey(db):
    """A purpose the declaration does not state: it reaches only those who consented."""
    return Purpose.objects.create(
        code="survey",
        title="アンケート",
        description="調査",
        items=["number", "name", "address"],
        since=date(2026, 1, 1),
    )


def _make(printer, purpose, officer, **overrides):
    kwargs = dict(
        agreement=printer,
        purpose=purpose,
        items=["number", "name", "address"],
        method=Provision.Method.TRANSMISSION,
        file_format=BulkHandover.Format.CSV,
        user=officer,
    )
    return handover_create(**{**kwargs, **overrides})


def _stop(subscriber, officer):
    ProvisionStop.objects.create(
        subscriber=subscriber, scope=ProvisionStop.Scope.CONTRACTORS, reason="請求による停止", recorded_by=officer
    )


# --- the gate's refusals ----------------------------------------------------------------------------------


def test_an_item_outside_the_agreement_is_refused_and_nothing_is_made(printer, notices, officer):
    # Given a printer whose agreement names no phone numbers, and a subscriber
    SubscriberFactory.create()
    printer.items = ["number", "name", "address"]
    printer.save()
    # When a hand-over of phone numbers is asked for, then it is refused and nothing is kept
    with pytest.raises(ValidationError):
        _make(printer, Purpose.objects.get(code="service"), officer, items=["name", "phone"])
    assert not BulkHandover.objects.exists()


def test_an_expired_agreement_is_refused(printer, notices, officer):
    SubscriberFactory.create()
    ConfidentialityAgreement.objects.filter(pk=printer.pk).update(
        signed_on=TODAY() - timedelta(days=60), expires_on=TODAY() - timedelta(days=1)
    )
    printer.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _make(printer, notices, officer)
    assert str(Refusal.HANDOVER_AGREEMENT[1]) in str(refused.value)
    assert not BulkHandover.objects.exists()


def test_a_construction_agreement_hands_over_nothing_in_bulk(notices, officer):
    SubscriberFactory.create()
    construction = AgreementFactory.create(kind=ConfidentialityAgreement.Kind.CONSTRUCTION)
    with pytest.raises(ValidationError):
        _make(construction, notices, officer)


def test_the_gate_itself_refuses_each_row_it_must(printer, notices, officer):
    # Given a hand-over made for one ordinary subscriber
    plain = SubscriberFactory.create()
    handover = _make(printer, notices, officer)

    def check(subscriber, items=("name",), **kwargs):
        request = ProvisionRequest(
            subscriber=subscriber,
            items=tuple(items),
            basis=Provision.Basis.DELEGATED,
            contractor=kwargs.pop("contractor", printer.contractor),
            handover=kwargs.pop("handover", handover),
        )
        with pytest.raises(ProvisionRefused) as refused:
            provision_check(request)
        return refused.value.code

    # Then the gate refuses, each with its own code: an item beyond the hand-over, a stopped subscriber, a voided
    # one, another contractor, and a delegated basis without a hand-over
    assert check(plain, items=("reading",)) == Refusal.OUTSIDE_AGREEMENT[0]
    printer.items = ["number", "name", "address", "phone"]
    printer.save()
    assert check(plain, items=("phone",)) == Refusal.OUTSIDE_HANDOVER[0]
    stopped = SubscriberFactory.create()
    _stop(stopped, officer)
    assert check(stopped) == Refusal.STOPPED[0]
    voided = SubscriberFactory.create(status=Subscriber.Status.VOIDED, voided_on=TODAY())
    assert check(voided) == Refusal.VOIDED[0]
    other = AgreementFactory.create(kind=ConfidentialityAgreement.Kind.PRINTING).contractor
    assert check(plain, contractor=other) == Refusal.HANDOVER_MISMATCH[0]
    assert check(plain, handover=None) == Refusal.NO_HANDOVER[0]


def test_a_purpose_without_consent_leaves_out_who_did_not_consent(printer, survey, officer):
    # Given two subscribers, one of whom consented to the survey
    consenting, _other = SubscriberFactory.create(), SubscriberFactory.create()
    consent_record(
        subscriber=consenting,
        purpose=survey,
        user_told="三沢市ケーブルテレビジョン",
        use_told="アンケートの送付",
        method="paper",
        given_on=TODAY(),
        user=officer,
    )
    # When a hand-over is made for the survey, then only the consenting subscriber is in it
    handover = _make(printer, survey, officer)
    assert [pk for pk, _number in handover.subscribers] == [consenting.pk]
    # And the gate refuses the other for that purpose
    request = ProvisionRequest(
        subscriber=_other,
        items=("name",),
        basis=Provision.Basis.DELEGATED,
        contractor=printer.contractor,
        handover=handover,
    )
    with pytest.raises(ProvisionRefused) as refused:
        provision_check(request)
    assert refused.value.code == Refusal.NOT_FOR_PURPOSE[0]


def test_stopped_and_voided_subscribers_are_left_out(printer, notices, officer):
    # Given an ordinary subscriber, one who stopped provision to contractors, and a voided registration
    kept = SubscriberFactory.create()
    stopped = SubscriberFactory.create()
    _stop(stopped, officer)
    SubscriberFactory.create(status=Subscriber.Status.VOIDED, voided_on=TODAY())
    # When the hand-over is made and fetched
    handover = _make(printer, notices, officer)
    handover_download(handover=handover, user=officer)
    # Then only the ordinary subscriber was handed over
    assert [pk for pk, _number in handover.subscribers] == [kept.pk]
    assert list(Provision.objects.filter(handover=handover).values_list("subscriber_id", flat=True)) == [kept.pk]


# --- what is handed over ----------------------------------------------------------------------------------


def test_one_provision_per_subscriber_the_file_holds_exactly_the_items_and_its_hash_is_recorded(
    printer, notices, officer
):
    # Given three subscribers, one with a name that would run as a formula in a spreadsheet
    subscribers = [*SubscriberFactory.create_batch(2), SubscriberFactory.create(family_name="=HYPERLINK")]
    # When the officer makes a hand-over of names and addresses and fetches it
    handover = _make(printer, notices, officer, items=["name", "address"], method=Provision.Method.MEDIA)
    content = handover_download(handover=handover, user=officer, path="/handovers/1/file")
    handover.refresh_from_db()
    # Then the file holds exactly those two columns, escaped against formulas, one row per subscriber
    assert content is not None
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["氏名", "住所"]
    assert len(rows) == 4 and all(len(row) == 2 for row in rows)
    assert any(row[0].startswith("'=HYPERLINK") for row in rows[1:])
    assert not any(s.phone in content.decode("utf-8-sig") for s in subscribers)
    # And its SHA-256 is recorded on the hand-over and in every provision record
    digest = hashlib.sha256(content).hexdigest()
    assert handover.sha256 == digest and handover.count == 3
    provisions = Provision.objects.filter(handover=handover)
    assert sorted(p.subscriber_id for p in provisions) == sorted(s.pk for s in subscribers)
    for provision in provisions:
        assert provision.basis == Provision.Basis.DELEGATED and provision.method == Provision.Method.MEDIA
        assert provision.items == ["name", "address"] and provision.contractor_id == printer.contractor_id
        assert digest in provision.note
    # And the access log names the file and its items for each subscriber
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, detail__handover=handover.number)
    assert logged.count() == 3 and logged.first().detail["items"] == ["name", "address"]
    # And the bulk-use log names the purpose, as every bulk use does
    use = BulkUse.objects.get(kind=BulkUse.Kind.HANDOVER)
    assert (use.purpose, use.count, use.export_no) == (notices, 3, handover.export_no)
    # And the date to return or destroy by is counted from the agreement's days
    assert handover.status == BulkHandover.Status.HANDED_OVER
    assert handover.return_by == deadlines.return_by(TODAY(), 14)


def test_the_database_holds_one_provision_per_subscriber_of_a_handover(printer, notices, officer):
    SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    handover_download(handover=handover, user=officer)
    first = Provision.objects.get(handover=handover)
    with pytest.raises(IntegrityError), transaction.atomic():
        Provision.objects.create(
            subscriber_id=first.subscriber_id,
            subscriber_number=first.subscriber_number,
            contractor_id=first.contractor_id,
            recipient_name="x",
            items=["name"],
            method="media",
            basis="delegated",
            purpose="x",
            handover=handover,
            caused_by=officer,
        )


def test_a_fixed_width_layout_writes_cp932_columns_of_the_widths_named(printer, notices, officer):
    SubscriberFactory.create(family_name="三沢", given_name="花子", number="12345678")
    handover = _make(
        printer,
        notices,
        officer,
        items=[],
        file_format=BulkHandover.Format.FIXED,
        layout=[["number", 10], ["name", 12]],
    )
    assert handover.items == ["number", "name"]
    content = handover_download(handover=handover, user=officer)
    assert content is not None
    (line,) = content.split(b"\r\n")[:-1]
    assert len(line) == 22
    assert line[:10] == b"12345678  " and line[10:].decode("cp932").rstrip() == "三沢 花子"


def test_the_file_is_produced_once_and_a_second_download_finds_nothing(printer, notices, officer):
    SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    assert handover_download(handover=handover, user=officer) is not None
    assert handover_download(handover=handover, user=officer) is None
    handover.refresh_from_db()
    assert handover.content is None
    assert Provision.objects.filter(handover=handover).count() == 1


def test_a_stop_decided_after_the_file_was_made_cancels_the_handover(printer, notices, officer):
    subscriber = SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    _stop(subscriber, officer)
    with pytest.raises(ProvisionRefused):
        handover_download(handover=handover, user=officer)
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.CANCELLED and handover.content is None
    assert not Provision.objects.filter(handover=handover).exists()


def test_a_file_not_fetched_in_time_is_emptied(printer, notices, officer, settings):
    SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    assert handovers_expire() == 0
    later = timezone.now() + timedelta(hours=settings.HANDOVER_FILE_KEEP_HOURS, minutes=1)
    assert handovers_expire(now=later) == 1
    handover.refresh_from_db()
    assert handover.status == BulkHandover.Status.EXPIRED and handover.content is None
    assert handovers_expire(now=later) == 0
    assert settings.CELERY_BEAT_SCHEDULE["handover-files"]["task"] == "privacy.expire_handover_files"


def test_the_database_refuses_a_paper_handover_and_a_file_kept_after_handing_over(printer, notices, officer):
    SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkHandover.objects.filter(pk=handover.pk).update(method="paper")
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkHandover.objects.filter(pk=handover.pk).update(status="expired")  # the file still in the row


def test_the_admin_shows_a_handover_read_only_and_never_its_file(client, admin_user, printer, notices, officer):
    SubscriberFactory.create()
    handover = _make(printer, notices, officer)
    client.force_login(admin_user)
    page = client.get(f"/admin/privacy/bulkhandover/{handover.pk}/change/")
    assert page.status_code == 200 and handover.number in page.content.decode()
    assert 'name="content"' not in page.content.decode() and 'name="subscribers"' not in page.content.decode()
    assert client.get("/admin/privacy/bulkhandover/add/").status_code == 403
