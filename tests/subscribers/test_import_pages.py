"""The officer's register import pages: upload → preview → check → import, the report, the progress JSON, bad
uploads answered in Japanese, and a clerk refused (and logged)."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from mctv.navigation import menu_for
from subscribers.imports.models import ImportProfile, RegisterImport
from subscribers.models import Subscriber

from .import_files import ROWS, csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.REGISTER_IMPORTS_DIR = tmp_path / "imports"
    return settings.REGISTER_IMPORTS_DIR


def upload(client, data: bytes, name="register.csv", mode="whole_file"):
    profile = ImportProfile.objects.get(name="標準")
    return client.post(
        reverse("subscribers:import_upload"),
        {"file": SimpleUploadedFile(name, data), "profile": profile.pk, "mode": mode},
    )


def act(client, imp, action, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("subscribers:import_action", args=[imp.pk]), {"action": action, **extra})


def test_the_officer_uploads_previews_checks_and_imports(client, officer):
    client.force_login(officer)
    # When the officer uploads the office's register
    response = upload(client, csv_bytes())
    imp = RegisterImport.objects.get()
    assert response["Location"] == reverse("subscribers:import_detail", args=[imp.pk])
    # Then the page shows how each column is read and the first rows, and nothing is written
    page = client.get(response["Location"]).content.decode()
    assert "氏名（姓と名を1列に）" in page and "旧台帳の番号" in page
    assert "山田　太郎" in page and "ファイルを点検する（何も登録しません）" in page
    assert Subscriber.objects.count() == 0
    # When it is checked
    act(client, imp, "check")
    page = client.get(response["Location"]).content.decode()
    assert "点検済み" in page and "新規登録 3件、更新 0件、変更なし 0件、受付不可 0件" in page
    assert Subscriber.objects.count() == 0
    # An import not confirmed does nothing
    act(client, imp, "import")
    assert Subscriber.objects.count() == 0
    # When it is imported, confirmed
    act(client, imp, "import", confirm="yes")
    imp.refresh_from_db()
    assert (imp.status, imp.created_count, imp.stored_file) == ("done", 3, "")
    assert Subscriber.objects.count() == 3
    listing = client.get(reverse("subscribers:import_list")).content.decode()
    assert imp.code in listing and "取込済み" in listing


def test_the_report_lists_each_problem_by_row_and_column_as_csv(client, officer):
    client.force_login(officer)
    upload(client, csv_bytes([ROWS[0], [*ROWS[1][:4], "12345", *ROWS[1][5:]]]))
    imp = RegisterImport.objects.get()
    act(client, imp, "check")
    page = client.get(reverse("subscribers:import_detail", args=[imp.pk])).content.decode()
    assert "<td>3</td><td>〒</td>" in page and "正しい行だけ" not in page
    report = client.get(reverse("subscribers:import_report", args=[imp.pk]))
    text = report.content.decode("utf-8-sig")
    assert report["Content-Disposition"].startswith("attachment")
    assert text.splitlines()[0] == "行,列,問題点"
    assert text.splitlines()[1].startswith("3,〒,郵便番号は7桁")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "空"),
        (
            "register.pdf",
            b"%PDF-1.4 ...",
            "Excelファイル（.xlsx）を選んでください。",
        ),
        ("broken.csv", "旧番号,氏名\r\n".encode("cp932") + b"\x82\xff\xff\xfe\r\n", "文字を読み取れません"),
    ],
)
def test_a_bad_upload_gets_a_japanese_message_not_an_error_page(client, officer, name, data, message):
    client.force_login(officer)
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RegisterImport.objects.count() == 0


def test_the_progress_is_json_for_the_page_to_poll(client, officer):
    client.force_login(officer)
    upload(client, csv_bytes())
    imp = RegisterImport.objects.get()
    status = client.get(reverse("subscribers:import_status", args=[imp.pk])).json()
    assert status == {"status": "uploaded", "percent": 0, "text": "0 / 3 行", "finished": True}


def test_a_large_file_goes_to_a_worker_and_the_page_shows_its_progress(client, officer, settings):
    settings.REGISTER_IMPORT_SYNC_MAX_ROWS = 2
    client.force_login(officer)
    upload(client, csv_bytes())
    imp = RegisterImport.objects.get()
    # The task is sent once committed (here, eagerly, when the callbacks run)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client.post(reverse("subscribers:import_action", args=[imp.pk]), {"action": "check"})
    page = client.get(reverse("subscribers:import_detail", args=[imp.pk])).content.decode()
    assert "点検中" in page and "<progress" in page and "0 / 3 行" in page
    for callback in queued:
        callback()
    imp.refresh_from_db()
    assert imp.status == "checked" and imp.created_count == 3


def test_a_clerk_may_not_import_and_the_refusal_is_logged(client, clerk, caplog):
    client.force_login(clerk)
    with caplog.at_level(logging.WARNING, logger="mctv.security"):
        assert client.get(reverse("subscribers:import_list")).status_code == 403
        assert upload(client, csv_bytes()).status_code == 403
    assert f"403 GET /subscribers/imports/ user={clerk.username}" in caplog.text
    assert RegisterImport.objects.count() == 0
    labels = [getattr(e, "label", "") for e in menu_for(clerk, "/")]
    assert "台帳の取込" not in str(labels)


def test_the_officer_finds_the_imports_under_management_and_audit(officer):
    group = next(e for e in menu_for(officer, "/") if getattr(e, "label", "") == "管理・監査")
    assert "台帳の取込" in [link.label for link in group.links]
