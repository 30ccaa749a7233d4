"""The app role owns nothing; rows leave the logs only through the purge's own function (mctv/db_roles.py).

- ``mctv_refuse_change`` (every log's append-only trigger) lets a DELETE through for the purge role alone, instead
  of for a setting any connection could make;
- ``mctv_retention_delete``, owned by the purge role and ``SECURITY DEFINER``, deletes from a log only the pending
  items of a disposal run that is under way, of the class that log belongs to;
- disposal runs are kept once finished, never deleted; a disposal item records its outcome once; the history of
  runs is append-only.
"""

from django.db import migrations

from mctv.db import APPEND_ONLY_FUNCTION_SQL, append_only_sql
from mctv.db_roles import PURGE_ROLE, role_exists

# (record class, log, the column naming the record) — the logs a disposal run of each class deletes from.
PURGED_LOGS = [
    ("access_log", "privacy_accesslog", "id"),
    ("provision", "privacy_provision", "id"),
    ("bulk_use", "privacy_bulkuse", "id"),
    ("request_file", "privacy_requestevent", "request_id"),
    ("incident_file", "privacy_incidentevent", "incident_id"),
]
LOG_MAP = ", ".join(f"('{record_class}', 'public.{table}', '{key}')" for record_class, table, key in PURGED_LOGS)
FUNCTION = "public.mctv_retention_delete(bigint, regclass, bigint[])"

RETENTION_DELETE_SQL = f"""
CREATE OR REPLACE FUNCTION public.mctv_retention_delete(p_run bigint, p_target regclass, p_ids bigint[]) RETURNS bigint
-- Every name schema-qualified, temporary tables searched last: the caller can shadow nothing the function reads.
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_key text;
    v_deleted bigint;
BEGIN
    SELECT m.key_column INTO v_key
    FROM public.privacy_disposalrun r
    JOIN (VALUES {LOG_MAP}) AS m(record_class, table_name, key_column) ON m.record_class = r.record_class
    WHERE r.id = p_run AND r.status = 'running' AND m.table_name::regclass = p_target;
    IF v_key IS NULL THEN
        RAISE EXCEPTION 'retention delete refused: disposal run % is not under way for %', p_run, p_target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (
        SELECT 1 FROM unnest(p_ids) AS wanted(id)
        WHERE NOT EXISTS (
            SELECT 1 FROM public.privacy_disposalitem i
            WHERE i.run_id = p_run AND i.object_id = wanted.id AND i.outcome = 'pending'
        )
    ) THEN
        RAISE EXCEPTION 'retention delete refused: not every record is a pending item of disposal run %', p_run
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- p_target is one of the public tables above (compared as an oid): its name is quoted by regclass.
    EXECUTE format('DELETE FROM %s WHERE %I = ANY($1)', p_target::regclass, v_key) USING p_ids;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;
-- A new owner needs CREATE on the schema at the moment of the change, and nothing after it.
GRANT CREATE ON SCHEMA public TO {PURGE_ROLE};
ALTER FUNCTION {FUNCTION} OWNER TO {PURGE_ROLE};
REVOKE CREATE ON SCHEMA public FROM {PURGE_ROLE};
REVOKE ALL ON FUNCTION {FUNCTION} FROM PUBLIC;
GRANT SELECT ON privacy_disposalrun, privacy_disposalitem TO {PURGE_ROLE};
GRANT SELECT, DELETE ON {", ".join(table for _class, table, _key in PURGED_LOGS)} TO {PURGE_ROLE};
"""

DISPOSAL_GUARDS_SQL = """
CREATE OR REPLACE FUNCTION mctv_keep_finished_disposal_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status NOT IN ('done', 'rejected') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal run is never deleted, and kept as it is once finished',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER privacy_disposalrun_kept BEFORE UPDATE OR DELETE ON privacy_disposalrun
    FOR EACH ROW EXECUTE FUNCTION mctv_keep_finished_disposal_run();

CREATE OR REPLACE FUNCTION mctv_record_disposal_outcome_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.outcome = 'pending' AND NEW.outcome <> 'pending'
        AND (NEW.id, NEW.run_id, NEW.object_id, NEW.subscriber_number)
            = (OLD.id, OLD.run_id, OLD.object_id, OLD.subscriber_number) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal item records its outcome once and is never deleted',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER privacy_disposalitem_kept BEFORE UPDATE OR DELETE ON privacy_disposalitem
    FOR EACH ROW EXECUTE FUNCTION mctv_record_disposal_outcome_once();
"""
HISTORY_FORWARD, HISTORY_REVERSE = append_only_sql("privacy_historicaldisposalrun")

# What 0024 replaces, for the way back.
BEFORE_0024_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION mctv_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('mctv.retention_purge', true) = txid_current()::text THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not role_exists(cursor, PURGE_ROLE):
            # A superuser or CREATEROLE owner creates it here; otherwise `manage.py db_roles` must have.
            cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise RuntimeError(
                    f"Role {PURGE_ROLE} is missing and this role cannot create it: run `manage.py db_roles` with "
                    "DATABASE_ADMIN_URL set to a superuser first (docs/operations.md)."
                )
            cursor.execute(f"CREATE ROLE {PURGE_ROLE} NOLOGIN")
            cursor.execute(f"GRANT {PURGE_ROLE} TO CURRENT_USER")
    for statement in (APPEND_ONLY_FUNCTION_SQL, RETENTION_DELETE_SQL, DISPOSAL_GUARDS_SQL, HISTORY_FORWARD):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        HISTORY_REVERSE
        + "DROP TRIGGER IF EXISTS privacy_disposalitem_kept ON privacy_disposalitem;"
        + "DROP TRIGGER IF EXISTS privacy_disposalrun_kept ON privacy_disposalrun;"
        + "DROP FUNCTION IF EXISTS mctv_record_disposal_outcome_once();"
        + "DROP FUNCTION IF EXISTS mctv_keep_finished_disposal_run();"
        + f"DROP FUNCTION IF EXISTS {FUNCTION};"
        + BEFORE_0024_FUNCTION_SQL,
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0023_agreement_19_2_clauses_and_subcontractors")]

    operations = [migrations.RunPython(forward, backward)]
