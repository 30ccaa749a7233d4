"""The letters as a resident reads them: one issuer block (the mayor's title and name, and a place for the seal or
公印省略 as the office chooses), reasons under their own heading, never a page holding only the contact block, the
incident notice written to the person (not the office's own description), and the disposal certificate naming who
approved it and who certifies it, in plain dates."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy import letters
from privacy.models import RequestSettings
from privacy.selectors.retention import table_words
from privacy.services import requests as svc
from privacy.services.incidents import incident_mark_notices_sent
from tests.factories import SubscriberFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_flow_text, pdf_pages
from tests.privacy.test_chapter5 import receive, reviewed
from tests.privacy.test_incidents import record
from tests.privacy.test_retention import _approve_and_purge, old_terminated  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
MAYOR = "小檜山 吉紀"
PDF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "pdf"
CONTACT = [
    "お問い合わせ先（個人情報の保護に関する宣言12）",
    "三沢市政策部広報広聴課CATV情報室",
    "三沢市大字三沢字園沢230番地1三沢市国際交流教育センター内",
    "電話0176-51-1349",
]


@pytest.fixture
def issuer():
    """The office has entered the mayor's name; the seal is left to each test."""
    RequestSettings.current()
    RequestSettings.objects.update(head_name=MAYOR)
    return RequestSettings.objects.get()


def lines_of(page: str) -> list[str]:
    return ["".join(line.split()) for line in page.splitlines() if line.strip()]


def without_contact_and_footer(page: str) -> list[str]:
    return [line for line in lines_of(page) if line not in CONTACT and not re.fullmatch(r"\d+/\d+", line)]


def the_letters(clerk, officer) -> dict[str, bytes]:
    extended = svc.request_extend(request=receive(clerk), days=30, reason="請求の対象が大量のため", user=clerk)
    transferred = svc.request_transfer(
        request=receive(clerk),
        to="三沢市上下水道部長",
        reason="上下水道部が作成した情報のため",
        on=TODAY(),
        user=officer,
    )
    special = svc.request_special_extend(
        request=receive(clerk),
        reason="著しく大量のため",
        rest_by=TODAY() + timedelta(days=150),
        part="直近1年分",
        user=clerk,
    )
    decided = svc.request_decide(
        request=reviewed(receive(clerk), clerk),
        decision="not_held",
        reasons="該当する記録を保有していません。",
        user=officer,
    )
    return {
        "extension": letters.extension_notice_pdf(extended),
        "transfer": letters.transfer_notice_pdf(transferred),
        "special": letters.special_extension_pdf(special),
        "decision": letters.decision_letter_pdf(decided),
    }


# --- one issuer block --------------------------------------------------------------------------------------------


