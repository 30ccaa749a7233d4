"""Register files for the import tests: CSV in an encoding, or .xlsx built with openpyxl."""

import io

HEADERS = ["旧番号", "氏名", "フリガナ", "生年月日", "〒", "住所", "電話"]
ROWS = [
    [
        "A-001",
        "山田　太郎",
        "やまだ たろう",
        "S55.4.1",
        "０３３－０００１",
        "青森県三沢市中央町１－２－３",
        "0176‐51‐1349",
    ],
    ["A-002", "佐藤 花子", "サトウ ハナコ", "昭和60年12月3日", "033-0002", "中央町2丁目3番4号", "09012345678"],
    ["A-003", "鈴木 一郎", "ｽｽﾞｷ ｲﾁﾛｳ", "1990/07/15", "0330003", "三沢市桜町3-1", ""],
]


def csv_bytes(rows=ROWS, headers=HEADERS, encoding="cp932", bom=False) -> bytes:
    """As spreadsheet software writes it: CRLF, fields quoted only where needed."""
    lines = [",".join(headers), *(",".join(row) for row in rows)]
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)


def xlsx_bytes(rows, headers) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
