"""One hung or missing dependency costs a request seconds, never the site (docs/operations.md, "Timeouts" and
"Health checks"): database timeouts, gunicorn's settings, /healthz and /readyz, and the demo's SQLite under a
long write. Faults are made on a Redis of the test's own, a dead port, or a scratch SQLite file — never on the
machine's shared services."""

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import environ
import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import ConnectionHandler, load_backend

from mctv.probe import host_header, probe
from mctv.settings.database import database_settings
from tests.privacy.test_queue_faults import PrivateRedis, _free_port

ROOT = Path(__file__).resolve().parent.parent


# --- the database's timeouts -------------------------------------------------------------------------------------


def test_postgresql_gets_a_connect_timeout_health_checks_and_the_statement_timeout_it_is_given(monkeypatch):
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "30000")
    database = database_settings("postgres://app@db:5432/mctv", environ.Env(), conn_max_age=60)
    assert database["OPTIONS"] == {"connect_timeout": 3, "options": "-c statement_timeout=30000"}
    assert (database["CONN_HEALTH_CHECKS"], database["CONN_MAX_AGE"]) == (True, 60)


def test_without_a_statement_timeout_given_none_is_set_for_the_worker_migrate_and_commands(monkeypatch):
    monkeypatch.delenv("DB_STATEMENT_TIMEOUT_MS", raising=False)
    database = database_settings("postgres://app@db:5432/mctv", environ.Env(), conn_max_age=0)
    assert "options" not in database["OPTIONS"] and database["OPTIONS"]["connect_timeout"] == 5


