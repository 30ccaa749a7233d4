"""The contractor portal: scoped, logged, read-only, isolated between contractors."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from weasyprint.urls import URLFetchingError

from privacy.models import Provision, ProvisionStop, WorkOrder
from privacy.pdf import StaticFilesOnlyFetcher, render_pdf
from tests.factories import SubscriberFactory, WorkOrderFactory, contractor_user
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text

pytestmark = pytest.mark.django_db

# Values that only out-of-scope items carry: none may appear anywhere in a portal response.
HIDDEN = {
    "reading": "シークレットヨミ",
    "email": "hidden-address@example.jp",
    "birth_date": "1961-02-03",
    "occupation": "秘密の職業",
    "mobile": "09011112222",
}


@pytest.fixture
def subscriber():
    return SubscriberFactory.create(
        family_name="山田",
        given_name="太郎",
        family_name_kana="シークレット",
        given_name_kana="ヨミ",
        email=HIDDEN["email"],
        occupation=HIDDEN["occupation"],
        mobile_phone=HIDDEN["mobile"],
        birth_date=timezone.datetime(1961, 2, 3).date(),
        phone="0176529876",
        street_address="中央町1丁目2-3",
    )


@pytest.fixture
def order(subscriber):
    return WorkOrderFactory.create(subscriber=subscriber, items=["number", "name", "address"])


@pytest.fixture
def company_user(order):
    return contractor_user(order.contractor, "denko")


@pytest.fixture
def portal(client, company_user):
    client.force_login(company_user)
    return client


def _assert_hidden_absent(text: str):
    for value in [*HIDDEN.values(), "090-1111-2222", "0176-52-9876", "0176529876", "ヤマダ", "1961"]:
        assert value not in text, value


def test_home_lists_only_own_live_work_orders(portal, order, subscriber):
    other_company = WorkOrderFactory.create()
    expired = WorkOrderFactory.create(
        contractor=order.contractor,
        access_from=timezone.localdate() - timedelta(days=9),
        access_until=timezone.localdate() - timedelta(days=2),
    )
    html = portal.get(reverse("portal:home")).content.decode()
    assert order.number in html
    assert other_company.number not in html and expired.number not in html
    assert "山田 太郎" not in html and "中央町" not in html  # the list itself discloses nobody
    assert not Provision.objects.exists()


def test_work_order_page_shows_the_scoped_items_only_and_records_one_provision(portal, order, company_user):
    response = portal.get(reverse("portal:work_order", args=[order.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "山田 太郎" in html and "中央町1丁目2-3" in html and order.subscriber.number in html
    _assert_hidden_absent(html)
    provision = Provision.objects.get()
    assert (provision.method, provision.basis, provision.work_order, provision.caused_by) == (
        "server_access",
        "contracted_work",
        order,
        company_user,
    )
    assert provision.items == ["number", "name", "address"]
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_each_view_is_one_provision(portal, order):
    for _ in range(3):
        portal.get(reverse("portal:work_order", args=[order.pk]))
    assert Provision.objects.filter(work_order=order).count() == 3


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_portal_is_read_only(portal, order, method):
    for url in [
        reverse("portal:home"),
        reverse("portal:work_order", args=[order.pk]),
        reverse("portal:work_sheet", args=[order.pk]),
    ]:
        assert getattr(portal, method)(url).status_code == 405
    assert not Provision.objects.exists()


def _second_company_order(order):
    return WorkOrderFactory.create(subscriber=order.subscriber)


def _closed(order):
    WorkOrder.objects.filter(pk=order.pk).update(
        status="closed", closed_at=timezone.now(), sheet_disposition="returned"
    )
    return order


def _expired(order):
    WorkOrder.objects.filter(pk=order.pk).update(
        access_until=timezone.localdate() - timedelta(days=1), access_from=timezone.localdate() - timedelta(days=5)
    )
    return order


def _stopped(order):
    ProvisionStop.objects.create(
        subscriber=order.subscriber,
        scope="contractors",
        reason="本人の請求",
        recorded_by=contractor_user(order.contractor, "whoever"),
    )
    return order


def _agreement_expired(order):
    order.contractor.agreements.update(expires_on=timezone.localdate() - timedelta(days=1))
    return order


class _Guess:
    pk = 987654


@pytest.mark.parametrize(
    "arrange",
    [_second_company_order, _closed, _expired, _stopped, _agreement_expired, lambda order: _Guess()],
    ids=["other-contractor", "closed", "expired", "stopped", "agreement-expired", "guessed-id"],
)
def test_refused_work_orders_answer_404_are_logged_and_disclose_nothing(portal, order, arrange, caplog):
    target = arrange(order)
    with caplog.at_level(logging.WARNING, logger="mctv.security"):
        page = portal.get(reverse("portal:work_order", args=[target.pk]))
        sheet = portal.get(reverse("portal:work_sheet", args=[target.pk]))
    assert page.status_code == 404 and sheet.status_code == 404
    assert "refused" in caplog.text and str(target.pk) in caplog.text
    assert "山田 太郎" not in page.content.decode() and "中央町1丁目2-3" not in page.content.decode()
    assert not Provision.objects.exists()


def test_staff_users_cannot_use_the_portal(client, clerk, order):
    client.force_login(clerk)
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 404
    assert not Provision.objects.exists()


def test_contractor_without_a_company_link_sees_nothing(client, contractor_user, order):
    contractor_user.contractor = None
    contractor_user.save()
    client.force_login(contractor_user)
    assert order.number not in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:work_order", args=[order.pk])).status_code == 404


@needs_poppler
def test_work_sheet_pdf_has_the_scoped_items_only_a_notice_and_a_japanese_font(portal, order, tmp_path):
    response = portal.get(reverse("portal:work_sheet", args=[order.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(pdf)
    assert "山田 太郎" in text and "中央町1丁目2-3" in text and order.number in text
    assert "取扱注意 — 作業完了後は返却又は廃棄" in text
    _assert_hidden_absent(text)
    assert_japanese_font_embedded(pdf)
    provision = Provision.objects.get()
    assert provision.method == "server_access" and "作業票" in provision.purpose


@needs_poppler
def test_markup_in_a_subscriber_field_makes_the_renderer_fetch_nothing(portal, order, tmp_path, monkeypatch):
    order.subscriber.family_name = '<img src="http://127.0.0.1:9/x.png">'
    order.subscriber.building = '<link rel=stylesheet href="file:///etc/passwd">'
    order.subscriber.save()
    fetched = []
    original = StaticFilesOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesOnlyFetcher, "fetch", spy)
    response = portal.get(reverse("portal:work_sheet", args=[order.pk]))
    text = pdf_text(response.content)
    assert '<img src="http://127.0.0.1:9/x.png">' in text.replace("\n", "")  # shown as typed
    assert all(url.startswith("file://") and "/static/pdf/" in url for url in fetched)


def test_fetcher_refuses_the_network_and_files_outside_static():
    fetcher = StaticFilesOnlyFetcher()
    for url in [
        "http://127.0.0.1:9/x.png",
        "https://example.com/a.css",
        "file:///etc/passwd",
        "file:///work/../etc/passwd",
        "data:text/css,body{}",
    ]:
        with pytest.raises(URLFetchingError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


@needs_poppler
def test_render_pdf_loads_its_own_stylesheet(tmp_path, order):
    pdf = render_pdf(
        "pdf/work_sheet.html", {"order": order, "values": [], "provision": None, "issued_at": timezone.now()}
    )
    assert pdf.startswith(b"%PDF")
