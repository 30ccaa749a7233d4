"""One search box: name, reading, number, phone, address — insensitive to width and to hiragana/katakana."""

import pytest

from subscribers.models import Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def yamada():
    return SubscriberFactory.create(
        number="90001234",
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        phone="0176511349",
        mobile_phone="09012345678",
        street_address="大字三沢字園沢230-1",
        building="コーポ園沢 101",
        email="taro@example.jp",
    )


@pytest.fixture
def others():
    return [
        SubscriberFactory.create(
            family_name="佐藤",
            given_name="花子",
            family_name_kana="サトウ",
            given_name_kana="ハナコ",
            phone="0176529999",
            street_address="中央町2丁目1-1",
        ),
        SubscriberFactory.create(
            family_name="山本",
            given_name="一郎",
            family_name_kana="ヤマモト",
            given_name_kana="イチロウ",
            phone="0176530000",
            street_address="幸町3-4",
        ),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "山田",
        "山田 太郎",
        "山田　太郎",
        "山田太郎",
        "やまだ",
        "ヤマダ",
        "ﾔﾏﾀﾞ",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "やまだたろう",
        "90001234",
        "９０００１２３４",
        "0001234",
        "0176-51-1349",
        "０１７６５１",
        "51-1349",
        "090-1234",
        "09012345678",
        "園沢",
        "大字三沢字園沢230-1",
        "２３０－１",
        "コーポ園沢",
        "ｺｰﾎﾟ",
        "TARO@EXAMPLE.JP",
    ],
)
def test_finds_the_subscriber_however_it_is_typed(yamada, others, query):
    assert list(Subscriber.objects.search(query)) == [yamada]


@pytest.mark.parametrize("query", ["山田 花子", "やまだ さとう", "0176-52-1349", "幸町 園沢"])
def test_every_term_must_match(yamada, others, query):
    assert not Subscriber.objects.search(query).exists()


def test_empty_query_lists_everyone(yamada, others):
    assert Subscriber.objects.search("  ").count() == 3


def test_reading_prefix_matches_more_than_one(yamada, others):
    assert set(Subscriber.objects.search("やま")) == {yamada, others[1]}
