"""What the event writers share: one way to write a row, parameters as JSON of codes, ids, numbers and ISO dates."""

from datetime import date
from typing import Any, TypeVar

from django.db import models

from mctv import dates

Parameter = str | int | bool | date | None
Event = TypeVar("Event", bound=models.Model)


def as_parameters(**values: Parameter) -> dict[str, Any]:
    """The act's facts as JSON: dates as ISO strings, everything else as it is (codes, ids, numbers, flags)."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def write(
    model: type[Event],
    *,
    on: dict[str, Any],
    status: str,
    user: Any,
    kind: str,
    before: str,
    note: str,
    parameters: dict[str, Parameter],
) -> Event:
    """One event row: on what (``on``), who, what kind, the move (``before`` → ``status``, only when it moved),
    the note as typed, and the facts as parameters."""
    return model._default_manager.create(
        **on,
        actor=user,
        kind=kind,
        from_status=before,
        to_status=status if before else "",
        note=note.strip(),
        parameters=as_parameters(**parameters),
    )


def label_of(choices: type, value: object) -> str:
    """The reader's label of a stored code (the code itself when the choices no longer know it)."""
    return str(dict(choices.choices).get(value, value or ""))  # type: ignore[attr-defined]


def day_of(parameters: dict[str, Any], key: str) -> str:
    """A date parameter as the office writes it (令和8年12月17日); rows written before dates were typed kept text,
    shown as it is."""
    value = parameters.get(key)
    if value is None:
        return ""
    try:
        return dates.long(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)