def test_production_settings_carry_the_timeouts_and_exempt_both_probes_from_the_https_redirect():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "d = s.DATABASES['default'];"
        "print(json.dumps([d['OPTIONS'], d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'], s.SECURE_REDIRECT_EXEMPT]))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_", "DJANGO_"))}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "mctv.settings.production",
        "DATABASE_URL": "postgres://mctv_app@db:5432/mctv",
        "DATABASE_APP_ROLE": "mctv_app",
        "SECRET_KEY": "x" * 60,
        "DB_STATEMENT_TIMEOUT_MS": "30000",
    }
    result = subprocess.run(  # noqa: PLW1510 - the test reads the return code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    options, health_checks, max_age, exempt = json.loads(result.stdout)
    assert options == {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    assert (health_checks, max_age) == (True, 60)
    assert {"healthz", "readyz"} <= {pattern.strip("^$") for pattern in exempt}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_past_the_statement_timeout_is_cancelled_by_postgresql(monkeypatch):
    # Given a connection made from the settings, as the web's (gunicorn gives it DB_STATEMENT_TIMEOUT_MS)
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "300")
    ours = connections["default"].settings_dict
    config = database_settings("postgres://", environ.Env(), conn_max_age=0)
    wrapper = load_backend(ours["ENGINE"]).DatabaseWrapper({**ours, "OPTIONS": config["OPTIONS"]}, "timeout_probe")
    started = time.monotonic()
    try:
        # When a statement runs longer, Then the server cancels it
        with pytest.raises(OperationalError, match="statement timeout"), wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
    finally:
        wrapper.close()
    assert time.monotonic() - started < 3


# --- gunicorn ----------------------------------------------------------------------------------------------------


def _gunicorn_conf(monkeypatch, **env):
    """mctv/gunicorn_conf.py as gunicorn would read it with ``env``, loaded fresh (it reads the environment)."""
    for name in ("DB_STATEMENT_TIMEOUT_MS", "DB_CONNECT_TIMEOUT", "GUNICORN_TIMEOUT", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "mctv" / "gunicorn_conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_serves_with_threads_and_every_database_wait_is_shorter_than_its_timeout(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    assert (conf.worker_class, conf.wsgi_app) == ("gthread", "mctv.wsgi:application")
    assert conf.workers >= 2 and conf.threads >= 2
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests
    # The web's statement timeout goes into the workers' environment, below the timeout with room to answer
    assert conf.raw_env == ["DB_STATEMENT_TIMEOUT_MS=30000"] and conf.timeout == 60
    assert conf.graceful_timeout > 30  # a request under way may run out its statement timeout on a restart


def test_gunicorn_refuses_to_start_with_a_statement_timeout_longer_than_its_own(monkeypatch):
    with pytest.raises(ValueError, match="DB_STATEMENT_TIMEOUT_MS"):
        _gunicorn_conf(monkeypatch, DB_STATEMENT_TIMEOUT_MS="90000", GUNICORN_TIMEOUT="60")
    with pytest.raises(ValueError, match="DB_CONNECT_TIMEOUT"):
        _gunicorn_conf(monkeypatch, DB_CONNECT_TIMEOUT="60", GUNICORN_TIMEOUT="60")
    assert _gunicorn_conf(monkeypatch, GUNICORN_TIMEOUT="120").raw_env == ["DB_STATEMENT_TIMEOUT_MS=60000"]


def test_gunicorn_itself_reads_the_config_as_the_image_runs_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "GUNICORN_"))}
    result = subprocess.run(  # noqa: PLW1510 - the test reads the return code
        [sys.executable, "-m", "gunicorn", "--config", "python:mctv.gunicorn_conf", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    printed = {
        name.strip(): value.strip() for name, value in (line.split(" = ", 1) for line in result.stdout.splitlines())
    }
    assert {name: printed[name] for name in ("worker_class", "threads", "timeout", "max_requests")} == {
        "worker_class": "gthread",
        "threads": "4",
        "timeout": "60",
        "max_requests": "1000",
    }


# --- /healthz and /readyz ----------------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query would fail the test
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


@pytest.fixture
def private_broker(settings):
    redis = PrivateRedis()
    redis.start()
    settings.CELERY_BROKER_URL = redis.url
    settings.READINESS_TIMEOUT_SECONDS = 0.5
    try:
        yield redis
    finally:
        if redis.process and redis.process.poll() is None:
            redis.thaw()
        redis.stop()


@pytest.mark.django_db
def test_readyz_names_each_check_and_answers_200_when_the_database_and_redis_answer(
    client, private_broker, django_assert_num_queries
):
    # The probe asks on connections of its own: none of the request's queries
    with django_assert_num_queries(0):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_broker_when_redis_is_not_listening(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok" and checks["broker"].startswith("unavailable (")


@pytest.mark.django_db
def test_readyz_answers_503_within_its_timeout_when_redis_is_frozen(client, private_broker):
    private_broker.freeze()
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["broker"].startswith("unavailable (")
    assert time.monotonic() - started < 3  # 0.5 s to connect or be answered, no retry


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_database_when_postgresql_is_unreachable_and_healthz_still_200(
    client, monkeypatch, settings
):
    settings.CELERY_BROKER_URL = "memory://"  # tasks run in-process: no broker to ask
    # Given the database's address pointing at a port nothing listens on (the requests' own connection untouched)
    dead = {**connections.settings["default"], "HOST": "127.0.0.1", "PORT": str(_free_port())}
    if dead["ENGINE"] != "django.db.backends.postgresql":
        dead["NAME"] = "/nonexistent/dir/db.sqlite3"
    monkeypatch.setitem(connections.settings, "default", dead)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable (OperationalError)", "broker": "not used"},
    }
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_container_probe_asks_with_a_host_the_site_accepts(live_server, settings):
    # Given the site accepting its own name only, as in production
    settings.ALLOWED_HOSTS = ["catv.intra.example"]
    port = int(live_server.url.rsplit(":", 1)[1])
    # Then the probe answers yes with that name, and 127.0.0.1 as a host is refused (400)
    assert probe("/healthz", port=port, host=host_header("catv.intra.example,other.example"), timeout=5)
    assert not probe("/healthz", port=port, host="127.0.0.1", timeout=5)
    assert not probe("/healthz", port=_free_port(), host="catv.intra.example", timeout=1)
    assert [host_header(given) for given in (".example.org", "*", "")] == ["example.org", "localhost", "localhost"]


# --- the demo's SQLite -------------------------------------------------------------------------------------------


def _sqlite_connection(alias: str, config: dict):
    """A connection made by the settings' own database_settings (WAL, IMMEDIATE, busy timeout), put where
    ``transaction.atomic(using=alias)`` finds it in this thread."""
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(dict(config), alias)
    return connections[alias]


@pytest.fixture
def demo_sqlite(tmp_path, django_db_blocker):
    """A scratch SQLite file (the test database is not used)."""
    config = database_settings(f"sqlite:///{tmp_path / 'demo.sqlite3'}", environ.Env(), conn_max_age=0)
    config = ConnectionHandler({"default": config}).settings["default"]  # Django's defaults filled in
    with django_db_blocker.unblock():
        writer, other = _sqlite_connection("demo_writer", config), _sqlite_connection("demo_other", config)
        with writer.cursor() as cursor:
            cursor.execute("CREATE TABLE visit (id integer PRIMARY KEY, note text)")
            cursor.execute("INSERT INTO visit (note) VALUES ('before')")
        yield config
        for alias, connection in (("demo_writer", writer), ("demo_other", other)):
            connection.close()
            del connections[alias]


def test_sqlite_reads_while_a_long_write_is_under_way(demo_sqlite):
    writer, other = connections["demo_writer"], connections["demo_other"]
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    # Given a write transaction under way (a long job)
    with transaction.atomic(using="demo_writer"), writer.cursor() as cursor:
        cursor.execute("INSERT INTO visit (note) VALUES ('during')")
        # When another user reads, Then they see what was committed, without waiting
        started = time.monotonic()
        with other.cursor() as reading:
            reading.execute("SELECT note FROM visit ORDER BY id")
            assert reading.fetchall() == [("before",)]
        assert time.monotonic() - started < 1


def test_sqlite_makes_a_second_writer_wait_its_turn_instead_of_failing_locked(demo_sqlite):
    outcome: list[object] = []

    def second_user():
        # Reads, then writes, in one transaction: under a deferred BEGIN this is "database is locked" at once
        other = _sqlite_connection("demo_other", demo_sqlite)  # a thread has connections of its own
        try:
            with transaction.atomic(using="demo_other"), other.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM visit")
                (seen,) = cursor.fetchone()
                cursor.execute("INSERT INTO visit (note) VALUES (%s)", [f"after {seen}"])
            outcome.append("done")
        except Exception as error:  # noqa: BLE001 - the test reports what happened
            outcome.append(error)
        finally:
            other.close()

    # Given the first user's write transaction under way when the second starts
    with transaction.atomic(using="demo_writer"), connections["demo_writer"].cursor() as cursor:
        cursor.execute("INSERT INTO visit (note) VALUES ('first')")
        thread = threading.Thread(target=second_user)
        thread.start()
        time.sleep(0.5)
    thread.join(timeout=30)

    # Then the second waited for the first to commit, saw its row, and wrote its own
    assert outcome == ["done"]
    with connections["demo_writer"].cursor() as cursor:
        cursor.execute("SELECT note FROM visit ORDER BY id")
        assert cursor.fetchall() == [("before",), ("first",), ("after 2",)]
