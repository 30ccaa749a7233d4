"""Normalisation of what clerks type: table-driven, with the awkward inputs."""

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
