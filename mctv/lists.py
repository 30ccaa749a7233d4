"""What every staff list shares: columns sorted by a whitelist, and a page number that never fails.

A list names its sort keys once (``sort_keys``): each maps the word in the address (``?sort=number``,
``?sort=-number`` for descending) to the columns or expressions it orders by. Nothing the user types reaches
``order_by`` but a key of that map; an unknown key keeps the list's own order. The primary key ends every
ordering, so rows that tie keep one order from page to page.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import F, OrderBy, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import QueryDict
from django.utils.translation import gettext as _

SORT_PARAM = "sort"
PAGE_PARAM = "page"

SortColumns = tuple[str | BaseExpression, ...]


@dataclass(frozen=True)
class Sorting:
    """The sort a list is shown in: the key (empty: the list's own order) and its direction."""

    key: str = ""
    descending: bool = False

    @classmethod
    def parse(cls, value: str, keys: dict[str, SortColumns]) -> "Sorting":
        descending = value.startswith("-")
        key = value.removeprefix("-")
        return cls(key, descending) if key in keys else cls()

    def order_by(self, columns: SortColumns) -> list[OrderBy]:
        orders = [F(c) if isinstance(c, str) else c for c in columns]
        ordered = [c.desc(nulls_last=True) if self.descending else c.asc(nulls_last=True) for c in orders]
        return [*ordered, F("pk").desc() if self.descending else F("pk").asc()]

    def link_for(self, key: str, params: QueryDict) -> str:
        """The address of the same list sorted by ``key``: ascending, or the reverse when it is already so.
        Every other parameter (search, filters) is kept; the page starts again at 1."""
        query = params.copy()
        query.pop(PAGE_PARAM, None)
        query[SORT_PARAM] = f"-{key}" if key == self.key and not self.descending else key
        return "?" + query.urlencode()

    def aria_for(self, key: str) -> str:
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"


class StaffListMixin:
    """For a ``ListView``: ``sort_keys`` sorts (see the module), and a page number past the end shows the last
    page, one that is no number the first — each with a message — instead of a 404."""

    sort_keys: dict[str, SortColumns] = {}
    request: Any

    def sorted(self, qs: QuerySet) -> QuerySet:
        """The queryset in the order asked for, or as it came when none (or an unknown one) was asked."""
        self.sorting = Sorting.parse(self.request.GET.get(SORT_PARAM, ""), self.sort_keys)
        if not self.sorting.key:
            return qs
        return qs.order_by(*self.sorting.order_by(self.sort_keys[self.sorting.key]))

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        asked = self.request.GET.get(PAGE_PARAM) or 1
        try:
            page = paginator.page(asked)
        except PageNotAnInteger:
            messages.warning(self.request, _("The page number must be a whole number: the first page is shown."))
            page = paginator.page(1)
        except EmptyPage:
            last = paginator.num_pages
            messages.warning(
                self.request, _("There is no page %(asked)s: page %(last)s is shown.") % {"asked": asked, "last": last}
            )
            page = paginator.page(last)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        if not hasattr(self, "sorting"):
            self.sorting = Sorting()
        return super().get_context_data(sorting=self.sorting, **kwargs)
