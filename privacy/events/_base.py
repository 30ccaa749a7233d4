"""What the event writers share: parameters as JSON of codes, ids, numbers and ISO dates."""

from datetime import date
from typing import Any

Parameter = str | int | bool | date | None


def as_parameters(**values: Parameter) -> dict[str, Any]:
    """The act's facts as JSON: dates as ISO strings, everything else as it is (codes, ids, numbers, flags)."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def label_of(choices: type, value: object) -> str:
    """The reader's label of a stored code (the code itself when the choices no longer know it)."""
    return str(dict(choices.choices).get(value, value or ""))  # type: ignore[attr-defined]
