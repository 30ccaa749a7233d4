"""Input normalisation for the registry: pure functions, used by model and form fields and by search.

Everything is NFKC first, so full-width digits and letters become ASCII and
half-width katakana becomes full-width; readings then fold hiragana to katakana.
"""

import re
import unicodedata

import jaconv
import phonenumbers

from .itaiji import fold_variants

_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"[-‐‑‒–—―−ｰ]")  # ASCII and typographic dashes (not the kana long-vowel mark ー)
_NON_DIGITS = re.compile(r"\D")
KATAKANA_READING = re.compile(r"^[\u30A1-\u30FA\u30FC-\u30FE]+$")
POSTAL_CODE = re.compile(r"^[0-9]{7}$")
MAX_SEARCH_TERMS = 8
JAPAN = 81
# A domestic number as stored (is_possible_phone's shape): 0, 10 or 11 digits in all, and neither 00… (carrier
# prefixes) nor 010 (the international prefix), which parse() reads apart. tests/subscribers/test_normalize.py holds
# this shortcut to parse()'s result over every such prefix.
_DOMESTIC = re.compile(r"0(?!0|10)[0-9]{9,10}")


def nfkc(value: str) -> str:
    # NUL never belongs in text, and PostgreSQL refuses it outright.
    return unicodedata.normalize("NFKC", value).replace("\x00", "")


def normalize_text(value: str) -> str:
    """NFKC, with runs of white space (ideographic space included) folded to one space."""
    return _SPACES.sub(" ", nfkc(value)).strip()


def normalize_reading(value: str) -> str:
    """A フリガナ: NFKC, hiragana to katakana, no spaces inside."""
    return _SPACES.sub("", jaconv.hira2kata(nfkc(value)))


def normalize_postal_code(value: str) -> str:
    """``0330001``, ``033-0001`` and ``〒０３３－０００１`` all become ``0330001``."""
    value = nfkc(value).replace("〒", "")
    return _SPACES.sub("", _HYPHENS.sub("", value))


def normalize_phone(value: str) -> str:
    """Digits only; an international +81 prefix becomes the domestic leading 0."""
    value = nfkc(value).strip()
    if value.startswith("+81"):
        value = "0" + value[3:]
    return _NON_DIGITS.sub("", value)


def normalize_email(value: str) -> str:
    return nfkc(value).strip().lower()


def format_postal_code(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else digits


def format_phone(digits: str) -> str:
    """Hyphenated by Japan's numbering plan (area codes vary in length): 0176-51-1349, 090-1234-5678."""
    if not digits:
        return ""
    if _DOMESTIC.fullmatch(digits):
        # What parse() makes of an ordinary domestic number, without its general path (half the time of a row
        # of the registry's list): the leading 0 is the national prefix, the rest the national number.
        number = phonenumbers.PhoneNumber(country_code=JAPAN, national_number=int(digits[1:]))
    else:
        try:
            number = phonenumbers.parse(digits, "JP")
        except phonenumbers.NumberParseException:
            return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def is_possible_phone(digits: str) -> bool:
    # Japanese numbers dialled domestically are 10 digits (landline, 050, 0120) or 11 (mobile).
    if not digits.startswith("0") or len(digits) not in (10, 11):
        return False
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(digits, "JP"))
    except phonenumbers.NumberParseException:
        return False


def search_key(value: str) -> str:
    """The folded form both the stored search column and the query use: width, kana, case, variant kanji
    (髙→高, see itaiji.py) and the way a house number is written (1丁目32番15号 = 1-32-15) do not matter."""
    text = fold_variants(jaconv.hira2kata(nfkc(value)).casefold())
    return fold_house_number(_HYPHENS.sub("-", _SPACES.sub("", text)))


_CHOME_IN_KANJI = re.compile(r"([二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])丁目")
_KANJI_DIGITS = "〇一二三四五六七八九"
_CHOME = re.compile(r"(?<=\d)丁目")
_BANCHI = re.compile(r"(?<=\d)番地?ノ?")
_GO = re.compile(r"(?<=\d)号")
# Between digits, の (ノ once folded) and the long-vowel mark an IME types for a hyphen are hyphens.
_DIGIT_JOINER = re.compile(r"(?<=\d)[ノー]+(?=\d)")
_DASHES = re.compile(r"-{2,}")


def _kanji_number(kanji: str) -> str:
    """一 … 九十九 as digits (a 丁目 number): 十 alone is 10, 二十三 is 23."""
    tens, ten, ones = kanji.partition("十")
    if not ten:
        return str(_KANJI_DIGITS.index(kanji))
    return str((_KANJI_DIGITS.index(tens) if tens else 1) * 10 + (_KANJI_DIGITS.index(ones) if ones else 0))


def fold_house_number(text: str) -> str:
    """中央町1丁目32番15号, 中央町1丁目32-15, 中央町一丁目32番地15 and 中央町1-32-15 all become 中央町1-32-15
    (hyphens already folded to ``-``)."""
    text = _CHOME_IN_KANJI.sub(lambda m: _kanji_number(m[1]) + "丁目", text)
    text = _CHOME.sub("-", text)
    text = _BANCHI.sub("-", text)
    text = _GO.sub("", text)
    text = _DIGIT_JOINER.sub("-", text)
    return _DASHES.sub("-", text)


def subscriber_number_query(query: str) -> str | None:
    """The subscriber number a query of digits alone may be, leading zeros left off: ``501`` → ``00000501``."""
    digits = _SPACES.sub("", nfkc(query))
    if digits.isascii() and digits.isdigit() and len(digits) <= 8:
        return digits.zfill(8)
    return None


def search_terms(query: str) -> list[list[str]]:
    """Split a search box query into terms; each term lists the alternatives that may match it.

    A term of digits and dashes (a phone or a house number) matches with or without its dashes.
    """
    terms = []
    for raw in normalize_text(query).split(" ")[:MAX_SEARCH_TERMS]:
        key = search_key(raw)
        if not key:
            continue
        alternatives = [key]
        undashed = _HYPHENS.sub("", key)
        if undashed != key and undashed.isdigit():
            alternatives.append(undashed)
        terms.append(alternatives)
    return terms


SEARCH_SEPARATOR = "\x1f"


def search_bigrams(search_text: str) -> str:
    """Every two-character piece of each searchable item, space-separated: a GIN index over them serves the
    two-character terms (a two-kanji family name) that a trigram index cannot."""
    grams: set[str] = set()
    for part in search_text.split(SEARCH_SEPARATOR):
        grams.update(part[i : i + 2] for i in range(len(part) - 1))
    return " ".join(sorted(grams))
