"""The import of an office's register (issue 19): CSV in CP932 or UTF-8 and .xlsx, 和暦 dates and full-width input
normalised as the registry's forms do, refused rows by row and column, likely duplicates, idempotent by the former
register's number, whole file or each row, the command, erasure, and a real worker for a large file."""

import time
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from subscribers.imports.models import ImportProfile, RegisterImport
from subscribers.imports.reading import UnreadableFile
from subscribers.imports.services import register_import_receive, register_import_start
from subscribers.models import Subscriber, SubscriberService
from subscribers.services import subscriber_erase
from tests.factories import YAMADA_TARO, SubscriberFactory

from .import_files import HEADERS, ROWS, csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.REGISTER_IMPORTS_DIR = tmp_path / "imports"
    return settings.REGISTER_IMPORTS_DIR


@pytest.fixture
def celery_worker_env(tmp_path):
    """The real worker reads the upload where this test keeps it."""
    return {"REGISTER_IMPORTS_DIR": str(tmp_path / "imports")}


def receive(user, data: bytes, name="register.csv", mode="whole_file") -> RegisterImport:
    profile = ImportProfile.objects.get(name="標準")
    return register_import_receive(user=user, name=name, chunks=iter([data]), profile=profile, mode=mode)


def run(user, data: bytes, action="import", **kwargs) -> RegisterImport:
    # What the import does once committed (deleting the uploaded file) is done in these tests too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        imp = register_import_start(imp=receive(user, data, **kwargs), action=action, user=user)
    imp.refresh_from_db()
    return imp


def test_a_cp932_csv_with_wareki_dates_and_full_width_input_is_stored_as_the_registry_forms_store_it(
    officer, imports_dir
):
    # When the officer imports a register saved by a Japanese spreadsheet (CP932)
    imp = run(officer, csv_bytes(encoding="cp932"))

    # Then each row is a subscriber, normalised as the registration form would have it
    assert (imp.status, imp.encoding, imp.created_count, imp.problems) == ("done", "cp932", 3, [])
    yamada = Subscriber.objects.get(legacy_key="A-001")
    assert (yamada.family_name, yamada.given_name, yamada.family_name_kana, yamada.given_name_kana) == (
        "山田",
        "太郎",
        "ヤマダ",
        "タロウ",
    )
    assert yamada.birth_date == date(1980, 4, 1)  # S55.4.1
    assert (yamada.postal_code, yamada.prefecture, yamada.municipality, yamada.street_address) == (
        "0330001",
        "青森県",
        "三沢市",
        "中央町1-2-3",
    )
    assert (yamada.phone, yamada.status, yamada.activated_on) == ("0176511349", "active", yamada.applied_on)
    suzuki = Subscriber.objects.get(legacy_key="A-003")
    assert (suzuki.family_name_kana, suzuki.birth_date, suzuki.street_address) == (
        "スズキ",
        date(1990, 7, 15),
        "桜町3-1",
    )
    assert Subscriber.objects.get(legacy_key="A-002").birth_date == date(1985, 12, 3)
    # found by the search as any registered subscriber is
    assert list(Subscriber.objects.search("やまだ")) == [yamada]
    # with a history row naming the import, and the file kept no longer than the import
    row = yamada.history.get()
    assert (row.history_change_reason, row.history_user) == (f"取込 {imp.code} による登録", officer)
    assert imp.stored_file == "" and list(imports_dir.iterdir()) == []
    assert len(imp.sha256) == 64


def test_utf8_with_or_without_a_bom_is_read_too(officer):
    assert receive(officer, csv_bytes(encoding="utf-8", bom=True)).encoding == "utf-8-sig"
    assert receive(officer, csv_bytes(encoding="utf-8")).encoding == "utf-8"


def test_an_xlsx_register_with_family_and_given_columns_and_numbers_excel_stripped_of_zeros(officer):
    # Given a sheet with separate name columns, a date cell, and codes Excel keeps as numbers
    headers = ["旧番号", "姓", "名", "セイ", "メイ", "生年月日", "郵便番号", "住所", "電話", "状態", "状態日"]
    rows = [
        [
            "B-1",
            "高橋",
            "次郎",
            "タカハシ",
            "ジロウ",
            datetime(1970, 1, 2),
            330001,
            "中央町1-1-1",
            176511111,
            "加入中",
            "",
        ],
        ["B-2", "田中", "三郎", "たなか", "さぶろう", "H2.3.4", "033-0001", "中央町1-1-2", "", "解約", "R6.3.31"],
    ]
    # When it is imported
    imp = run(officer, xlsx_bytes(rows, headers), name="台帳.xlsx")
    # Then the cells are read as a person typed them
    assert (imp.kind, imp.status, imp.created_count) == ("xlsx", "done", 2), imp.problems
    takahashi = Subscriber.objects.get(legacy_key="B-1")
    assert (takahashi.birth_date, takahashi.postal_code, takahashi.phone) == (date(1970, 1, 2), "0330001", "0176511111")
    tanaka = Subscriber.objects.get(legacy_key="B-2")
    assert (tanaka.given_name_kana, tanaka.birth_date) == ("サブロウ", date(1990, 3, 4))
    assert (tanaka.status, tanaka.terminated_on) == ("terminated", date(2024, 3, 31))


