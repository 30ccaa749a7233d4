"""Help pages: one per screen, linked from the screen's title area (``help_url`` in every template's context)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from .help_pages import PAGES, HelpPage

BY_SLUG = {page.slug: page for page in PAGES}
BY_VIEW = {url_name: page for page in PAGES for url_name in page.url_names}
PORTAL_SLUG = "portal"


def help_url(page: HelpPage) -> str:
    """The portal's help lives under /portal/, the only path a contractor reaches."""
    if page.slug == PORTAL_SLUG:
        return reverse("portal:help")
    return reverse("help", kwargs={"screen": page.slug})


def help_link(request) -> dict[str, str]:
    """Context processor: the help page of the screen being drawn, if it has one."""
    match = getattr(request, "resolver_match", None)
    page = BY_VIEW.get(match.view_name) if match is not None else None
    return {"help_url": help_url(page)} if page is not None else {}


class HelpView(LoginRequiredMixin, TemplateView):
    template_name = "help/page.html"

    def get_context_data(self, **kwargs):
        page = BY_SLUG.get(self.kwargs["screen"])
        if page is None:
            raise Http404
        return super().get_context_data(page=page, **kwargs)
