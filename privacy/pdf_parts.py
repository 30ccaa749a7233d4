"""Laying out one part of a long document, in whichever process runs it (``privacy.pdf.render_pdf_in_parts``).

Nothing here touches Django: a part is rendered HTML in, PDF out, so processes started afresh to lay parts out side by
side need only WeasyPrint. The fetcher lets the renderer read the project's static files and nothing else.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

log = logging.getLogger("mctv.security")


class StaticFilesOnlyFetcher(URLFetcher):
    """Fetches ``file://`` URLs inside ``roots`` (the static directories); refuses everything else. ``report``:
    log each refusal here (a process laying out a part returns them for its parent to log instead)."""

    def __init__(self, roots: list[Path] | None = None, *, report: bool = True):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self.roots = roots if roots is not None else static_roots()
        self.report = report
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        if self.report:
            log.warning("PDF renderer refused to fetch %s", url)
        raise URLFetchingError(f"refused: {url}")


def static_roots() -> list[Path]:
    from django.conf import settings

    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def render_part(html: str, base_url: str, roots: list[Path]) -> tuple[bytes, list[str]]:
    """One part as PDF, with the URLs the fetcher refused."""
    fetcher = StaticFilesOnlyFetcher(roots, report=False)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(), fetcher.refused