def test_refused_rows_are_reported_by_row_and_column_and_a_whole_file_import_writes_nothing(officer):
    # Given a file whose row 3 has a bad postal code and a day that does not exist, and row 4 no space in the name
    rows = [
        ROWS[0],
        [*ROWS[1][:3], "R8.13.40", "12345", *ROWS[1][5:]],
        ["A-009", "鈴木一郎", "スズキ イチロウ", "", "0330001", "中央町1", ""],
    ]
    # When it is imported whole
    imp = run(officer, csv_bytes(rows))
    # Then nothing is written, and each problem names its row and column
    assert (imp.status, imp.refused_count, imp.created_count) == ("refused", 2, 0)
    assert Subscriber.objects.count() == 0
    where = [(row, column) for row, column, _message in imp.problems]
    assert where == [(3, "生年月日"), (3, "〒"), (4, "氏名")]
    messages = {column: message for _row, column, message in imp.problems}
    assert "郵便番号は7桁" in messages["〒"] and "空白" in messages["氏名"]


def test_each_row_mode_writes_the_good_rows_and_refuses_the_bad(officer):
    rows = [ROWS[0], [*ROWS[1][:4], "12345", *ROWS[1][5:]], ROWS[2]]
    imp = run(officer, csv_bytes(rows), mode="each_row")
    assert (imp.status, imp.created_count, imp.refused_count) == ("done", 2, 1)
    assert set(Subscriber.objects.values_list("legacy_key", flat=True)) == {"A-001", "A-003"}
    assert [(row, column) for row, column, _m in imp.problems] == [(3, "〒")]


def test_a_dry_run_changes_nothing_and_reports_likely_duplicates_in_the_file_and_in_the_registry(officer):
    # Given 山田太郎 born S55.4.1 already registered
    existing = SubscriberFactory.create(**YAMADA_TARO)
    # and a file that has him, and 佐藤花子 twice under two former numbers
    rows = [ROWS[0], ROWS[1], ["A-010", *ROWS[1][1:]]]
    # When it is checked
    imp = run(officer, csv_bytes(rows), action="check")
    # Then nothing is written, what would happen is counted, and the duplicates are listed
    assert (imp.status, imp.created_count, imp.problems) == ("checked", 3, [])
    assert Subscriber.objects.count() == 1 and Subscriber.history.count() == 1
    assert [2, existing.number, "フリガナと生年月日が同じ"] in imp.duplicates
    assert [4, "3行目", "フリガナと生年月日が同じ、氏名と住所が同じ"] in imp.duplicates
    # and the file waits for the import
    assert Path(imp.stored_file).is_file()


def test_importing_the_same_file_again_changes_nothing_and_a_corrected_file_updates_only_what_changed(officer):
    # Given the register imported once
    first = run(officer, csv_bytes())
    history = Subscriber.history.count()
    # When the same file is imported again
    again = run(officer, csv_bytes())
    # Then nothing changes
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Subscriber.objects.count() == 3 and Subscriber.history.count() == history
    # When a corrected file moves 佐藤花子's phone
    corrected = [ROWS[0], [*ROWS[1][:6], "0176-50-0000"], ROWS[2]]
    fix = run(officer, csv_bytes(corrected))
    # Then only she is updated, with a history row naming the import
    assert (fix.created_count, fix.updated_count, fix.unchanged_count) == (0, 1, 2)
    sato = Subscriber.objects.get(legacy_key="A-002")
    latest = sato.history.first()
    assert (sato.phone, latest.history_change_reason) == ("0176500000", f"取込 {fix.code} による更新")
    assert latest.diff_against(latest.prev_record).changed_fields == ["phone"]
    assert Subscriber.history.count() == history + 1
    assert first.code != fix.code


def _in_force(legacy_key: str) -> list[str]:
    subscriber = Subscriber.objects.get(legacy_key=legacy_key)
    return sorted(subscriber.services.filter(ended_on=None).values_list("service", flat=True))


def test_contracted_services_come_from_their_column_and_a_corrected_file_starts_and_ends_them(officer):
    # Given a register with a column of contracted services, written as registers write them
    headers = [*HEADERS, "契約サービス"]
    rows = [[*ROWS[0], "テレビ・インターネット"], [*ROWS[1], "ＴＶ"], [*ROWS[2], ""]]
    # When it is imported
    first = run(officer, csv_bytes(rows, headers))
    # Then each subscriber has the services named, from the day of the record
    assert first.created_count == 3
    assert (_in_force("A-001"), _in_force("A-002"), _in_force("A-003")) == (["internet", "tv"], ["tv"], [])
    # When the same file is imported again, nothing changes
    again = run(officer, csv_bytes(rows, headers))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    # When a corrected file gives 山田太郎 the telephone instead of the internet
    fix = run(officer, csv_bytes([[*ROWS[0], "テレビ、電話"], rows[1], rows[2]], headers))
    # Then only he is updated: the internet ended today, the telephone started, each with history naming the import
    assert (fix.updated_count, fix.unchanged_count) == (1, 2)
    assert _in_force("A-001") == ["phone", "tv"]
    ended = SubscriberService.objects.get(subscriber__legacy_key="A-001", service="internet")
    assert ended.ended_on == timezone.localdate()
    assert ended.history.first().history_change_reason == f"取込 {fix.code} による更新"
    # And a word that is no service is refused by row and column
    bad = run(officer, csv_bytes([[*ROWS[0], "衛星放送"]], headers))
    assert [(row, column) for row, column, _m in bad.problems] == [(2, "契約サービス")]
    assert "衛星放送" in bad.problems[0][2]


