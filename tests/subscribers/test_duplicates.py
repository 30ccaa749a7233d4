"""Registration warns about likely duplicates (issue 18: the same person became 00000501 and 00000502) and goes on
only when the clerk confirms, which the history records."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from subscribers.models import Subscriber
from tests.factories import YAMADA_TARO, SubscriberFactory

from .test_views import FORM

pytestmark = pytest.mark.django_db


def _typed(**overrides):
    values = {
        **YAMADA_TARO,
        "prefecture": "青森県",
        "municipality": "三沢市",
        "street_address": "中央町1-2-3",
    }
    return {**values, **overrides}


def _found(**typed):
    return {d.subscriber.number: d.reasons for d in Subscriber.objects.likely_duplicates_of(**_typed(**typed))}


def test_same_reading_and_birth_date_is_a_likely_duplicate_whatever_the_kanji_and_width():
    # Given a subscriber registered with other kanji and another address
    SubscriberFactory.create(
        number="00000501",
        family_name="山多",
        given_name="太朗",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=date(1980, 4, 1),
        street_address="桜町5-6",
    )

    # When the same reading is typed in hiragana and half-width katakana, with the same birth date
    found = _found(family_name_kana="やまだ", given_name_kana="ﾀﾛｳ")

    # Then it is found, for its reading and birth date
    assert found == {"00000501": ["フリガナと生年月日が同じ"]}
    # but not with another birth date
    assert _found(birth_date=date(1980, 4, 2)) == {}


def test_same_name_and_address_is_a_likely_duplicate_after_folding_variant_kanji_spaces_and_house_numbers():
    # Given 髙橋 一郎 at 中央町1丁目2番3号 (another reading, no birth date)
    SubscriberFactory.create(
        number="00000501",
        family_name="髙橋",
        given_name="一郎",
        family_name_kana="タカハシ",
        given_name_kana="カズオ",
        street_address="中央町1丁目2番3号",
        building="メゾン三沢101",
    )

    # When 高橋 一郎 is typed with a full-width space and the address as 中央町１－２－３
    found = _found(
        family_name="高橋 ",
        given_name="　一郎",
        family_name_kana="タカハシ",
        given_name_kana="イチロウ",
        street_address="中央町１－２－３",
    )

    # Then it is found for its name and address (the building does not matter)
    assert found == {"00000501": ["氏名と住所が同じ"]}
    # and another house number, or another name at the address, is not a likely duplicate
    assert _found(family_name="高橋", given_name="一郎", street_address="中央町1-2-4") == {}
    assert _found(family_name="高橋", given_name="二郎", street_address="中央町1-2-3") == {}


def test_both_reasons_are_named_and_voided_or_erased_records_are_not_candidates():
    same = YAMADA_TARO
    SubscriberFactory.create(number="00000501", street_address="中央町1-2-3", **same)
    SubscriberFactory.create(
        number="00000502",
        street_address="中央町1-2-3",
        status="voided",
        voided_on=timezone.localdate(),
        **same,
    )
    SubscriberFactory.create(
        number="00000503",
        erased_on=timezone.localdate(),
        status="terminated",
        terminated_on=timezone.localdate(),
        **same,
    )

    assert _found() == {"00000501": ["フリガナと生年月日が同じ", "氏名と住所が同じ"]}


def test_the_search_for_duplicates_is_served_by_indexes():
    # Given the selector's query as Django runs it
    SubscriberFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        Subscriber.objects.likely_duplicates_of(**_typed())
    (query,) = queries.captured_queries

    # When PostgreSQL plans it with the whole-table scan ruled out
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Then each rule has an index: the reading index for reading + birth date, the trigram index for name + address
    assert "Seq Scan" not in plan, plan
    assert "subscriber_reading" in plan and "subscriber_search_trgm" in plan, plan


def test_a_likely_duplicate_asks_first_lists_the_candidates_with_links_and_saves_nothing(clerk_client, clerk):
    # Given 00000501 registered with the reading and birth date the form will carry
    existing = SubscriberFactory.create(
        number="00000501",
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        birth_date=date(1980, 4, 1),
    )

    # When the clerk registers the same person again
    response = clerk_client.post(reverse("subscribers:create"), FORM)

    # Then a page warns, lists the candidate with a link, its reason and status, and nothing is saved yet
    page = response.content.decode()
    assert response.status_code == 200 and "既に登録されている可能性があります" in page
    assert f'href="{reverse("subscribers:detail", args=[existing.pk])}"' in page and "00000501" in page
    assert "フリガナと生年月日が同じ" in page and "加入中" in page
    assert "別の方として登録する" in page and "入力画面に戻る" in page
    assert Subscriber.objects.count() == 1
    # and showing the candidate is in the access log
    assert AccessLog.objects.filter(user=clerk, subscriber=existing, action=AccessLog.Action.LISTED).exists()


def test_going_back_shows_the_form_as_typed(clerk_client):
    SubscriberFactory.create(family_name_kana="ヤマダ", given_name_kana="タロウ", birth_date=date(1980, 4, 1))

    response = clerk_client.post(reverse("subscribers:create"), {**FORM, "confirmed": "1", "back": "1"})

    assert response.status_code == 200 and "form" in response.context
    html = response.content.decode()
    assert 'value="中央町１丁目２－３"' in html and 'value="やまだ"' in html
    assert Subscriber.objects.count() == 1


def test_registering_anyway_is_recorded_in_the_history(clerk_client, clerk):
    SubscriberFactory.create(
        number="00000501", family_name_kana="ヤマダ", given_name_kana="タロウ", birth_date=date(1980, 4, 1)
    )

    response = clerk_client.post(reverse("subscribers:create"), {**FORM, "confirmed": "1"})

    created = Subscriber.objects.exclude(number="00000501").get()
    assert response.status_code == 302 and response.url == reverse("subscribers:detail", args=[created.pk])
    assert created.history.get().history_change_reason == "重複の可能性がある加入者（00000501）を確認のうえ登録"


def test_a_registration_like_no_one_is_saved_at_once_as_before(clerk_client):
    SubscriberFactory.create(family_name_kana="ヤマダ", given_name_kana="タロウ", birth_date=date(1990, 1, 1))

    response = clerk_client.post(reverse("subscribers:create"), FORM)

    assert response.status_code == 302 and Subscriber.objects.count() == 2
    assert Subscriber.objects.order_by("-pk").first().history.get().history_change_reason == "新規登録"
