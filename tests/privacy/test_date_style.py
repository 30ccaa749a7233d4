"""Pages, messages, e-mails and PDFs show days in the office's one style (docs/dates.md): 令和8年12月17日（木） for
deadlines, 令和8年12月17日 in detail pages and letters, R8.12.17 in dense lists — never 2026-12-17."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from mctv import dates
from privacy.letters import disclosure_pdf
from privacy.models import SubjectRequest
from privacy.services import requests as svc
from tests.factories import SubscriberFactory
from tests.pdf import needs_poppler, pdf_text
from tests.privacy.test_requests import receive, to_review

pytestmark = pytest.mark.django_db

# A Thursday: 令和8年11月26日（木）.
RECEIVED = date(2026, 11, 26)
MORNING = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
ISO_DAY = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


@pytest.fixture
def at_the_office():
    with time_machine.travel(MORNING, tick=False):
        yield


def test_the_request_list_is_compact_and_the_detail_names_the_deadline_with_its_weekday(client, clerk, at_the_office):
    # Given a request received today
    request = receive(clerk, received_on=RECEIVED)
    client.force_login(clerk)

    # When the clerk opens the list and the request
    listing = client.get(reverse("privacy:request_list")).content.decode()
    detail = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()

    # Then the list shows the days compactly, the detail the deadline with its weekday, and neither the ISO form
    assert dates.compact(RECEIVED) == "R8.11.26" and "R8.11.26" in listing
    assert dates.with_weekday(request.due_on) in detail
    assert not ISO_DAY.search(listing) and not ISO_DAY.search(detail)


def test_the_message_after_recording_a_request_names_the_deadline_in_the_office_style(client, clerk, at_the_office):
    # Given the clerk at the form for a new request
    subscriber = SubscriberFactory.create()
    client.force_login(clerk)

    # When they record a request received today, typing the day in short 和暦
    response = client.post(
        reverse("privacy:request_create"),
        {
            "subscriber_number": subscriber.number,
            "kind": "disclosure",
            "channel": "counter",
            "received_on": "R8.11.26",
            "details": "保有する個人情報の全部",
        },
    )

    # Then it is recorded on that day and the message gives the due date with its weekday
    request = SubjectRequest.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert request.received_on == RECEIVED
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert dates.with_weekday(request.due_on) in message and "（" in message


@needs_poppler
def test_the_disclosure_pdf_gives_the_birth_date_in_wareki(clerk, officer):
    # Given a subscriber born 1957-12-17 whose disclosure was decided in full
    subscriber = SubscriberFactory.create(birth_date=date(1957, 12, 17))
    request = to_review(receive(clerk, subscriber, kind="disclosure"), clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    request.refresh_from_db()

    # When the disclosure is printed
    text = "".join(pdf_text(disclosure_pdf(request, clerk)).split())

    # Then the birth date is in 和暦
    assert "昭和32年12月17日" in text
    assert "1957-12-17" not in text


def test_no_template_formats_a_day_by_hand():
    # Every day goes through the office's filters (privacy/templatetags/dates.py); Django's |date would bring back
    # 2026-12-17 or the browser-like forms, and <input type="date"> the browser's mm/dd/yyyy.
    found = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*"):
        if path.suffix in {".html", ".txt"}:
            text = path.read_text(encoding="utf-8")
            for pattern in (r"\|date\b(?!:\"Y年n月\")", r'type="date"', r"Y-m-d"):
                if re.search(pattern, text):
                    found.append(f"{path.name}: {pattern}")
    assert found == []