def test_a_corrected_file_cannot_change_a_terminated_record_and_says_so(officer):
    run(officer, csv_bytes())
    Subscriber.objects.filter(legacy_key="A-002").update(
        status="terminated", applied_on=date(2020, 1, 1), terminated_on=date(2025, 1, 1)
    )
    imp = run(officer, csv_bytes([ROWS[0], [*ROWS[1][:6], "0176-50-0000"], ROWS[2]]), mode="each_row")
    assert imp.updated_count == 0 and imp.problems == [[3, "旧番号", "解約した加入者の台帳は変更できません。"]]


def test_the_same_former_number_twice_in_a_file_is_refused(officer):
    imp = run(officer, csv_bytes([ROWS[0], ["A-001", *ROWS[1][1:]]]))
    assert imp.status == "refused" and imp.problems == [[3, "旧番号", "2行目と同じ番号です。"]]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "ファイルが空です。"),
        ("register.pdf", b"%PDF-1.4 ...", "CSV"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
        ("broken.csv", "旧番号,氏名\r\n".encode("cp932") + b"\x82\xff\xff\xfe\r\n", "文字"),
        ("broken.xlsx", b"PK\x03\x04not really a zip", "Excel"),
        ("headers.csv", "旧番号,氏名\r\n".encode(), "見出し"),
    ],
)
def test_a_file_that_is_no_readable_register_is_refused_with_a_message_and_kept_nowhere(
    officer, imports_dir, name, data, message
):
    with pytest.raises(UnreadableFile) as refused:
        receive(officer, data, name=name)
    assert message in str(refused.value)
    assert RegisterImport.objects.count() == 0
    assert not imports_dir.exists() or list(imports_dir.iterdir()) == []


def test_erasure_clears_the_former_number_and_the_old_register_does_not_bring_the_person_back(officer):
    # Given the register imported, and 山田太郎 erased at his request
    run(officer, csv_bytes())
    subscriber = Subscriber.objects.get(legacy_key="A-001")
    erased = subscriber_erase(subscriber=subscriber, user=officer, reason="消去請求")
    # Then his record keeps no former number that can be read
    assert "A-001" not in erased.legacy_key and erased.legacy_key.startswith("erased:")
    # When the old register is imported again, row by row
    again = run(officer, csv_bytes(), mode="each_row")
    # Then his row is refused, saying why, and nobody is created
    assert again.created_count == 0 and Subscriber.objects.count() == 3
    assert again.problems == [[2, "旧番号", "この方の個人情報は消去済みのため、この行は取り込みません。"]]


def test_the_database_keeps_former_numbers_unique_but_blank_for_many():
    SubscriberFactory.create(legacy_key="")
    SubscriberFactory.create(legacy_key="")
    SubscriberFactory.create(legacy_key="X-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriberFactory.create(legacy_key="X-1")


def test_the_command_imports_checks_and_reports(officer, tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes())
    call_command("import_register", str(path), "--user", officer.username, "--dry-run")
    assert Subscriber.objects.count() == 0
    checked = RegisterImport.objects.get()
    assert (checked.status, checked.stored_file) == ("checked", "")
    call_command("import_register", str(path), "--user", officer.username, "--profile", "標準")
    assert Subscriber.objects.count() == 3
    assert "created 3" in capsys.readouterr().out
    path.write_bytes(csv_bytes([[*ROWS[0][:4], "12345", *ROWS[0][5:]]]))
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--user", officer.username)


def test_the_command_refuses_a_clerk(clerk, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes())
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--user", clerk.username)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_file_is_imported_by_a_real_worker_and_a_rerun_does_nothing(celery_worker, officer, settings):
    from subscribers.tasks import run_register_import

    settings.REGISTER_IMPORT_SYNC_MAX_ROWS = 2
    rows = [[f"L-{i}", f"取込 太郎{i}", "トリコミ タロウ", "", "0330001", f"中央町{i}", ""] for i in range(40)]
    imp = run(officer, csv_bytes(rows))
    assert imp.status == "importing"  # queued for the worker
    deadline = time.monotonic() + 60
    while imp.status == "importing" and time.monotonic() < deadline:
        time.sleep(0.2)
        imp.refresh_from_db()
    assert (imp.status, imp.created_count) == ("done", 40), imp.error
    assert imp.stored_file == ""
    # A message given again (a worker lost after it finished) changes nothing
    assert run_register_import.delay(imp.pk, "import").get(timeout=30) == "done"
    assert Subscriber.objects.count() == 40
