"""Model building blocks shared by the apps."""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.db_roles import PURGE_ROLE
from mctv.forms import AdminDayInput, AdminSplitDayTimeField, AdminSplitDayTimeInput
from mctv.forms import DayField as DayFormField
from mctv.forms import DayTimeField as DayTimeFormField
from mctv.validators import validate_plausible_day

if TYPE_CHECKING:
    from privacy.models import User

# django-simple-history keeps a change reason in 100 characters.
CHANGE_REASON_LENGTH = 100


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def stamp_history(instance: models.Model, *, user: "User | None", reason: str = "") -> None:
    """Name who makes the next save of ``instance`` and why, for the history row django-simple-history writes.
    The reason is a short code or label; notes belong on the row or in its typed event."""
    instance._history_user = user  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason[:CHANGE_REASON_LENGTH]  # type: ignore[attr-defined]


def local_day_range(field: str, first: date | None, last: date | None) -> dict[str, Any]:
    """Filters for ``field`` (a timestamp) from the start of local day ``first`` to the end of ``last``, either
    open. Timestamps, not ``__date``: an index on the column serves a range, not a cast of every row."""
    lookups: dict[str, Any] = {}
    # A day at the calendar's very edge (a typed 0001-01-01 or 9999-12-31) bounds nothing a timestamp can hold.
    if first and first > date.min:
        lookups[f"{field}__gte"] = timezone.make_aware(datetime.combine(first, time.min))
    if last and last < date.max - timedelta(days=1):
        lookups[f"{field}__lt"] = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return lookups


class DayField(models.DateField):
    """A date the office records: refused outside ``mctv.validators`` plausible range, in Japanese. Its form
    field reads 和暦 and Western days alike (``mctv.forms.DayField``)."""

    default_validators = [validate_plausible_day]

    def formfield(self, **kwargs):
        if kwargs.get("widget") is AdminDateWidget:
            kwargs["widget"] = AdminDayInput  # the admin's calendar, the office's style in the box
        return super().formfield(**{"form_class": DayFormField, **kwargs})


class DayTimeField(models.DateTimeField):
    """A moment the office records: its local day refused outside the plausible range, in Japanese. Its form
    field reads a typed 和暦 or Western day and time (``mctv.forms.DayTimeField``)."""

    default_validators = [validate_plausible_day]

    def formfield(self, **kwargs):
        if kwargs.get("widget") is AdminSplitDateTime:  # the admin's boxes, the day in the office's style
            kwargs.update(widget=AdminSplitDayTimeInput, form_class=AdminSplitDayTimeField)
        return super().formfield(**{"form_class": DayTimeFormField, **kwargs})


class AnyOf(models.Lookup):
    """``id__any_of=ids``: the batch lookup of the purge. On PostgreSQL ``= ANY(%s)`` with the ids as one array
    parameter: a 2,000-id batch is bound, sent and planned as one value instead of 2,000 (an ``IN`` list of that
    size costs more to prepare than the rows it finds). Elsewhere a plain ``IN``. Any iterable of ids will do;
    a set skips the per-element expression check Django gives a list or tuple."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        # As ``In`` does: each value as the field stores it, None dropped (it matches nothing).
        prepare = self.lhs.output_field.get_prep_value
        return sorted({prepare(value) for value in self.rhs if value is not None})

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        element = self.lhs.output_field.cast_db_type(connection)
        if all(type(value) is int for value in self.rhs):
            # An array literal of integers: one string for the driver to send, not 2,000 values to adapt.
            return f"{lhs} = ANY(%s::{element}[])", [*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}"]
        return f"{lhs} = ANY(%s::{element}[])", [*lhs_params, self.rhs]


models.IntegerField.register_lookup(AnyOf)  # ids: AutoField and BigAutoField are IntegerFields
models.ForeignKey.register_lookup(AnyOf)


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk UPDATE/DELETE in Python; the database refuses them too (see append_only_sql)."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("This log is append-only."))

    def delete(self):
        raise AppendOnlyError(_("This log is append-only."))


def retention_delete(model: type[models.Model], *, run_id: int, key: str, ids: set[int]) -> int:
    """The one way rows leave an append-only log: the retention purge of disposal run ``run_id``, deleting the
    rows whose ``key`` is one of ``ids`` — every one of them a pending item of that run (declaration §13).

    On PostgreSQL through ``mctv_retention_delete`` (migration 0024), which runs as the purge role and checks the
    run is under way and the ids are its pending items: the trigger lets a DELETE through for that role alone, so
    nothing the application's own connection sets or says opens the log. Elsewhere a plain delete.
    """
    connection = connections[model._default_manager.db]
    if not ids:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT public.mctv_retention_delete(%s, %s::regclass, %s::bigint[])",
                [run_id, model._meta.db_table, sorted(ids)],
            )
            return cursor.fetchone()[0]
    return models.QuerySet.delete(model._default_manager.filter(**{f"{key}__in": ids}))[0]


class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("This log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("This log is append-only."))


# Rows leave only through mctv_retention_delete, which runs as the purge role: no setting, no session variable,
# nothing the application's connection can say opens this door (mctv/db_roles.py).
APPEND_ONLY_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION mctv_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = '{PURGE_ROLE}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def append_only_sql(table: str) -> tuple[str, str]:
    """(forward, reverse) SQL for a PostgreSQL trigger refusing UPDATE and DELETE on ``table``.

    TRUNCATE stays possible for the table owner (test teardown, restore from backup), never for the app role.
    """
    trigger = f"{table}_append_only"
    forward = (
        APPEND_ONLY_FUNCTION_SQL
        + f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
        + "FOR EACH ROW EXECUTE FUNCTION mctv_refuse_change();"
    )
    reverse = f"DROP TRIGGER IF EXISTS {trigger} ON {table};"
    return forward, reverse
