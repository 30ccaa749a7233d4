"""Readiness: can this web process serve a request now? (``/readyz``; ``/healthz`` is liveness and checks nothing.)

Each dependency is asked once, on a connection of the probe's own with a short timeout, so a hung database or broker
makes the answer a quick 503, never a hung probe, and the probe never disturbs the connection requests use.
What failed is named by the error's class only: the answer is public.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

log = logging.getLogger("mctv.health")

OK = "ok"


def database_check(timeout: float) -> str:
    """SELECT 1 on a fresh connection to the default database, within ``timeout`` seconds to connect and to answer."""
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    options = dict(settings_dict.get("OPTIONS", {}))
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = max(2, round(timeout))  # libpq's least
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(timeout * 1000)}".strip()
    elif settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        options["timeout"] = timeout
    probe = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        {**settings_dict, "OPTIONS": options, "CONN_MAX_AGE": 0}, DEFAULT_DB_ALIAS
    )
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        probe.close()
    return OK


def broker_check(timeout: float) -> str:
    """PING the Celery broker within ``timeout`` seconds, no retry. Without a broker (the demo runs tasks in-process)
    there is nothing to ask."""
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return "not used"
    if scheme in ("redis", "rediss", "unix"):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        try:
            client.ping()
        finally:
            client.close()
        return OK
    from kombu import Connection

    with Connection(url, connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))
    return OK


def readiness(timeout: float) -> tuple[bool, dict[str, str]]:
    """(ready, what each check found)."""
    found: dict[str, str] = {}
    for name, check in (("database", database_check), ("broker", broker_check)):
        try:
            found[name] = check(timeout)
        except Exception as error:  # noqa: BLE001 - any failure means "not ready", and is named
            found[name] = f"unavailable ({type(error).__name__})"
            log.warning("readiness: %s %s", name, found[name])
    return all(not value.startswith("unavailable") for value in found.values()), found
