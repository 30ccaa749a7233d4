"""Downloads (mctv.responses): one CSV writer for every file, escaped cell by cell; nothing cached."""

from mctv.responses import csv_response, csv_safe, pdf_response


def test_a_csv_download_has_a_bom_escapes_every_cell_and_is_not_cached():
    # Given rows holding what a spreadsheet would run as formulas, in any column
    rows = [["番号", "氏名"], ["=1+1", "@SUM(A1)"], ["+81", "-5"], ["普通", None]]
    # When they are downloaded
    response = csv_response("list.csv", rows)
    body = response.content.decode("utf-8")
    # Then the file starts with a BOM, every dangerous cell is quoted as text, and no copy is kept
    assert body.startswith("\ufeff番号,氏名")
    assert "'=1+1,'@SUM(A1)" in body and "'+81,'-5" in body and "普通," in body
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'
    assert response["Cache-Control"] == "no-store" and response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_safe_leaves_ordinary_values_alone():
    assert [csv_safe(v) for v in ["中央町1-2", 12, "0176-51-1349", "\tx", "\rx"]] == [
        "中央町1-2",
        "12",
        "0176-51-1349",
        "'\tx",
        "'\rx",
    ]


def test_a_pdf_download_is_an_attachment_that_is_not_cached():
    response = pdf_response(b"%PDF-1.7", "letter.pdf")
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
