"""The database connection's settings, for every environment (base and production call ``database_settings``).

PostgreSQL: a connect timeout everywhere (DB_CONNECT_TIMEOUT, seconds), and a statement timeout only where
DB_STATEMENT_TIMEOUT_MS is set: gunicorn's config sets it for the web, shorter than a web worker's timeout
(mctv/gunicorn_conf.py); docker-compose gives the Celery worker a longer one, under its task time limit; migrate
and other commands have none — their long statements are the job (docs/operations.md, "Timeouts").

SQLite (the demo only): WAL, so a reader never waits for a writer nor a writer for readers; a transaction takes the
write lock when it begins (IMMEDIATE), so a second writer waits its turn for up to DB_BUSY_TIMEOUT_SECONDS instead
of failing with "database is locked" when it would upgrade a read lock mid-transaction.
"""

import environ

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL"


def database_settings(url: str, env: environ.Env, *, conn_max_age: int) -> dict:
    """``DATABASES["default"]`` for the database at ``url``."""
    database = env.db_url_config(url)
    database.setdefault("CONN_MAX_AGE", conn_max_age)
    # A persistent connection the database dropped (a restart, a failover) is replaced before a request uses it.
    database["CONN_HEALTH_CHECKS"] = True
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == POSTGRESQL:
        options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
        statement_timeout_ms = env.int("DB_STATEMENT_TIMEOUT_MS", default=0)
        if statement_timeout_ms > 0:
            given = options.get("options", "")
            options["options"] = f"{given} -c statement_timeout={statement_timeout_ms}".strip()
    elif database["ENGINE"] == SQLITE:
        options.setdefault("timeout", env.float("DB_BUSY_TIMEOUT_SECONDS", default=20.0))
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("init_command", SQLITE_INIT_COMMAND)
    return database
