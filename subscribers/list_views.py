"""The registry's list: search, sortable columns, and records whose personal data was erased left out unless asked."""

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import ListView

from mctv.links import url_for_each
from mctv.lists import StaffListMixin
from mctv.paginator import CountingPaginator
from mctv.views import StaffPermissionMixin
from privacy.models import AccessLog
from privacy.services.access_log import access_log_record

from .models import Subscriber


def search_terms(request) -> tuple[str, str]:
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    return query, status if status in Subscriber.Status.values else ""


def searched(subscribers, query: str, status: str):
    """A voided registration (a mistake) is found only when its status is asked for."""
    qs = subscribers.search(query)
    return qs.filter(status=status) if status else qs.not_voided()


def with_erased(request) -> bool:
    """Whether the list shows the records whose personal data was erased (a request, the retention purge):
    they hold a number and no person, so a search leaves them out unless asked."""
    return request.GET.get("erased") == "1"


# What a row of the list shows: the search leaves the rest of the record unread.
LIST_COLUMNS = (
    "pk",
    "number",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "prefecture",
    "municipality",
    "street_address",
    "building",
    "phone",
    "mobile_phone",
    "status",
)


class SubscriberListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "subscribers.view_subscriber"
    template_name = "subscribers/list.html"
    context_object_name = "subscribers"
    # Each served by an index: the number's (unique), the readings' (subscriber_reading), the status's.
    sort_keys = {
        "number": ("number",),
        "reading": ("family_name_kana", "given_name_kana"),
        "status": ("status",),
    }

    def get_paginate_by(self, queryset):
        return settings.SUBSCRIBERS_PER_PAGE

    def get_paginator(self, queryset, *args, **kwargs):
        # A search counts its matches in the query that fetches them; the whole registry (no search) is
        # cheaper counted apart than numbered row by row.
        paginator = CountingPaginator if self.query else Paginator
        return paginator(queryset, *args, **kwargs)

    def get_queryset(self):
        self.query, self.status = search_terms(self.request)
        self.erased = with_erased(self.request)
        qs = searched(Subscriber.objects.visible_to(self.request.user), self.query, self.status)
        if not self.erased:
            qs = qs.filter(erased_on__isnull=True)
        if self.query:
            qs = qs.ordered_for_search(self.query)
        return self.sorted(qs.only(*LIST_COLUMNS, "erased_on"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        detail_url = url_for_each("subscribers:detail")  # one reverse for the page, not one per row
        for subscriber in context["subscribers"]:
            subscriber.detail_url = detail_url(subscriber.pk)
        context.update(
            query=self.query, status=self.status, statuses=Subscriber.Status.choices, with_erased=self.erased
        )
        # A result row shows name, reading, address and phone: each subscriber on the page is logged as listed
        # (one row each, so a subscriber's log shows every list they appeared in).
        access_log_record(
            user=self.request.user,
            subscribers=context["subscribers"],
            action=AccessLog.Action.LISTED,
            path=self.request.get_full_path(),
            detail={"query": self.query[:100], "status": self.status},
        )
        return context
