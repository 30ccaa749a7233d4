"""The restore drill (``manage.py restore_check``; docs/operations.md, "Backup and restore"): does a dump of this
database restore, whole and working, into a new one, by the documented procedure?

1. ``pg_dump -Fc`` of the database the settings name, in one snapshot with the row counts it is compared to (so a
   live database may be checked);
2. ``createdb`` a scratch database, ``pg_restore --no-owner --exit-on-error`` as the connecting role;
3. ``manage.py migrate --check`` on the copy (every migration recorded), then ``manage.py migrate``, the step after
   every restore: it grants the app role again and hands the purge functions back to their role;
4. on the copy: the same rows per table; each table's sequence past its largest id, and an insert by the app role
   takes one; the same triggers, enabled, and each non-empty append-only log refuses UPDATE and DELETE; the same
   privileges per role; the purge functions owned by the purge role; no UPDATE, DELETE or temporary table for
   the app role.
The scratch database and the dump are removed however the drill ends. PostgreSQL only; client programs of the
server's major version (pg_dump 17 writes settings a 15 server refuses).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import errors, sql

from mctv.db_roles import APPEND_ONLY_TABLES_SQL, PURGE_FUNCTIONS, PURGE_ROLE

SUFFIX = "_restore_check"
CLIENTS = ("pg_dump", "createdb", "pg_restore")

TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1
"""
TRIGGERS_SQL = """
    SELECT tgrelid::regclass::text, tgname, tgenabled::text, tgfoid::regprocedure::text
    FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2
"""
# The project's own functions (an extension's, pg_trgm's, come with the extension).
FUNCTIONS_SQL = """
    SELECT p.oid::regprocedure::text, p.prosecdef, md5(p.prosrc) FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    ORDER BY 1
"""
# Who may do what on each table, sequence and function, whoever granted it and leaving out each object's owner:
# with --no-owner the restoring role owns the copy.
PRIVILEGES_SQL = """
    SELECT kind, name, CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee) END,
           acl.privilege_type
    FROM (
        SELECT 'relation' AS kind, c.oid::regclass::text AS name, c.relowner AS owner, c.relacl AS acl
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
        UNION ALL
        SELECT 'function', p.oid::regprocedure::text, p.proowner, p.proacl
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'
    ) AS o, aclexplode(o.acl) AS acl
    WHERE acl.grantee <> o.owner
    ORDER BY 1, 2, 3, 4
"""
# Each table's own sequence (serial or identity), its next value, and the table's largest value of that column.
SEQUENCES_SQL = """
    SELECT d.refobjid::regclass::text, a.attname, s.seqrelid::regclass::text, s.seqincrement
    FROM pg_sequence s
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    ORDER BY 1
"""


class RestoreCheckError(Exception):
    """The drill could not run (no client programs, a failed step); what it found wrong is its report instead."""