def test_every_letter_names_its_issuer_through_the_one_issuer_include():
    # Given the letter templates (those addressed to a person, directly or through the addressee includes)
    includes_issuer = {"pdf/includes/addressee.html", "pdf/includes/appellant.html", "pdf/includes/issuer.html"}
    letters_found = []
    for path in sorted(PDF_TEMPLATES.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        addressed = 'class="addressee"' in source or any(
            f'"{name}"' in source for name in ("pdf/includes/addressee.html", "pdf/includes/appellant.html")
        )
        if addressed:
            letters_found.append(path.name)
            # Then each reaches the issuer include, and none writes the head of the body by hand
            assert any(f'{{% include "{name}" %}}' in source for name in includes_issuer), path.name
            assert "三沢市長" not in source and 'class="sender"' not in source, path.name
    for name in ("addressee.html", "appellant.html"):
        assert '{% include "pdf/includes/issuer.html" %}' in (PDF_TEMPLATES / "includes" / name).read_text()
    assert {"incident_notices.html", "request_decision.html", "correction_notice.html"} <= set(letters_found)
    assert '{% include "pdf/includes/issuer.html" %}' in (PDF_TEMPLATES / "disposal_certificate.html").read_text()


@needs_poppler
@pytest.mark.parametrize(
    ("seal", "shown", "not_shown"),
    [("stamped", "三沢市長小檜山吉紀印", "公印省略"), ("omitted", "三沢市長小檜山吉紀（公印省略）", "小檜山吉紀印")],
)
def test_the_issuer_block_names_the_mayor_and_the_seal_as_the_office_chose(
    clerk, officer, issuer, seal, shown, not_shown
):
    # Given the office's choice of seal
    RequestSettings.objects.update(official_seal=seal)

    # When the letters are printed
    for name, pdf in the_letters(clerk, officer).items():
        text = pdf_flow_text(pdf)

        # Then each names the mayor, with the place for the seal or 公印省略
        assert shown in text and not_shown not in text, name
        assert_japanese_font_embedded(pdf)


# --- reasons under their own heading ------------------------------------------------------------------------------


@needs_poppler
def test_the_reasons_stand_under_their_own_heading(clerk, officer, issuer):
    reasons = {
        "extension": "請求の対象が大量のため",
        "transfer": "上下水道部が作成した情報のため",
        "special": "著しく大量のため",
        "decision": "該当する記録を保有していません。",
    }
    for name, pdf in the_letters(clerk, officer).items():
        lines = lines_of("\n".join(pdf_pages(pdf)))
        # The heading is a line of its own, and the reasons follow it
        assert "理由" in lines, name
        assert reasons[name] in lines[lines.index("理由") + 1], name


# --- never a page holding only the contact block -----------------------------------------------------------------


@needs_poppler
def test_no_page_holds_only_the_contact_block_however_long_the_reasons(clerk, issuer):
    request = svc.request_extend(request=receive(clerk), days=30, reason="大量のため", user=clerk)
    page_counts = set()
    # Given reasons of every length, from a letter of one page to one running onto the second
    for lines in range(6, 26):
        request.extension_reason = "\n".join(
            f"{n}．請求の対象となる記録が大量であるため。" for n in range(1, lines + 1)
        )

        # When the extension notice is printed
        pages = pdf_pages(letters.extension_notice_pdf(request))

        # Then every page holds something besides the contact block, and the block is whole on one page
        for page in pages:
            assert without_contact_and_footer(page), f"{lines} lines: a page holds only the contact block"
        holding = [page for page in pages if CONTACT[0] in lines_of(page)]
        assert len(holding) == 1 and all(line in lines_of(holding[0]) for line in CONTACT)
        page_counts.add(len(pages))
    assert page_counts == {1, 2}  # the sweep crossed the page break


# --- the incident notice, written to the person -------------------------------------------------------------------


@needs_poppler
def test_the_incident_notice_is_a_polite_letter_to_the_person_not_the_internal_description(client, officer, issuer):
    # Given an incident whose office record and whose words for the residents differ
    person = SubscriberFactory.create(family_name="通知", given_name="花子")
    incident = record(
        officer,
        [person],
        description="内部メモ：封入担当の確認漏れ、係長へ報告済み",
        notice_text="お客様あてのお知らせを、誤って別の方に郵送いたしました。",
        measures="郵送先の方から書類を回収しました。",
    )
    client.force_login(officer)

    # When the notices are printed
    pdf = client.get(reverse("privacy:incident_notices", args=[incident.pk])).content
    text = pdf_flow_text(pdf)

    # Then the letter apologises to the person and tells them what happened in the words written for them
    assert "通知花子様には多大なご迷惑とご心配をおかけし、深くお詫び申し上げます。" in text
    assert "お客様あてのお知らせを、誤って別の方に郵送いたしました。" in text
    assert "対象となった通知花子様の情報氏名、住所" in text
    assert "郵送先の方から書類を回収しました。" in text and "お客様へのお願い" in text
    assert "三沢市長小檜山吉紀" in text and "電話0176-51-1349" in text
    # and never the office's own description
    assert "内部メモ" not in text and "係長" not in text
    assert_japanese_font_embedded(pdf)


def test_notices_wait_for_the_words_written_for_the_people_affected(client, officer):
    # Given an incident with no text for the notice yet
    people = [SubscriberFactory.create()]
    incident = record(officer, people, notice_text="")
    client.force_login(officer)

    # Then the notices can be neither printed nor recorded as sent
    printed = client.get(reverse("privacy:incident_notices", args=[incident.pk]))
    assert printed.status_code == 302 and printed.url == reverse("privacy:incident_detail", args=[incident.pk])
    with pytest.raises(ValidationError):
        incident_mark_notices_sent(
            incident=incident, subscriber_ids=[people[0].pk], sent_on=TODAY(), method="mail", user=officer
        )
    assert not incident.affected.filter(notice_sent_on__isnull=False).exists()
    page = client.get(reverse("privacy:incident_detail", args=[incident.pk])).content.decode()
    assert reverse("privacy:incident_notices", args=[incident.pk]) not in page


# --- the disposal certificate -------------------------------------------------------------------------------------


@needs_poppler
def test_the_disposal_certificate_names_who_approved_and_who_certifies_in_plain_dates(
    client,
    officer,
    issuer,
    old_terminated,  # noqa: F811
):
    # Given a disposal approved by the officer and carried out
    officer.last_name, officer.first_name = "承認", "一郎"
    officer.save()
    run = _approve_and_purge("terminated_subscriber", officer)
    client.force_login(officer)

    # When the certificate is printed
    pdf = client.get(reverse("privacy:disposal_certificate", args=[run.pk])).content
    text = pdf_flow_text(pdf)

    # Then it names the approver and, as certifier, the mayor with the seal's place; its dates are plain dates
    day = timezone.localtime(run.approved_at).date()
    approved = f"令和{day.year - 2018}年{day.month}月{day.day}日"
    assert f"廃棄を承認した者個人情報保護責任者承認一郎（{approved}承認）" in text
    assert "証明者三沢市長小檜山吉紀印" in text and "下記の記録を廃棄したことを証明します。記" in text
    assert text.index("証明者") < text.index("個人情報の廃棄証明書") < text.index("記録の区分") < text.index("以上")
    assert text.index("以上") < text.index("お問い合わせ先")
    # and the tables are named in words, without the tables it removed nothing from
    assert "記録ごとの件数加入者（匿名化）1件廃棄した記録" in text and "ログエントリー" not in text
    assert "1/1" in text
    assert table_words("django_admin_log") == "管理画面の操作記録"
    assert not re.search(r"(19|20)\d\d-\d\d-\d\d|\d\d:\d\d", text)
    assert_japanese_font_embedded(pdf)
