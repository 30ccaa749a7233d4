"""Addresses a page draws many of, without a ``reverse`` for each: Django's costs about 20 µs of CPU, and a list of
25 rows with a menu of a dozen entries drew some 40 of them per page (docs/performance.md, "Throughput")."""

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# A pk no record has, written into the one reversed address and replaced by each row's: digits only, so the
# int converter and the URL's quoting leave it as it is.
_PK_MARKER = 9_876_543_210_123


def url_for_each(viewname: str) -> Callable[[int], str]:
    """``lambda pk: reverse(viewname, args=[pk])`` at the cost of one ``reverse``, for a view taking one int."""
    head, found, tail = reverse(viewname, args=[_PK_MARKER]).partition(str(_PK_MARKER))
    assert found and str(_PK_MARKER) not in tail, viewname
    return lambda pk: f"{head}{int(pk)}{tail}"


def url_of(viewname: str) -> str:
    """``reverse(viewname)`` for a view taking no arguments (a menu entry), reversed once per process: the
    address depends only on the URLconf and the script prefix, both part of the key."""
    return _reversed(viewname, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=512)
def _reversed(viewname: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, urlconf=urlconf)
