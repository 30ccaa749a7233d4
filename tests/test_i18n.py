"""The Japanese catalogue: complete, compiled from the committed .po, and what the UI shows."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(CATALOGUE / "django.po"))}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    mo.pop((None, ""), None)  # the header
    assert mo == po, "run `make messages` to recompile locale/ja"


def test_project_strings_come_out_in_japanese():
    with translation.override("ja"):
        assert translation.gettext("Subscribers") == "加入者"
        assert translation.gettext("Enter the postal code as 7 digits, e.g. 033-0001.").startswith("郵便番号は7桁")


@pytest.mark.django_db
def test_staff_pages_render_in_japanese(clerk_client):
    html = clerk_client.get("/subscribers/").content.decode()
    assert "加入者" in html and "検索" in html and "ログアウト" in html


@pytest.mark.gettext
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the messages from a copy of the project: none may be missing from the committed catalogue."""
    root = CATALOGUE.parents[2]
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "tests", "bench", "node_modules", "staticfiles", "__pycache__", "*.sqlite3"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "ja", "--no-obsolete", "--ignore", "tests/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mctv.settings.test"},
    )
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE / "django.po"))}
    extracted = polib.pofile(str(copy / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    missing = sorted(e.msgid for e in extracted if (e.msgctxt, e.msgid) not in committed)
    assert missing == [], "run `make messages` and translate these"


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _entries():
    for e in polib.pofile(str(CATALOGUE / "django.po")):
        yield e, (e.msgstr_plural.get(0, "") if e.msgid_plural else e.msgstr)


def test_japanese_sentences_end_in_a_japanese_full_stop_and_nothing_is_left_blank_or_in_english():
    blank = [e.msgid for e, text in _entries() if not text.strip()]
    western_stop = [e.msgid for e, text in _entries() if JAPANESE.search(text) and re.search(r"[.．]\s*$", text)]
    untranslated = [e.msgid for e, text in _entries() if text == e.msgid and re.search(r"[A-Za-z]{3}", text)]
    assert (blank, western_stop, untranslated) == ([], [], [])


def test_clauses_are_written_as_a_japanese_office_writes_them():
    """「宣言2(3)」, 「法第90条第3項」: never the Western section mark, never half-width colons after Japanese."""
    section_marks = [e.msgid for e, text in _entries() if "§" in text]
    half_width_colons = [e.msgid for e, text in _entries() if re.search(r"[\u3040-\u30ff\u3400-\u9fff）]: ", text)]
    assert (section_marks, half_width_colons) == ([], [])


def test_one_word_per_concept():
    """A work order is 工事 (not 工事指示), a contractor 工事業者 (not 委託業者), the agreement 機密保持協定; a
    subscriber's statutory request is 請求, never 依頼; official writing spells 又は and 済み."""
    odd = {
        "工事指示": "工事",
        "委託業者": "工事業者",
        "秘密保持協定": "機密保持協定",
        "または": "又は",
    }
    found = [(word, e.msgid) for e, text in _entries() for word in odd if word in text]
    assert found == []
    assert re.findall(r"済(?![みむん])", "".join(text for _, text in _entries())) == []
    with translation.override("ja"):
        assert translation.gettext("No requests.") == "請求はありません。"


@pytest.mark.django_db
def test_an_open_incident_is_being_handled_not_under_construction(officer, client):
    # Given an open incident
    from tests.privacy.test_incidents import record

    incident = record(officer)
    assert incident.status == "open"
    # When the officer opens the register and the incident
    client.force_login(officer)
    pages = [
        client.get(reverse("privacy:incident_list")).content.decode(),
        client.get(reverse("privacy:incident_detail", args=[incident.pk])).content.decode(),
    ]
    # Then it reads 対応中, and the work orders' 施工中 appears nowhere
    assert all("対応中" in html and "施工中" not in html for html in pages)


@pytest.mark.django_db
def test_the_history_of_an_appeal_shows_what_happened_in_japanese_not_its_code(clerk, officer, client):
    # Given an appeal that was received and then referred to the review board
    from privacy.services import appeals as svc
    from tests.privacy.test_appeals import TODAY, appeal, decided_refusal

    found = svc.appeal_consult(
        appeal=appeal(officer, decided_refusal(clerk, officer)), on=TODAY(), notified_on=TODAY(), user=officer
    )
    # When its page is drawn
    client.force_login(officer)
    html = client.get(reverse("privacy:appeal_detail", args=[found.pk])).content.decode()
    # Then the history's reasons are the Japanese labels, never the stamped codes
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert "受付" in cells and "審査会に諮問済み" in cells
    assert not {"received", "consulted"} & set(cells)


def test_a_stamped_code_a_stored_label_and_a_typed_reason_each_read_right():
    from privacy.history_reasons import reason_label

    with translation.override("ja"):
        assert reason_label("recorded") == "登録"
        assert reason_label("became_request") == "請求書の受付に移行"
        assert reason_label("Registered") == translation.gettext("Registered") != "Registered"
        assert reason_label("住所の誤記を訂正") == "住所の誤記を訂正"
        assert reason_label(None) == reason_label("") == ""


@pytest.mark.django_db
def test_django_axes_admin_speaks_japanese(admin_user, client):
    # Given the administrator, and a failed login on record
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="clerk",
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/",
        failures_since_start=2,
    )
    client.force_login(admin_user)
    # When the admin's index and the lockout's list of attempts are drawn
    index = client.get(reverse("admin:index")).content.decode()
    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    # Then django-axes, which ships no Japanese, appears in Japanese
    assert "ログインの制限" in index and "ログイン試行" in index and "ログイン記録" in index
    assert "Access attempts" not in index and "Axes" not in index
    assert "試行日時" in attempts and "IPアドレス" in attempts
