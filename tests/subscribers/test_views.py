"""The clerk's pages: register, edit, change status, search, with bad input kept and nothing half-saved."""

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from subscribers.models import Subscriber
from tests.downloads import download_text
from tests.factories import SubscriberFactory, SubscriberServiceFactory

pytestmark = pytest.mark.django_db

FORM = {
    "family_name": "山田",
    "given_name": "太郎",
    "family_name_kana": "やまだ",
    "given_name_kana": "ﾀﾛｳ",
    "birth_date": "1980-04-01",
    "sex": "male",
    "occupation": "会社員",
    "postal_code": "〒０３３－０００１",
    "prefecture": "青森県",
    "municipality": "三沢市",
    "street_address": "中央町１丁目２－３",
    "building": "",
    "phone": "０１７６－５１－１３４９",
    "mobile_phone": "",
    "email": "",
    "applied_on": "2026-11-01",
    "services": ["tv", "internet"],
}


def test_clerk_registers_a_subscriber_with_normalised_values(clerk_client, clerk):
    response = clerk_client.post(reverse("subscribers:create"), FORM)

    subscriber = Subscriber.objects.get()
    assert response.status_code == 302 and response.url == reverse("subscribers:detail", args=[subscriber.pk])
    assert (subscriber.family_name_kana, subscriber.given_name_kana) == ("ヤマダ", "タロウ")
    assert (subscriber.postal_code, subscriber.phone) == ("0330001", "0176511349")
    assert subscriber.history.get().history_user == clerk


def test_bad_input_shows_a_japanese_message_per_field_keeps_what_was_typed_and_saves_nothing(clerk_client):
    typed = {**FORM, "postal_code": "〒０３３－０００", "family_name_kana": "yamada", "phone": "12-34"}

    response = clerk_client.post(reverse("subscribers:create"), typed)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"postal_code", "family_name_kana", "phone"}
    assert "郵便番号は7桁" in errors["postal_code"][0]
    assert "カタカナ" in errors["family_name_kana"][0]
    html = response.content.decode()
    assert 'value="〒０３３－０００"' in html and 'value="yamada"' in html and 'value="中央町１丁目２－３"' in html
    assert not Subscriber.objects.exists()


def test_detail_page_shows_formatted_values(clerk_client):
    subscriber = SubscriberFactory.create(postal_code="0330001", phone="0176511349", mobile_phone="09012345678")
    html = clerk_client.get(reverse("subscribers:detail", args=[subscriber.pk])).content.decode()
    assert "〒033-0001" in html and "0176-51-1349" in html and "090-1234-5678" in html


def test_names_with_markup_are_shown_as_typed_never_interpreted(clerk_client):
    subscriber = SubscriberFactory.create(
        family_name='<script>alert("x")</script>', given_name="A&B", building="O'Brien <b>"
    )
    for url in [reverse("subscribers:detail", args=[subscriber.pk]), reverse("subscribers:list") + "?q=alert"]:
        html = clerk_client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "A&amp;B" in html


def test_edit_changes_the_record_and_history_keeps_before_and_after(clerk_client, clerk):
    subscriber = SubscriberFactory.create(family_name="山田", occupation="")
    data = {**FORM, "family_name": "佐藤"}
    data.pop("applied_on")

    clerk_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)

    subscriber.refresh_from_db()
    assert subscriber.family_name == "佐藤"
    page = clerk_client.get(reverse("subscribers:history", args=[subscriber.pk])).content.decode()
    assert "山田" in page and "佐藤" in page and str(clerk) in page


def test_invalid_edit_changes_nothing(clerk_client):
    subscriber = SubscriberFactory.create(family_name="山田", postal_code="0330001")
    data = {**FORM, "family_name": "佐藤", "postal_code": "99"}
    clerk_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)
    subscriber.refresh_from_db()
    assert (subscriber.family_name, subscriber.postal_code) == ("山田", "0330001")


