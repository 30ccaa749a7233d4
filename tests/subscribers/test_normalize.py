"""Normalisation of what clerks type: table-driven, with the awkward inputs."""

import random

import phonenumbers
import pytest

from subscribers import normalize


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0330001", "0330001"),
        ("033-0001", "0330001"),
        ("〒０３３－０００１", "0330001"),
        ("〒033-0001", "0330001"),
        ("０３３‐０００１", "0330001"),  # hyphen U+2010
        (" 033 0001 ", "0330001"),
        ("033−0001", "0330001"),  # minus sign U+2212
        ("03300", "03300"),  # too short: kept, then refused by the validator
    ],
)
def test_postal_code_is_stored_as_seven_digits(typed, stored):
    assert normalize.normalize_postal_code(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),  # half-width kana with a separate voiced mark
        ("ヤマダ", "ヤマダ"),
        ("ゔぃおら", "ヴィオラ"),
        ("さとう　はなこ", "サトウハナコ"),  # ideographic space removed
        ("ｺｰﾎﾟ", "コーポ"),
    ],
)
def test_reading_becomes_full_width_katakana(typed, stored):
    assert normalize.normalize_reading(typed) == stored
    assert normalize.KATAKANA_READING.match(stored)


@pytest.mark.parametrize("typed", ["yamada", "山田", "ヤマダ1", ""])
def test_reading_validator_refuses_what_is_not_kana(typed):
    assert not normalize.KATAKANA_READING.match(normalize.normalize_reading(typed))


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0176-51-1349", "0176511349", "0176-51-1349"),
        ("０１７６－５１－１３４９", "0176511349", "0176-51-1349"),
        ("(0176) 51-1349", "0176511349", "0176-51-1349"),
        ("09012345678", "09012345678", "090-1234-5678"),
        ("+81 90 1234 5678", "09012345678", "090-1234-5678"),
        ("03-1234-5678", "0312345678", "03-1234-5678"),
        ("0120-123-456", "0120123456", "0120-123-456"),
    ],
)
def test_phone_is_stored_as_digits_and_shown_with_hyphens(typed, stored, shown):
    assert normalize.normalize_phone(typed) == stored
    assert normalize.format_phone(stored) == shown
    assert normalize.is_possible_phone(stored)


@pytest.mark.parametrize("digits", ["12345", "1176511349", "017651134999999", ""])
def test_impossible_phones_are_refused(digits):
    assert not normalize.is_possible_phone(digits)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("山田　太郎", "山田 太郎"),
        ("  山田  ", "山田"),
        ("ＡＢＣマンション１０１", "ABCマンション101"),
        ("ﾒｿﾞﾝ", "メゾン"),
    ],
)
def test_text_is_nfkc_with_spaces_folded(typed, stored):
    assert normalize.normalize_text(typed) == stored


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("やまだ", [["ヤマダ"]]),
        ("ﾔﾏﾀﾞ　ﾀﾛｳ", [["ヤマダ"], ["タロウ"]]),
        ("０１７６－５１", [["0176-51", "017651"]]),
        ("Yamada@Example.JP", [["yamada@example.jp"]]),
        ("   ", []),
    ],
)
def test_search_terms_fold_width_kana_and_case(query, terms):
    assert normalize.search_terms(query) == terms


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),  # U+FA11: NFKC keeps it
        ("宮嵜", "宮崎"),
        ("齋藤 齊藤 斎藤", "斉藤斉藤斉藤"),
        ("渡邊 渡邉", "渡辺渡辺"),
        ("𠮷田", "吉田"),
        ("葛󠄀飾", "葛飾"),  # an ideographic variation selector dropped
        ("天ヶ森", "天ケ森"),
        ("中央町1丁目32番15号", "中央町1-32-15"),
        ("中央町１丁目３２－１５", "中央町1-32-15"),
        ("中央町一丁目32番地15", "中央町1-32-15"),
        ("中央町二十三丁目", "中央町23-"),
        ("中央町1ー32ー15", "中央町1-32-15"),
        ("園沢230の1", "園沢230-1"),
        ("中央町1‐32―15", "中央町1-32-15"),
        ("コーポ園沢", "コーポ園沢"),  # the long-vowel mark between kana stays
        ("十二十丁目", "十20-"),  # odd input folds without error
        ("中央町百丁目", "中央町百丁目"),
    ],
)
def test_search_key_folds_variants_and_house_numbers(typed, key):
    assert normalize.search_key(typed) == key


@pytest.mark.parametrize(
    ("query", "number"),
    [("501", "00000501"), ("０５０１", "00000501"), ("00000501", "00000501"), (" 12 ", "00000012")],
)
def test_a_query_of_digits_may_be_a_subscriber_number(query, number):
    assert normalize.subscriber_number_query(query) == number


@pytest.mark.parametrize("query", ["", "123456789", "0176-51-1349", "501号", "山田"])
def test_other_queries_are_no_subscriber_number(query):
    assert normalize.subscriber_number_query(query) is None


def _as_phonenumbers_formats(digits: str) -> str:
    """format_phone as it was before its shortcut: phonenumbers' whole parse, then its national format."""
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _domestic_numbers():
    """Every 3-digit prefix at both lengths (010, the international prefix, among them), and a sample of longer
    prefixes: area codes run to five digits."""
    sample = random.Random(20)
    for prefix in range(10, 100):
        for length in (10, 11):
            yield f"0{prefix}".ljust(length, str(prefix % 10))
    for _ in range(3000):
        yield "0" + "".join(sample.choices("0123456789", k=sample.choice((9, 10))))


def test_a_domestic_number_is_formatted_as_phonenumbers_parse_would():
    numbers = list(_domestic_numbers())

    assert [normalize.format_phone(d) for d in numbers] == [_as_phonenumbers_formats(d) for d in numbers]


@pytest.mark.parametrize("digits", ["0002123456", "00376801234", "0312345", "012345678901", "1176511349", "5112"])
def test_other_digits_take_phonenumbers_whole_path(digits):
    assert normalize.format_phone(digits) == _as_phonenumbers_formats(digits)
