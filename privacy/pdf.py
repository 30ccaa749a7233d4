"""PDF documents rendered by WeasyPrint from templates under templates/pdf/.

The renderer may read the project's own static files and nothing else: no
network, no file outside static/. Django escapes every value in the template,
and this fetcher is the second wall should markup ever get through.
"""

import io
import logging
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

log = logging.getLogger("mctv.security")
# WeasyPrint announces each page it lays out here ("Step 5 - Creating layout - Page %d"); settings.LOGGING lets
# its INFO records through to no handler but the one a render with a progress callback adds for its duration.
progress_log = logging.getLogger("weasyprint.progress")
PAGE_LAID_OUT = re.compile(r"Step 5 - Creating layout - Page (\d+)")
STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _allowed_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticFilesOnlyFetcher(URLFetcher):
    """Fetches ``file://`` URLs inside the static directories; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in _allowed_roots()) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        log.warning("PDF renderer refused to fetch %s", url)
        raise URLFetchingError(f"refused: {url}")


class _PagesLaidOut(logging.Handler):
    """Calls ``on_page(n)`` for each page WeasyPrint lays out in this thread (another render may run beside it)."""

    def __init__(self, on_page: Callable[[int], None]):
        super().__init__()
        self.on_page, self.thread = on_page, threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and (page := PAGE_LAID_OUT.match(record.getMessage())):
            self.on_page(int(page[1]))


def render_pdf(template_name: str, context: dict, *, on_page: Callable[[int], None] | None = None) -> bytes:
    """The document as PDF; ``on_page(n)`` (optional) hears of each page laid out, the writing of the file after."""
    html = render_to_string(template_name, context)
    base_url = STATIC_DIR.resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnlyFetcher())
    if on_page is None:
        return document.write_pdf()
    handler = _PagesLaidOut(on_page)
    progress_log.addHandler(handler)
    try:
        rendered = document.render()
    finally:
        progress_log.removeHandler(handler)
    return rendered.write_pdf()


def render_pdf_in_parts(
    template_name: str, parts: Iterable[dict], *, on_page: Callable[[int], None] | None = None
) -> bytes:
    """A long document (an incident's notices, a large print of labels) rendered a part at a time and joined.

    WeasyPrint holds a whole document's layout in memory until it is written — about half a megabyte a page of
    letters, gigabytes for thousands. Rendered in parts of a hundred pages or so, the worker holds one part's layout
    and the written pages; the time stays linear in the pages. Each part embeds the subset of the font it uses.
    ``on_page(n)`` hears of each page laid out, counted across the parts."""
    writer = PdfWriter()
    done = 0
    for context in parts:
        counted = (lambda n, before=done: on_page(before + n)) if on_page else None
        part = render_pdf(template_name, context, on_page=counted)
        writer.append(io.BytesIO(part))
        done = len(writer.pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
