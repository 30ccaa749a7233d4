"""The 個人情報ファイル簿 (APPI art. 75): generated from the configuration, a draft until an officer approves it,
published without login with its history, a PDF and a CSV in the official column order."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.models import FileRegisterVersion, PersonalInformationFile, Purpose
from privacy.services.file_register import (
    COLUMNS,
    file_people_count,
    file_register_approve,
    file_register_refresh,
    register_entries,
)
from privacy.tasks import count_file_people
from privacy.views import file_register as file_register_views
from tests.factories import AgreementFactory, SubscriberFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
Status = FileRegisterVersion.Status


def entry(entries, code):
    return next(e for e in entries if e["code"] == code)


def published(officer):
    draft = file_register_refresh()
    assert draft is not None
    return file_register_approve(version=draft, user=officer)


def test_every_kept_file_has_an_entry_with_the_statutory_items_in_the_official_order():
    entries = register_entries()

    assert [e["code"] for e in entries] == list(
        PersonalInformationFile.objects.filter(active=True).values_list("code", flat=True)
    )
    assert {"subscribers", "provisions", "requests", "complaints", "incidents", "consents"} <= {
        e["code"] for e in entries
    }
    assert [title for _key, title in COLUMNS][:4] == [
        "個人情報ファイルの名称",
        "行政機関等の名称",
        "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
        "個人情報ファイルの利用目的",
    ]
    registry = entry(entries, "subscribers")
    # Purposes from the purposes of use in force, items from what they need, the body from the settings
    for purpose in Purpose.objects.in_force(TODAY()):
        assert purpose.title in registry["purposes"]
    assert "氏名" in registry["items"] and registry["body"] == "三沢市長"
    assert "三沢市国際交流教育センター" in registry["request_window"]
    assert registry["retention"] != "—"


def test_a_change_of_purpose_and_agreement_makes_a_draft_and_the_public_page_waits_for_approval(
    officer, client, django_capture_on_commit_callbacks
):
    # Given version 1 approved and published
    first = published(officer)
    assert file_register_refresh() is None  # nothing changed: no draft

    # When a purpose is reworded and a contractor's agreement comes into force (the commits make the draft)
    with django_capture_on_commit_callbacks(execute=True):
        purpose = Purpose.objects.in_force(TODAY()).first()
        purpose.description = "料金の請求及び収納のため（改定）"
        purpose.save()
    with django_capture_on_commit_callbacks(execute=True):
        agreement = AgreementFactory.create(items=["number", "name", "address"])
    draft = FileRegisterVersion.objects.get(status=Status.DRAFT)

    # Then a draft holds both changes, and the public page still shows version 1
    assert draft is not None and draft.number == first.number + 1 and draft.status == Status.DRAFT
    registry = entry(draft.entries, "subscribers")
    assert "料金の請求及び収納のため（改定）" in registry["purposes"]
    assert agreement.contractor.name in registry["recipients"]
    page = client.get(reverse("privacy:public_file_register")).content.decode()
    assert "料金の請求及び収納のため（改定）" not in page and agreement.contractor.name not in page
    assert client.get(reverse("privacy:public_file_register_document", args=[draft.number, "csv"])).status_code == 404

    # When the officer approves it
    file_register_approve(version=draft, user=officer)

    # Then the public page shows it, and version 1 is history
    page = client.get(reverse("privacy:public_file_register")).content.decode()
    assert "料金の請求及び収納のため（改定）" in page and agreement.contractor.name in page
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED


def test_a_change_undone_leaves_no_draft(officer):
    published(officer)
    purpose = Purpose.objects.in_force(TODAY()).first()
    original = purpose.description
    purpose.description = "一時的な変更"
    purpose.save()
    assert file_register_refresh() is not None
    purpose.description = original
    purpose.save()
    assert file_register_refresh() is None
    assert not FileRegisterVersion.objects.filter(status=Status.DRAFT).exists()


def test_only_an_officer_approves_and_only_a_current_draft(clerk, officer, client):
    draft = file_register_refresh()
    with pytest.raises(PermissionDenied):
        file_register_approve(version=draft, user=clerk)
    client.force_login(clerk)
    assert (
        client.post(reverse("privacy:file_register_approve", args=[draft.number]), {"confirm": "yes"}).status_code
        == 403
    )
    # A draft that no longer matches the configuration is not approved
    PersonalInformationFile.objects.filter(code="complaints").update(scope="変更後の記録範囲")
    with pytest.raises(ValidationError):
        file_register_approve(version=draft, user=officer)


def test_approval_asks_for_confirmation_and_shows_what_changes(officer, client):
    draft = file_register_refresh()
    client.force_login(officer)
    page = client.get(reverse("privacy:file_register_review")).content.decode()
    assert "ケーブルテレビ加入者台帳ファイル" in page and "新規" in page

    client.post(reverse("privacy:file_register_approve", args=[draft.number]))  # not confirmed
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    client.post(reverse("privacy:file_register_approve", args=[draft.number]), {"confirm": "yes"})
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (Status.IN_FORCE, officer)


def test_the_database_keeps_one_version_in_force_and_one_draft(officer):
    published(officer)
    file_register_refresh(today=TODAY() + timedelta(days=1))
    PersonalInformationFile.objects.filter(code="complaints").update(scope="変更")
    assert file_register_refresh() is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        FileRegisterVersion.objects.create(number=98, entries=[], status=Status.DRAFT, generated_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        FileRegisterVersion.objects.create(
            number=99,
            entries=[],
            status=Status.IN_FORCE,
            generated_at=timezone.now(),
            approved_by=officer,
            approved_at=timezone.now(),
        )


def test_the_public_register_needs_no_login_and_offers_each_version_as_csv_in_the_official_order(officer, client):
    version = published(officer)

    page = client.get(reverse("privacy:public_file_register"))
    response = client.get(reverse("privacy:public_file_register_document", args=[version.number, "csv"]))

    assert page.status_code == 200 and "ケーブルテレビ加入者台帳ファイル" in page.content.decode()
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [title for _key, title in COLUMNS] + ["本人の数"]
    assert rows[0][4:8] == ["記録項目", "記録範囲", "記録情報の収集方法", "要配慮個人情報が含まれるときは、その旨"]
    assert [row[0] for row in rows[1:]] == [e["name"] for e in version.entries]


@needs_poppler
def test_the_pdf_has_a_page_per_file_with_its_items(officer, client):
    version = published(officer)
    response = client.get(reverse("privacy:public_file_register_document", args=[version.number, "pdf"]))
    text = pdf_text(response.content).replace(" ", "")
    assert "ケーブルテレビ加入者台帳ファイル" in text and "記録情報の経常的提供先" in text
    assert text.count("\x0c") >= len(version.entries)
    assert_japanese_font_embedded(response.content)


@needs_poppler
def test_a_register_laid_out_a_file_at_a_time_is_whole_in_order_and_numbered_throughout(
    officer, client, monkeypatch, settings
):
    # Given a published register laid out one file at a time by two processes
    monkeypatch.setattr(file_register_views, "FILES_PER_PART", 1)
    settings.PDF_PROCESSES = 2
    version = published(officer)

    # When its PDF is fetched
    response = client.get(reverse("privacy:public_file_register_document", args=[version.number, "pdf"]))

    # Then each file is there once and in order, and every page is numbered "n / N" of the whole
    pages = ["".join(page.split()) for page in pdf_pages(response.content)]
    text = "".join(pages)
    at = [text.index(f"{entry['name']}行政機関等の名称") for entry in version.entries]  # its title, its first row
    assert at == sorted(at) and len(pages) >= len(version.entries) > 1
    assert all(page.endswith(f"{n}/{len(pages)}") for n, page in enumerate(pages, start=1))


def test_the_number_of_people_is_counted_each_night_and_a_small_file_is_marked_exempt(officer, client):
    # Given 3 subscribers (one erased) and the nightly count
    SubscriberFactory.create_batch(2)
    SubscriberFactory.create(erased_on=TODAY() - timedelta(days=1))
    published(officer)
    history_before = PersonalInformationFile.history.count()

    assert count_file_people.apply(kwargs={"today": TODAY().isoformat()}).get() == len(register_entries())

    registry = PersonalInformationFile.objects.get(code="subscribers")
    assert (registry.people, registry.people_counted_on, registry.exempt_by_size) == (2, TODAY(), True)
    assert PersonalInformationFile.history.count() == history_before  # counting is not a change of configuration
    assert not FileRegisterVersion.objects.filter(status=Status.DRAFT).exists()  # nor of the register
    page = client.get(reverse("privacy:public_file_register")).content.decode()
    assert "1,000" in page
    assert file_people_count() == len(register_entries())


@pytest.mark.parametrize(("people", "exempt"), [(999, True), (1000, False)])
def test_the_exemption_is_for_fewer_than_1000_people(people, exempt):
    PersonalInformationFile.objects.filter(code="subscribers").update(people=people)
    assert PersonalInformationFile.objects.get(code="subscribers").exempt_by_size is exempt


def test_the_register_lists_every_item_the_registry_records_the_business_and_only_active_contractors(officer):
    from privacy.data_items import ALL_ITEMS, item_labels

    lapsed = AgreementFactory.create(items=["number", "name"])
    lapsed.contractor.is_active = False
    lapsed.contractor.save()
    registry = entry(register_entries(), "subscribers")
    for label in item_labels(ALL_ITEMS):
        assert label in registry["items"]
    assert "利用に供される事務：" in registry["note"] and lapsed.contractor.name not in registry["recipients"]


def test_drafts_and_unknown_documents_are_not_public(officer, client):
    version = published(officer)
    PersonalInformationFile.objects.filter(code="complaints").update(scope="変更")
    draft = file_register_refresh()
    for url in (
        reverse("privacy:public_file_register_document", args=[draft.number, "pdf"]),
        reverse("privacy:public_file_register_document", args=[version.number, "xyz"]),
        reverse("privacy:public_file_register_document", args=[999, "csv"]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_earlier_version_keeps_the_number_of_people_it_was_published_with(officer, client):
    PersonalInformationFile.objects.filter(code="subscribers").update(people=1500, people_counted_on=TODAY())
    first = published(officer)
    PersonalInformationFile.objects.filter(code="subscribers").update(people=10)
    PersonalInformationFile.objects.filter(code="complaints").update(scope="変更")
    published(officer)

    response = client.get(reverse("privacy:public_file_register_document", args=[first.number, "csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "本人の数"
    registry_row = next(row for row in rows if row[0] == "ケーブルテレビ加入者台帳ファイル")
    assert registry_row[-1] == "1500"


def test_the_register_is_in_japanese_whatever_the_language_of_the_request():
    from django.utils import translation

    with translation.override("en"):
        english = register_entries()
    assert english == register_entries()


def test_a_draft_waiting_is_on_the_officers_dashboard(officer, client):
    draft = file_register_refresh()
    client.force_login(officer)
    assert "承認待ち" in client.get(reverse("privacy:dashboard")).content.decode()
    assert draft.number