def run_restore_check(alias: str = "default", *, say: Callable[[str], None] = print) -> list[str]:
    """Run the drill on ``alias``'s database; return the problems found (none: the restore works)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise RestoreCheckError("The restore drill is for PostgreSQL (pg_dump, pg_restore).")
    params = connection.settings_dict
    source = params["NAME"]
    if source.endswith(SUFFIX):
        raise RestoreCheckError(f"{source} is a restore drill's scratch database.")
    scratch = source[: 63 - len(SUFFIX)] + SUFFIX
    server = _server_major(params, source)
    _check_clients(server)
    with tempfile.TemporaryDirectory(prefix="mctv-restore-check-") as directory:
        dump = Path(directory) / "backup.dump"
        with _connect(params, source) as origin:
            # One snapshot for the dump and what it is compared to; the dump runs while this transaction holds it.
            origin.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = _value(origin, "SELECT pg_export_snapshot()")
            expected = _catalogue(origin)
            _run(["pg_dump", "-Fc", "--snapshot", snapshot, "-f", str(dump), source], params)
            origin.execute("COMMIT")
        say(f"dumped {source} ({dump.stat().st_size:,} bytes, {len(expected['rows'])} tables)")
        _drop(params, source, scratch)
        try:
            _run(["createdb", "--maintenance-db", source, scratch], params)
            _run(["pg_restore", "--no-owner", "--exit-on-error", "-d", scratch, str(dump)], params)
            say(f"restored into {scratch} with pg_restore --no-owner --exit-on-error")
            problems = _migrate(params, scratch, say)
            with _connect(params, scratch) as copy:
                problems += _compare(expected, _catalogue(copy), say)
                problems += _sequences(copy, say)
                problems += _append_only(copy, say)
                problems += _roles(copy, scratch, say)
        finally:
            _drop(params, source, scratch)
    return problems


def _value(conn: psycopg.Connection, query, params: list | None = None):
    """The first column of the one row ``query`` returns."""
    row = conn.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


def _connect(params: dict, database: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=database,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        connect_timeout=10,
        autocommit=True,
    )


def _client_env(params: dict) -> dict[str, str]:
    """The client programs find the server as Django does; the password goes in the environment, not argv."""
    given = {"PGHOST": params["HOST"], "PGPORT": params["PORT"], "PGUSER": params["USER"]}
    given["PGPASSWORD"] = params["PASSWORD"]
    given["PGSSLMODE"] = params.get("OPTIONS", {}).get("sslmode", "")
    return {**os.environ, **{key: str(value) for key, value in given.items() if value}}


def _run(command: list[str], params: dict, env: dict | None = None) -> None:
    done = subprocess.run(command, env=env or _client_env(params), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RestoreCheckError(f"{' '.join(command[:3])} … failed:\n{(done.stderr or done.stdout)[-2000:]}")


def _server_major(params: dict, database: str) -> int:
    with _connect(params, database) as conn:
        return int(_value(conn, "SHOW server_version_num")) // 10000


def _check_clients(server: int) -> None:
    for program in CLIENTS:
        if shutil.which(program) is None:
            raise RestoreCheckError(f"{program} is not installed (Debian: postgresql-client-{server}).")
        version = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", version)
        if found is None or int(found.group(1)) != server:
            raise RestoreCheckError(
                f"{program} is {version.strip()}; the server is PostgreSQL {server}: use its own version's client."
            )


def _drop(params: dict, source: str, scratch: str) -> None:
    if not scratch.endswith(SUFFIX) or scratch == source:  # never anything but the drill's own scratch database
        raise RestoreCheckError(f"refusing to drop {scratch}")
    with _connect(params, source) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))


def _migrate(params: dict, scratch: str, say: Callable[[str], None]) -> list[str]:
    """``migrate --check`` then ``migrate`` on the copy, by manage.py with these settings pointed at it."""
    user = quote(params["USER"] or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    at = f"{user}{password}@" if user else ""
    url = f"postgres://{at}{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{scratch}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "--noinput", "-v0"]
    checked = subprocess.run([*manage, "--check"], env=env, capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        return [f"migrate --check on the copy: migrations not recorded as applied {checked.stdout[-500:]}"]
    say("migrate --check: every migration is recorded")
    _run(manage, params, env=env)
    say("migrate: the app role's privileges granted, the purge functions handed to their role")
    return []


def _catalogue(conn: psycopg.Connection) -> dict[str, list]:
    tables = [name for (name,) in conn.execute(TABLES_SQL)]
    rows = [(table, _value(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))) for table in tables]
    return {
        "rows": rows,
        "triggers": conn.execute(TRIGGERS_SQL).fetchall(),
        "functions": conn.execute(FUNCTIONS_SQL).fetchall(),
        "privileges": conn.execute(PRIVILEGES_SQL).fetchall(),
    }


def _compare(expected: dict[str, list], found: dict[str, list], say: Callable[[str], None]) -> list[str]:
    problems = []
    for what, wanted in expected.items():
        missing = sorted(set(wanted) - set(found[what]), key=str)
        extra = sorted(set(found[what]) - set(wanted), key=str)
        if missing or extra:
            problems.append(f"{what} differ from the source: missing {missing[:5]}, unexpected {extra[:5]}")
        else:
            say(f"{what}: the same as the source ({len(wanted)})")
    return problems


def _sequences(conn: psycopg.Connection, say: Callable[[str], None]) -> list[str]:
    problems = []
    owned = conn.execute(SEQUENCES_SQL).fetchall()
    for table, column, sequence, increment in owned:
        # Names from regclass are quoted already.
        state = conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(sequence))).fetchone()
        assert state is not None
        last, called = state
        largest = _value(conn, sql.SQL("SELECT max({}) FROM {}").format(sql.Identifier(column), sql.SQL(table)))
        upcoming = last + increment if called else last
        if largest is not None and upcoming <= largest:
            problems.append(f"{sequence} would hand out {upcoming}, but {table}.{column} holds up to {largest}")
    say(f"sequences: {len(owned) - len(problems)} of {len(owned)} hand out ids past their table's largest")
    # And a row goes in: as the app role where there is one, into a table the migrations filled.
    app = settings.DATABASE_APP_ROLE
    largest = _value(conn, "SELECT max(id) FROM auth_group") or 0
    try:
        with conn.transaction():
            if app:
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(app)))
            new = _value(conn, "INSERT INTO auth_group (name) VALUES ('restore check') RETURNING id")
    except psycopg.Error as error:
        return [*problems, f"a new row could not be inserted: {type(error).__name__}: {error}"]
    if new <= largest:
        problems.append(f"a new auth_group row took id {new}, not past {largest}")
    else:
        say(f"a new row inserted{' as ' + app if app else ''} took id {new}, past {largest}")
    return problems


def _append_only(conn: psycopg.Connection, say: Callable[[str], None]) -> list[str]:
    logs = [name for (name,) in conn.execute(APPEND_ONLY_TABLES_SQL)]
    if not logs:
        return ["no append-only log found: the triggers did not come back"]
    problems = []
    for log in logs:
        table = sql.SQL(log)  # a regclass's text: quoted already
        if not _value(conn, sql.SQL("SELECT EXISTS (SELECT FROM {})").format(table)):
            say(f"{log}: empty, its trigger present and enabled (nothing to refuse)")
            continue
        column = _value(
            conn,
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " ORDER BY attnum LIMIT 1",
            [log],
        )
        one_row = sql.SQL("ctid = (SELECT ctid FROM {} LIMIT 1)").format(table)
        statements = {
            "UPDATE": sql.SQL("UPDATE {} SET {} = {} WHERE {}").format(
                table, sql.Identifier(column), sql.Identifier(column), one_row
            ),
            "DELETE": sql.SQL("DELETE FROM {} WHERE {}").format(table, one_row),
        }
        for verb, statement in statements.items():
            try:
                with conn.transaction():
                    conn.execute(statement)
                    raise _Allowed
            except errors.InsufficientPrivilege:
                continue
            except _Allowed:
                problems.append(f"{log}: {verb} was allowed")
        if not any(problem.startswith(f"{log}:") for problem in problems):
            say(f"{log}: UPDATE and DELETE refused by its trigger")
    return problems


class _Allowed(Exception):
    """Rolls back a change that should have been refused."""


def _roles(conn: psycopg.Connection, database: str, say: Callable[[str], None]) -> list[str]:
    problems = []
    for function in PURGE_FUNCTIONS:
        row = conn.execute(
            "SELECT pg_get_userbyid(proowner), prosecdef FROM pg_proc WHERE oid = to_regprocedure(%s)", [function]
        ).fetchone()
        if row != (PURGE_ROLE, True):
            problems.append(f"{function}: owned by {row and row[0]}, not {PURGE_ROLE} (security definer)")
    app = settings.DATABASE_APP_ROLE
    if app:
        logs = [name for (name,) in conn.execute(APPEND_ONLY_TABLES_SQL)]
        for log in logs:
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                if _value(conn, "SELECT has_table_privilege(%s, %s, %s)", [app, log, privilege]):
                    problems.append(f"{app} may {privilege} {log}")
        if _value(conn, "SELECT has_database_privilege(%s, %s, 'TEMPORARY')", [app, database]):
            problems.append(f"{app} may create temporary tables in the copy")
    if not problems:
        say(f"roles: the purge functions are {PURGE_ROLE}'s" + (f"; {app} may not change a log" if app else ""))
    return problems
