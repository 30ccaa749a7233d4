"""Three PostgreSQL roles, so that not even the application's own connection can rewrite what it has logged.

- the **owner** owns the tables and runs the migrations (``manage.py migrate`` with the owner's DATABASE_URL);
- the **app** role is what the web, the worker and beat connect as: it reads and writes rows, but owns nothing,
  so it cannot TRUNCATE, ALTER a table, disable or replace a trigger; on the append-only logs it may only
  INSERT and SELECT, and disposal runs and items it may not delete;
- the **purge** role (``PURGE_ROLE``, no login) owns two functions, ``mctv_retention_delete`` (migration 0024)
  and ``mctv_disposal_record_delete`` (0039): the only DELETE the logs' and disposal records' triggers let
  through is one made as this role, which only happens inside them — and they delete only the pending items of
  a disposal run that is under way.

``ensure_roles`` creates them (a superuser's or CREATEROLE connection: ``manage.py db_roles``);
``grant_app_privileges`` runs after every ``migrate`` for the role named by ``DATABASE_APP_ROLE``, and
``own_purge_functions`` gives the purge functions back to the purge role (a restore with ``--no-owner`` gives them
to the restoring role, as which the logs' trigger would refuse their DELETE).
"""

from psycopg import sql

# Fixed: the append-only trigger of every database names it (privacy/migrations/0024).
PURGE_ROLE = "mctv_purge"
PURGE_FUNCTIONS = [
    "public.mctv_retention_delete(bigint, regclass, bigint[])",
    "public.mctv_disposal_record_delete(bigint, bigint[])",  # migration 0039
]
# What the app role is refused on top of owning nothing: rewriting the logs, and deleting disposal records.
NO_DELETE_TABLES = ["privacy_disposalrun", "privacy_disposalitem"]
# Tables whose trigger refuses UPDATE and DELETE (mctv.db.append_only_sql) are found by the trigger's name.
APPEND_ONLY_TABLES_SQL = r"""
    SELECT tgrelid::regclass::text FROM pg_trigger
    WHERE tgname LIKE '%\_append\_only' AND NOT tgisinternal ORDER BY 1
"""


def role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def ensure_roles(
    cursor,
    *,
    owner: str,
    app: str,
    database: str | None = None,
    owner_password: str | None = None,
    app_password: str | None = None,
) -> list[str]:
    """Create what is missing; return what was done. Passwords are set when given (trust auth needs none)."""
    done = []
    for role, options, password in [
        (owner, "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE", owner_password),
        (app, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", app_password),
        (PURGE_ROLE, "NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", None),
    ]:
        if not role_exists(cursor, role):
            cursor.execute(sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(role)))
            done.append(f"created role {role}")
        if password:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    # The owner hands the purge function to the purge role (ALTER FUNCTION … OWNER needs the membership), and
    # may act as the app role (SET ROLE: the tests run the purge so); the app role is a member of nothing.
    for member_of in (PURGE_ROLE, app):
        cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), sql.Identifier(owner)))
    if database:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(owner))
            )
            done.append(f"created database {database}")
        else:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), sql.Identifier(owner))
            )
    return done


def grant_app_privileges(cursor, app: str) -> None:
    """Re-assert, after every migration, exactly what the app role may do in this database's public schema.
    Run in one transaction (a running app never sees the moment between the REVOKE and the GRANT); objects a
    partial migration has not created yet are skipped."""
    role = sql.Identifier(app)
    cursor.execute("SELECT current_database()")
    (database,) = cursor.fetchone()
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}"),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC, {}"),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}"),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}"),
        # The app reads which migrations ran; it never records one.
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}"),
    ]
    for statement in statements:
        cursor.execute(statement.format(role))
    # No temporary tables: nothing of the app's own can shadow a table a function reads.
    cursor.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC, {}").format(sql.Identifier(database), role))
    for table in _append_only_tables(cursor):
        cursor.execute(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), role))
    for table in NO_DELETE_TABLES:
        cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
        if cursor.fetchone()[0] is not None:
            cursor.execute(sql.SQL("REVOKE DELETE ON {} FROM {}").format(sql.Identifier(table), role))
    for function in PURGE_FUNCTIONS:
        cursor.execute("SELECT to_regprocedure(%s)", [function])
        if cursor.fetchone()[0] is not None:
            cursor.execute(sql.SQL("GRANT EXECUTE ON FUNCTION " + function + " TO {}").format(role))


def own_purge_functions(cursor) -> list[str]:
    """Hand each purge function owned by another role to the purge role; return those handed. Run by the owner
    (a member of the purge role) after every migrate: a no-op but after a restore made with ``--no-owner``."""
    handed = []
    for function in PURGE_FUNCTIONS:
        cursor.execute("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = to_regprocedure(%s)", [function])
        row = cursor.fetchone()
        if row is None or row[0] == PURGE_ROLE:
            continue
        # As migration 0024: a new owner needs CREATE on the schema at the moment of the change, and nothing after.
        purge = sql.Identifier(PURGE_ROLE)
        cursor.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(purge))
        cursor.execute(sql.SQL("ALTER FUNCTION " + function + " OWNER TO {}").format(purge))
        cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(purge))
        handed.append(function)
    return handed


def _append_only_tables(cursor) -> list[str]:
    cursor.execute(APPEND_ONLY_TABLES_SQL)
    return [name for (name,) in cursor.fetchall()]
