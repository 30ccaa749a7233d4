"""Model building blocks shared by the apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk UPDATE/DELETE in Python; the database refuses them too (see append_only_sql)."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("This log is append-only."))

    def delete(self):
        raise AppendOnlyError(_("This log is append-only."))


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


APPEND_ONLY_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION mctv_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def append_only_sql(table: str) -> tuple[str, str]:
    """(forward, reverse) SQL for a PostgreSQL trigger refusing UPDATE and DELETE on ``table``.

    TRUNCATE stays possible for the table owner (test teardown, restore from backup).
    """
    trigger = f"{table}_append_only"
    forward = (
        APPEND_ONLY_FUNCTION_SQL
        + f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
        + "FOR EACH ROW EXECUTE FUNCTION mctv_refuse_change();"
    )
    reverse = f"DROP TRIGGER IF EXISTS {trigger} ON {table};"
    return forward, reverse
