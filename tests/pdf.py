"""Reading rendered PDFs back the way a person's viewer would: poppler's pdftotext and pdffonts."""

import subprocess
import tempfile
from pathlib import Path

import pytest

# tests/conftest.py skips these (fails them in CI) where poppler-utils is missing.
needs_poppler = pytest.mark.pdf


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def pdf_text(pdf: bytes) -> str:
    return _run("pdftotext", pdf, "-layout")


def pdf_pages(pdf: bytes) -> list[str]:
    """The layout text of each page (pdftotext ends every page with a form feed)."""
    return pdf_text(pdf).split("\f")[:-1]


def pdf_flow_text(pdf: bytes) -> str:
    """The text in the order it was written, whitespace dropped: a table cell's wrapped lines stay together, where
    the layout would interleave them with the next cell's."""
    return "".join(_run("pdftotext", pdf, "-raw").split())


def embedded_fonts(pdf: bytes) -> list[str]:
    """Names of the fonts embedded in the PDF (pdffonts' 'emb' column is yes)."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    return [row.split()[0] for row in rows if row.strip() and row.split()[-5] == "yes"]


def assert_japanese_font_embedded(pdf: bytes) -> None:
    fonts = embedded_fonts(pdf)
    assert any("Noto-Sans-CJK-JP" in name or "IPAex" in name for name in fonts), fonts
