"""PDF documents rendered by WeasyPrint from templates under templates/pdf/.

The renderer may read the project's own static files and nothing else: no
network, no file outside static/. Django escapes every value in the template,
and this fetcher is the second wall should markup ever get through.
"""

import io
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

import billiard
from billiard.exceptions import WorkerLostError
from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from privacy.pdf_parts import StaticFilesOnlyFetcher, render_part, static_roots

log = logging.getLogger("mctv.security")
logger = logging.getLogger(__name__)
# WeasyPrint announces each page it lays out here ("Step 5 - Creating layout - Page %d"); settings.LOGGING lets
# its INFO records through to no handler but the one a render with a progress callback adds for its duration.
progress_log = logging.getLogger("weasyprint.progress")
PAGE_LAID_OUT = re.compile(r"Step 5 - Creating layout - Page (\d+)")
STATIC_DIR = Path(settings.BASE_DIR) / "static"
# A part (a hundred letters, fifty sheets) takes seconds; one that takes this long has hung, and fails the print.
PART_TIMEOUT_SECONDS = 600


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
    template_name: str,
    parts: Iterable[dict],
    *,
    on_page: Callable[[int], None] | None = None,
    numbered: bool = False,
) -> bytes:
    """A long document (an incident's notices, a large print of labels) rendered a part at a time and joined.

    WeasyPrint holds a whole document's layout in memory until it is written — about half a megabyte a page of
    letters, gigabytes for thousands. Rendered in parts of a hundred pages or so, a process holds one part's layout;
    the time stays linear in the pages. The parts are independent, so ``settings.PDF_PROCESSES`` processes lay them
    out side by side (WeasyPrint is pure Python: one process uses one core). Each part embeds the subset of the font
    it uses. ``on_page(n)`` hears of the pages laid out, counted across the parts, as each part is done.

    ``numbered``: the document is numbered "n / N" throughout (``document.css``), which a part cannot know: each
    part is laid out without the numbers (its context says ``numbered_after``; the template includes
    ``pdf/includes/numbered_after.html``), and once joined every page is stamped with its number from a document of
    as many blank pages, numbered — a millisecond or so a page."""
    base_url = STATIC_DIR.resolve().as_uri() + "/"
    roots = static_roots()
    htmls = (render_to_string(template_name, {**context, "numbered_after": numbered}) for context in parts)
    writer = PdfWriter()
    for pdf, refused in _laid_out(htmls, base_url, roots):
        for url in refused:
            log.warning("PDF renderer refused to fetch %s", url)
        writer.append(io.BytesIO(pdf))
        if on_page:
            on_page(len(writer.pages))
    if numbered:
        _stamp_page_numbers(writer, base_url)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp_page_numbers(writer: PdfWriter, base_url: str) -> None:
    html = render_to_string("pdf/page_numbers.html", {"pages": range(len(writer.pages))})
    numbers = PdfReader(
        io.BytesIO(HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnlyFetcher()).write_pdf())
    )
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
        page.compress_content_streams()  # the merge writes the page's content back uncompressed


def _laid_out(htmls: Iterator[str], base_url: str, roots: list[Path]) -> Iterator[tuple[bytes, list[str]]]:
    """The parts laid out, in order: in this process, or by a pool of ``PDF_PROCESSES`` processes started afresh
    (spawned: a worker's database connections and threads are not copied), a few parts ahead of the one awaited so
    that memory holds a few parts, not the document. The pool is billiard's, Celery's own: a worker's prefork child
    is a daemon, and the standard library's pools refuse to start processes from a daemon."""
    first = next(htmls, None)
    if first is None:
        return
    second = next(htmls, None)
    processes = settings.PDF_PROCESSES
    if second is None or processes < 2:
        rest = chain([first], [] if second is None else [second], htmls)
        yield from (render_part(html, base_url, roots) for html in rest)
        return
    pool = billiard.get_context("spawn").Pool(processes)
    try:
        waiting = deque((html, pool.apply_async(render_part, (html, base_url, roots))) for html in (first, second))
        for html in htmls:
            if len(waiting) >= 2 * processes:
                yield _result(*waiting.popleft(), base_url, roots)
            waiting.append((html, pool.apply_async(render_part, (html, base_url, roots))))
        while waiting:
            yield _result(*waiting.popleft(), base_url, roots)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _result(html: str, laid_out, base_url: str, roots: list[Path]) -> tuple[bytes, list[str]]:
    """A part from the pool; one whose process was lost (killed, out of memory) is laid out again here, once."""
    try:
        return laid_out.get(timeout=PART_TIMEOUT_SECONDS)
    except Exception as error:
        # billiard hands a lost process's part back as WorkerLostError wrapped in its ExceptionWithTraceback
        if not isinstance(getattr(error, "exc", error), WorkerLostError):
            raise
        logger.warning("a PDF layout process was lost; its part is laid out again in the worker")
        return render_part(html, base_url, roots)
