"""Django admin of the privacy capabilities, one module per domain: configuration for administrators.

Importing the modules registers their pages (Django's admin autodiscovery imports this package).
"""

from . import (
    access_review,
    accountability,
    complaints,
    contractors,
    incidents,
    provisions,
    purposes,
    requests,
    retention,
    staff,
)

__all__ = [
    "access_review",
    "accountability",
    "complaints",
    "contractors",
    "incidents",
    "provisions",
    "purposes",
    "requests",
    "retention",
    "staff",
]
