"""Variant kanji (異体字) that name the same person or place: the search folds each to one form.

A family registered as 髙橋 is asked for as 高橋 on the phone, 渡邉 is typed 渡辺, and the other way round;
NFKC leaves these apart (髙 and 﨑 have no decomposition at all). Both the stored search column and the
query go through ``fold_variants``, so the trigram and bigram indexes keep serving the search.

Where the pairs come from:

* the traditional forms the 常用漢字表 (2010, 内閣告示第2号) gives in brackets (澤→沢, 廣→広, 國→国 …)
  and the 人名用漢字 that the 戸籍法施行規則 別表第二 lists as variants of a 常用漢字 (德→徳, 槇→槙 …),
  restricted to characters that occur in family names and place names;
* the non-standard forms (俗字) that registries hold for family names and that JIS X 0213 encodes:
  髙, 﨑 (U+FA11, a compatibility ideograph NFKC keeps), 嵜, 邉, 嶋, 嶌, 冨, 𠮷 (U+20BB7), 桒, 埜 …;
* 斉・斎・齋・齊 are two different characters in the 常用漢字表, but in family names (斉藤, 斎藤, 齋藤,
  齊藤) they are the variants people confuse most: they are folded together on purpose, a few extra
  matches being cheaper than a subscriber not found.

Packages on PyPI were weighed and not used: ``ja-itaiji`` (1.0.2, "Planning") groups characters with
simplified Chinese and loose relatives (澤 with 途, 濱 with 頻) in families that are not symmetric, so they
give no one form to fold to; ``ja-cvu-normalizer`` folds 﨑 to 埼 (not 崎) and otherwise repeats NFKC.

Keep each canonical form out of every variant list (a fold is applied once, not to a fixed point), and
change the table only with a migration that rebuilds the search columns (see 0008).
"""

# The form kept, then its variants.
_VARIANTS = {
    "高": "髙",
    "崎": "﨑嵜",
    "斉": "斎齋齊",
    "辺": "邊邉",
    "浜": "濱濵",
    "沢": "澤",
    "桜": "櫻",
    "広": "廣",
    "国": "國圀",
    "蔵": "藏",
    "竜": "龍",
    "真": "眞",
    "徳": "德",
    "恵": "惠",
    "富": "冨",
    "島": "嶋嶌",
    "槙": "槇",
    "吉": "𠮷",
    "滝": "瀧",
    "関": "關",
    "会": "會",
    "学": "學",
    "万": "萬",
    "与": "與",
    "豊": "豐",
    "礼": "禮",
    "黒": "黑",
    "青": "靑",
    "清": "淸",
    "条": "條",
    "野": "埜",
    "館": "舘",
    "岳": "嶽",
    "峰": "峯",
    "桑": "桒",
    "薮": "藪籔",
    "鴎": "鷗",
    "芦": "蘆",
    "桧": "檜",
    "柳": "栁",
    "鉄": "鐵銕",
    "恒": "恆",
    "寛": "寬",
    "凛": "凜",
    "剣": "劍劒",
    "実": "實",
    "栄": "榮",
    "寿": "壽",
    "浅": "淺",
    "児": "兒",
    "渋": "澁",
    "県": "縣",
    "円": "圓",
    "応": "應",
    "来": "來",
    "戸": "戶",
    "亜": "亞",
    "仏": "佛",
    "乗": "乘",
    "弥": "彌",
    "晋": "晉",
    "巌": "巖",
    "穂": "穗",
    "緑": "綠",
    "郷": "鄕",
    "猪": "豬",
    "尭": "堯",
    "遥": "遙",
    "亀": "龜",
    "曽": "曾",
    "増": "增",
    "総": "總",
    "壮": "壯",
    "荘": "莊",
    "淵": "渕",
    "村": "邨",
    "塩": "鹽",
    "聡": "聰",
    "顕": "顯",
    "瀬": "瀨",
    "頼": "賴",
    "将": "將",
    "穣": "穰",
    "譲": "讓",
    "讃": "讚",
    "栃": "杤",
    # Place names write the small ケ/カ and the full-size one alike (天ヶ森, 天ケ森).
    "ケ": "ヶ",
    "カ": "ヵ",
}

VARIANT_TABLE: dict[int, str | None] = {
    ord(variant): kept for kept, variants in _VARIANTS.items() for variant in variants
}
# Variation selectors (an IVS picks a glyph, 葛󠄀 or 葛󠄁): the character without one is the same character.
VARIANT_TABLE.update(dict.fromkeys(range(0xFE00, 0xFE10)))
VARIANT_TABLE.update(dict.fromkeys(range(0xE0100, 0xE01F0)))


def fold_variants(text: str) -> str:
    return text.translate(VARIANT_TABLE)
