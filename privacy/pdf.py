"""PDF documents rendered by WeasyPrint from templates under templates/pdf/.

The renderer may read the project's own static files and nothing else: no
network, no file outside static/. Django escapes every value in the template,
and this fetcher is the second wall should markup ever get through.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

log = logging.getLogger("mctv.security")
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


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    base_url = STATIC_DIR.resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnlyFetcher()).write_pdf()
