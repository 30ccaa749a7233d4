"""One way to move a status (django-oscar's ``set_status`` and its pipeline).

Each lifecycle — a subscriber, a request, an incident, an exceptional provision, a work order, a disposal run —
declares its allowed moves once as a ``Lifecycle``. ``set_status`` is the only code that changes a status: it
refuses a move the map does not allow with the one error type, ``TransitionError``, and saves the row so that
its history records who moved it, when and why. Where a domain keeps a typed event log besides (requests,
incidents), the service writes that event with the status the move left.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mctv.db import stamp_history

if TYPE_CHECKING:
    from privacy.models import User


class TransitionError(ValidationError):
    """A status move the lifecycle does not allow, or a step taken from the wrong status."""


@dataclass(frozen=True)
class Lifecycle:
    """The statuses of one kind of record and which may follow which."""

    statuses: type[models.TextChoices]
    moves: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        known = set(self.statuses.values)
        if set(self.moves) != known or any(not targets <= known for targets in self.moves.values()):
            raise ValueError(f"the map of {self.statuses.__name__} must name every status, and only those")

    def allowed(self, status: str) -> frozenset[str]:
        return self.moves[status]

    def check(self, current: str, new: str, *, thing: str) -> None:
        """Raise ``TransitionError`` unless ``new`` may follow ``current``."""
        if new not in self.moves.get(current, frozenset()):
            raise TransitionError(
                _("%(thing)s cannot go from “%(old)s” to “%(new)s”.")
                % {"thing": capfirst(thing), "old": self.label(current), "new": self.label(new)},
                code="invalid_transition",
            )

    def label(self, status: str) -> str:
        return str(dict(self.statuses.choices).get(status, status))

    def move(self, instance: Any, status: str) -> str:
        """Check the move and set the new status on ``instance`` (unsaved); returns the status it left.
        ``set_status`` saves one row; a bulk service (the erasure of a batch) saves many with their history."""
        before = instance.status
        self.check(before, status, thing=str(instance._meta.verbose_name))
        instance.status = status
        return before


def require_status(instance: Any, *statuses: str, lifecycle: Lifecycle) -> None:
    """A step that is not itself a move (an extension, a fee) starts only from ``statuses``."""
    if instance.status not in statuses:
        raise TransitionError(
            _("This cannot be done while it is “%(status)s”.") % {"status": lifecycle.label(instance.status)},
            code="wrong_status",
        )


def set_status(instance: Any, status: str, *, lifecycle: Lifecycle, user: "User | None", reason: str = "") -> str:
    """Move ``instance`` to ``status`` and save it; returns the status it left.

    The caller has locked the row (``select_for_update``) and set whatever else the move records (dates, who
    decided). The save writes the history row — who, when, from, to, why — where the model keeps a history.
    """
    before = lifecycle.move(instance, status)
    instance.full_clean()
    stamp_history(instance, user=user, reason=reason or lifecycle.label(status))
    instance.save()
    return before