def test_terminate_through_the_status_page_after_a_confirmation_that_says_what_ends(clerk_client):
    # Given an active subscriber with a contracted service
    subscriber = SubscriberFactory.create()
    SubscriberServiceFactory.create(subscriber=subscriber, service="tv", started_on=subscriber.applied_on)
    today = timezone.localdate().isoformat()
    url = reverse("subscribers:status", args=[subscriber.pk])
    typed = {"status": "terminated", "on_date": today, "reason": "転居"}

    # When the clerk asks to terminate, the page first says what ends, and nothing has changed yet
    asked = clerk_client.post(url, typed)
    page = asked.content.decode()
    assert asked.status_code == 200 and "取り消せません" in page and "テレビ" in page and "転居" in page
    assert '<button type="submit" class="primary danger">解約する</button>' in page
    subscriber.refresh_from_db()
    assert subscriber.status == "active"

    # When the clerk confirms
    response = clerk_client.post(url, typed | {"confirmed": "1"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == "terminated" and subscriber.terminated_on.isoformat() == today


def test_status_page_offers_only_allowed_moves_and_refuses_others(clerk_client):
    subscriber = SubscriberFactory.create(status="applied", activated_on=None)
    page = clerk_client.get(reverse("subscribers:status", args=[subscriber.pk]))
    assert [v for v, _ in page.context["form"].fields["status"].choices] == ["active", "terminated"]
    response = clerk_client.post(
        reverse("subscribers:status", args=[subscriber.pk]), {"status": "suspended", "on_date": "2026-11-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    subscriber.refresh_from_db()
    assert subscriber.status == "applied"


def test_a_status_reason_longer_than_the_history_keeps_is_refused_with_the_form_kept(clerk_client):
    # Given an active subscriber, and a reason of 101 characters (the history row keeps 100)
    subscriber = SubscriberFactory.create(status="active")
    reason = "料金の未納が続いているため、" * 7 + "利用停止"
    assert len(reason) > 100
    # When a clerk suspends with it
    response = clerk_client.post(
        reverse("subscribers:status", args=[subscriber.pk]),
        {"status": "suspended", "on_date": timezone.localdate().isoformat(), "reason": reason},
    )
    # Then the form says so in Japanese, keeps what was typed, and nothing changed
    assert response.status_code == 200 and "100" in str(response.context["form"].errors["reason"])
    assert reason in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_search_box_finds_by_half_width_katakana_and_paginates(clerk_client, settings):
    settings.SUBSCRIBERS_PER_PAGE = 2
    for _ in range(3):
        SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    SubscriberFactory.create(family_name="佐藤", family_name_kana="サトウ")

    first = clerk_client.get(reverse("subscribers:list"), {"q": "ﾔﾏﾀﾞ"})
    second = clerk_client.get(reverse("subscribers:list"), {"q": "ﾔﾏﾀﾞ", "page": 2})

    assert first.context["page_obj"].paginator.count == 3
    assert len(first.context["subscribers"]) == 2 and len(second.context["subscribers"]) == 1
    assert "page=2" in first.content.decode() and "q=%EF%BE%94" in first.content.decode()


def test_export_is_a_csv_of_the_search_and_logged_per_subscriber(clerk_client, clerk):
    wanted = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    SubscriberFactory.create(family_name="佐藤", family_name_kana="サトウ")

    response = clerk_client.get(reverse("subscribers:export"), {"q": "やまだ"})

    body = download_text(response)
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("加入者番号,") and wanted.number in body and "佐藤" not in body
    entry = AccessLog.objects.get()
    assert (entry.user, entry.subscriber_number, entry.action) == (clerk, wanted.number, AccessLog.Action.EXPORT)
    assert entry.detail["query"] == "やまだ" and entry.detail["count"] == 1


def test_status_date_before_application_is_refused_on_the_date_field(clerk_client):
    subscriber = SubscriberFactory.create(status="applied", activated_on=None, applied_on=timezone.localdate())
    response = clerk_client.post(
        reverse("subscribers:status", args=[subscriber.pk]), {"status": "active", "on_date": "2000-01-01"}
    )
    assert "申込日より前" in response.context["form"].errors["on_date"][0]
    subscriber.refresh_from_db()
    assert subscriber.status == "applied"


def test_history_page_names_statuses_in_japanese(clerk_client):
    subscriber = SubscriberFactory.create()
    clerk_client.post(
        reverse("subscribers:status", args=[subscriber.pk]),
        {"status": "terminated", "on_date": timezone.localdate().isoformat(), "reason": "転居のため", "confirmed": "1"},
    )
    page = clerk_client.get(reverse("subscribers:history", args=[subscriber.pk])).content.decode()
    assert "加入中" in page and "解約" in page and "転居のため" in page


def test_a_terminated_record_cannot_be_edited_or_given_services_again(clerk_client):
    subscriber = SubscriberFactory.create(
        status="terminated", terminated_on=timezone.localdate(), family=("山田", "ヤマダ")
    )
    data = {**FORM, "family_name": "佐藤"}
    data.pop("applied_on")

    page = clerk_client.get(reverse("subscribers:edit", args=[subscriber.pk]))
    response = clerk_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)

    assert page.status_code == 302
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    subscriber.refresh_from_db()
    assert subscriber.family_name != "佐藤" and not subscriber.services.exists()


def test_opening_the_edit_and_status_forms_is_logged(clerk_client):
    subscriber = SubscriberFactory.create()
    clerk_client.get(reverse("subscribers:edit", args=[subscriber.pk]))
    clerk_client.get(reverse("subscribers:status", args=[subscriber.pk]))
    assert AccessLog.objects.filter(subscriber_number=subscriber.number, action="view").count() == 2


def test_a_nul_character_in_the_search_box_is_harmless(clerk_client):
    SubscriberFactory.create(family_name="山田")
    assert clerk_client.get(reverse("subscribers:list"), {"q": "山\x00田"}).context["page_obj"].paginator.count == 1
    assert clerk_client.get(reverse("subscribers:export"), {"q": "a\x00b"}).status_code == 200


def test_export_neutralises_formulas_and_keeps_formatted_numbers(clerk_client):
    SubscriberFactory.create(family_name='=HYPERLINK("http://x","a")', postal_code="0330001", phone="0176511349")
    body = download_text(clerk_client.get(reverse("subscribers:export")))
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    assert "033-0001" in body and "0176-51-1349" in body


def test_status_dates_cannot_lie_in_the_future(clerk_client):
    subscriber = SubscriberFactory.create()
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = clerk_client.post(
        reverse("subscribers:status", args=[subscriber.pk]), {"status": "terminated", "on_date": tomorrow}
    )
    assert response.context["form"].errors["on_date"]
    subscriber.refresh_from_db()
    assert subscriber.status == "active"
