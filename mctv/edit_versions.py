"""Edits carry the version they started from; a save over someone else's later save is refused and shows it.

A record's version is the id of its latest history row: django-simple-history writes one on every save, so each
record with history is versioned without a column of its own, and its history says who changed what since."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mctv import dates

VERSION_FIELD = "version"


@dataclass(frozen=True)
class Change:
    """One item another person changed: its form field name, label, and values (raw and as shown)."""

    name: str
    label: str
    before: Any
    after: Any
    before_shown: str
    after_shown: str


@dataclass(frozen=True)
class OtherEdit:
    """Saves made by others after the version an edit started from."""

    version: int
    by: str
    at: datetime
    started_at: datetime | None
    changes: list[Change]


def record_version(record: models.Model) -> int | None:
    return record.history.order_by("-history_id").values_list("history_id", flat=True).first()  # type: ignore[attr-defined]


def edit_since(record: models.Model, started_from: int | None) -> OtherEdit | None:
    """Who saved ``record`` after version ``started_from`` and what they changed; None while it is the latest.
    An edit that names no version (a form drawn before versions, a script) is not checked."""
    history = record.history.select_related("history_user")  # type: ignore[attr-defined]
    latest = history.order_by("-history_id").first()
    if started_from is None or latest is None or latest.history_id == started_from:
        return None
    later = history.filter(history_id__gt=started_from).order_by("history_id")
    names = dict.fromkeys(_who(row.history_user) for row in later)
    started = history.filter(history_id=started_from).first()
    return OtherEdit(
        version=latest.history_id,
        by="、".join(names),
        at=latest.history_date,
        started_at=started.history_date if started is not None else None,
        changes=_changes(record, started, latest) if started is not None else [],
    )


def _who(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def _changes(record: models.Model, started, latest) -> list[Change]:
    tracked = {field.attname for field in started._meta.concrete_fields}
    changes = []
    for field in record._meta.concrete_fields:
        if field.primary_key or field.attname not in tracked:
            continue
        before, after = getattr(started, field.attname), getattr(latest, field.attname)
        if before != after:
            changes.append(
                Change(
                    field.name, str(field.verbose_name), before, after, _shown(field, started), _shown(field, latest)
                )
            )
    return changes


def _shown(field: models.Field, row) -> str:
    value = getattr(row, field.attname)
    if value in (None, "", [], {}):
        return _("(blank)")
    if field.is_relation:
        try:
            return str(getattr(row, field.name))
        except ObjectDoesNotExist:
            return str(value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return dates.long_time(value)
    if isinstance(value, date):
        return dates.long(value)
    if isinstance(value, list):
        if field.name == "items":
            from privacy.data_items import item_labels

            return "、".join(item_labels(value))
        return "、".join(map(str, value))
    return str(value)


def _raw(value: Any) -> Any:
    """A typed (cleaned) value in the form its history row keeps: a record by its key, a list as a sorted list."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(_raw(item) for item in value)
    return value


def _as_data(value: Any) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, datetime):  # as the box shows it (local time), which its field reads back
        return [dates.compact_time(value, seconds=bool(value.second))]
    return [dates.compact(value) if isinstance(value, date) else str(value)]


class VersionedEditMixin:
    """For an edit view: the form carries the record's version as it was drawn. A save over another person's
    later save is refused, their change shown, and the form carried forward onto it: an item this person left
    as it was takes the other's value; an item both changed keeps what this person typed, marked. The form then
    carries the new version, so saving it again is a choice made knowing the other's change."""

    other_edit: OtherEdit | None = None

    def get_edited_record(self) -> models.Model:
        raise NotImplementedError

    def other_changes(self, record: models.Model, since: datetime) -> list[Change]:
        """Changes the record's own history does not show (related rows on the form): none by default."""
        return []

    def stale_edit_shown(self, record: models.Model) -> None:
        """The refusal shows the record's current values: a view whose records are personal data logs it."""

    def post(self, request, *args, **kwargs):
        # One transaction from the check to the save: the row lock taken by the check makes a second editor's
        # check wait for the first one's save, and then see it.
        with transaction.atomic():
            return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        record = self.get_edited_record()
        form.fields[VERSION_FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=record_version(record)
        )
        checked_clean = form.clean

        def clean():
            cleaned = checked_clean()
            self._refuse_if_stale(form, record)
            cleaned.pop(VERSION_FIELD, None)  # the version is the form's, not the record's
            return cleaned

        form.clean = clean
        return form

    def _refuse_if_stale(self, form, record) -> None:
        type(record)._base_manager.select_for_update().only("pk").get(pk=record.pk)
        typed = form.cleaned_data.get(VERSION_FIELD) or ""
        other = edit_since(record, int(typed) if typed.isdigit() else None)
        if other is None:
            return
        if other.started_at is not None:
            other.changes.extend(self.other_changes(record, other.started_at))
        self.other_edit = other
        self.stale_edit_shown(record)
        form.data = form.data.copy()
        form.data[form.add_prefix(VERSION_FIELD)] = str(other.version)
        for change in other.changes:
            if change.name not in form.fields:
                continue
            mine = _raw(form.cleaned_data.get(change.name))
            if mine == _raw(change.before):
                form.data.setlist(form.add_prefix(change.name), _as_data(change.after))
            elif mine != _raw(change.after):
                form.add_error(
                    change.name,
                    _("%(by)s changed this to “%(value)s”: what you typed is kept if you save again.")
                    % {"by": other.by, "value": change.after_shown},
                )
        raise ValidationError(
            _(
                "Someone else saved this record after you opened it. Nothing of yours was saved yet: their change "
                "is shown below and carried into the form where you had not changed the item; check it, then save "
                "again."
            ),
            code="stale",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(other_edit=self.other_edit, **kwargs)
