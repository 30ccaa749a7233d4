"""gunicorn's settings for the web (``gunicorn --config python:mctv.gunicorn_conf``; Dockerfile, docker-compose.yml).

One hung dependency must cost a thread, not the site:
- gthread workers: a request waiting on the database, the broker or a long PDF holds one of a worker's threads;
  the other threads and workers keep answering;
- every wait a request can make is bounded below ``timeout``: the database's connect and statement timeouts (the
  statement timeout is set here, for the web only — mctv/settings/database.py), the broker's
  (BROKER_TIMEOUT_SECONDS). With gthread, ``timeout`` is the worker's heartbeat: a worker whose main loop stops
  is killed and replaced; a slow request is bounded by those timeouts, not by gunicorn;
- ``graceful_timeout`` lets a request under way finish on a restart (compose's stop_grace_period is longer);
- ``max_requests`` (with jitter, so workers do not all restart at once) recycles a worker's memory (WeasyPrint).
Every value may be given in the environment (GUNICORN_*, DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT).
"""

import os


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def check_timeouts(*, timeout: int, statement_timeout_ms: int, connect_timeout: int) -> None:
    """Refuse to start with a database wait a web worker would outlive no longer than it."""
    if not 0 < statement_timeout_ms < timeout * 1000:
        raise ValueError(
            f"DB_STATEMENT_TIMEOUT_MS ({statement_timeout_ms}) must be above 0 and below gunicorn's timeout "
            f"({timeout} s): a statement must not outlast the web worker waiting for it."
        )
    if not 0 < connect_timeout < timeout:
        raise ValueError(f"DB_CONNECT_TIMEOUT ({connect_timeout} s) must be below gunicorn's timeout ({timeout} s).")


wsgi_app = "mctv.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", 3)
threads = _env_int("GUNICORN_THREADS", 4)
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 35)
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
accesslog = "-"

# The web's statement timeout: half the worker's timeout unless given. Only the web gets it by default; the worker's
# long jobs have their own (docker-compose.yml), migrate and other commands none.
WEB_STATEMENT_TIMEOUT_MS = _env_int("DB_STATEMENT_TIMEOUT_MS", timeout * 1000 // 2)
check_timeouts(
    timeout=timeout,
    statement_timeout_ms=WEB_STATEMENT_TIMEOUT_MS,
    connect_timeout=_env_int("DB_CONNECT_TIMEOUT", 5),
)
# Set in the workers' environment before Django reads its settings.
raw_env = [f"DB_STATEMENT_TIMEOUT_MS={WEB_STATEMENT_TIMEOUT_MS}"]
