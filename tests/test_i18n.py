"""The Japanese catalogue: complete, compiled from the committed .po, and what the UI shows."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
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
