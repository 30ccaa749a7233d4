"""A recipient's fixed-width layouts, saved in the administration and chosen when a hand-over is made (§2(1), §6(2)):
the file is written to the saved columns and the hand-over keeps a copy, named."""

import pytest
from django.urls import reverse

from privacy.models import BulkHandover, ConfidentialityAgreement, FileLayout, Purpose
from tests.factories import AgreementFactory, SubscriberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def collector(db):
    """A fee collector's agreement: numbers, names and addresses, for the bank's direct-debit file."""
    return AgreementFactory.create(
        kind=ConfidentialityAgreement.Kind.COLLECTION, items=["number", "name", "address"], return_within_days=10
    )


@pytest.fixture
def bank_layout(collector):
    return FileLayout.objects.create(
        contractor=collector.contractor, name="口座振替依頼データ", columns=[["number", 8], ["name", 20]]
    )


def _form(collector, **fields):
    return {
        "agreement": collector.pk,
        "purpose": Purpose.objects.get(code="notices").pk,
        "method": "transmission",
        "file_format": "fixed",
        **fields,
    }


def test_a_handover_made_with_a_saved_layout_writes_its_columns_and_names_it(client, officer, collector, bank_layout):
    # Given two subscribers the notices purpose reaches
    SubscriberFactory.create_batch(2)
    client.force_login(officer)

    # When the officer makes a fixed-width hand-over choosing the bank's saved layout, and confirms
    response = client.post(
        reverse("privacy:handover_create"), _form(collector, saved_layout=bank_layout.pk, confirmed="1")
    )

    # Then the file has the saved columns, each line 8 + 20 bytes, and the hand-over keeps a copy with its name
    handover = BulkHandover.objects.get()
    assert response.status_code == 302
    assert (handover.layout, handover.layout_name, handover.items) == (
        [["number", 8], ["name", 20]],
        "口座振替依頼データ",
        ["number", "name"],
    )
    lines = bytes(handover.content).split(b"\r\n")[:-1]
    assert len(lines) == 2 and all(len(line) == 28 for line in lines)
    # and its page names the layout, whatever later becomes of the saved one
    bank_layout.columns = [["number", 10]]
    bank_layout.save()
    page = client.get(reverse("privacy:handover_detail", args=[handover.pk])).content.decode()
    assert "口座振替依頼データ" in page and "name 20" in page


def test_another_recipients_layout_or_a_layout_both_chosen_and_typed_is_refused(client, officer, collector):
    SubscriberFactory.create()
    printers = FileLayout.objects.create(
        contractor=AgreementFactory.create(kind="printing").contractor, name="宛名データ", columns=[["name", 20]]
    )
    mine = FileLayout.objects.create(contractor=collector.contractor, name="振替", columns=[["number", 8]])
    client.force_login(officer)
    url = reverse("privacy:handover_create")

    # When the printer's layout is chosen for the collector's agreement
    other = client.post(url, _form(collector, saved_layout=printers.pk))
    # or the collector's own layout is chosen and another typed
    both = client.post(url, _form(collector, saved_layout=mine.pk, layout="number 8\nname 20"))

    # Then each is refused in Japanese on the field concerned, what was typed kept, and nothing made
    assert other.context["form"].errors["saved_layout"] == ["このレイアウトは別の委託先のものです。"]
    assert both.context["form"].errors["layout"] == [
        "保存済みのレイアウトを選ぶか、レイアウトを入力するか、どちらか一方にしてください。"
    ]
    assert "number 8\nname 20" in both.content.decode()
    assert not BulkHandover.objects.exists()


def test_the_admin_keeps_a_layout_typed_a_line_a_column_and_refuses_a_wrong_one(admin_client, collector):
    url = reverse("admin:privacy_filelayout_add")
    fields = {"contractor": collector.contractor.pk, "name": "振替データ", "note": ""}

    # When a column is too wide, then nothing is saved and the reason is given in Japanese
    wrong = admin_client.post(url, {**fields, "columns": "number 8\nname 999"})
    assert wrong.status_code == 200 and not FileLayout.objects.exists()
    assert "桁数は1～200" in str(wrong.context["adminform"].form.errors["columns"])

    # When typed right (a full-width space between is read too), then it is kept as the columns in order
    right = admin_client.post(url, {**fields, "columns": "number 8\nname\u300020\n"})
    assert right.status_code == 302
    assert FileLayout.objects.get().columns == [["number", 8], ["name", 20]]
    # and shown back as the lines typed
    change = admin_client.get(reverse("admin:privacy_filelayout_change", args=[FileLayout.objects.get().pk]))
    assert "number 8\nname 20" in change.content.decode()
