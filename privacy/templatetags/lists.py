"""Sortable column headers for the staff lists (``mctv.lists``)."""

from django import template
from django.utils.html import format_html

from mctv.lists import Sorting

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label: str) -> str:
    """``<th>`` whose link sorts the list by ``key`` (again: the reverse); the sorted one says so to screen
    readers (aria-sort) and to the eye (▲ ascending, ▼ descending). A table included in a page that is no
    sortable list (a record's detail page) gets a plain header."""
    sorting = context.get("sorting")
    if not isinstance(sorting, Sorting):
        return format_html('<th scope="col">{}</th>', label)
    href = sorting.link_for(key, context["request"].GET)
    aria = sorting.aria_for(key)
    if not aria:
        return format_html('<th scope="col"><a class="sort" href="{}">{}</a></th>', href, label)
    arrow = "▲" if aria == "ascending" else "▼"
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="sort" href="{}">{} <span aria-hidden="true">{}</span></a></th>',
        aria,
        href,
        label,
        arrow,
    )
