import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from privacy.roles import Role

from .factories import DepartmentFactory, UserFactory

REQUIRE_ALL = os.environ.get("MCTV_REQUIRE_ALL") == "1"
CHROMIUM = "/usr/bin/chromium"


def _missing(item) -> str | None:
    """Why this test cannot run on this machine, or None."""
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL (the tests are running on SQLite)"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"needs Debian's chromium at {CHROMIUM}"
    if item.get_closest_marker("pdf") and not shutil.which("pdftotext"):
        return "needs poppler-utils (pdftotext, pdffonts)"
    if item.get_closest_marker("gettext") and not shutil.which("xgettext"):
        return "needs Debian's gettext (xgettext) to extract the messages"
    if item.get_closest_marker("celery_worker") and not os.environ.get("CELERY_TEST_BROKER_URL"):
        return "needs Redis: set CELERY_TEST_BROKER_URL (e.g. redis://127.0.0.1:6379/15)"
    return None


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason is None:
        return
    if REQUIRE_ALL:
        pytest.fail(f"CI requires every component, but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Before the test database is created: the app and purge roles of mctv/db_roles.py exist (CI makes them with
    `manage.py db_roles`; on a developer's PostgreSQL the test user, a superuser, creates them here)."""
    if connection.vendor != "postgresql":
        return
    import psycopg

    from mctv.db_roles import PURGE_ROLE, ensure_roles, role_exists

    app = settings.DATABASE_APP_ROLE
    params = connection.settings_dict
    with (
        psycopg.connect(
            dbname="postgres",
            user=params["USER"],
            password=params["PASSWORD"] or None,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            autocommit=True,
        ) as admin,
        admin.cursor() as cursor,
    ):
        if not (role_exists(cursor, app) and role_exists(cursor, PURGE_ROLE)):
            ensure_roles(cursor, owner=params["USER"], app=app)


def pytest_report_header(config):
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture
def department(db):
    return DepartmentFactory.create()


def _user_with_role(role: Role, department):
    user = UserFactory.create(username=str(role), department=None if role == Role.CONTRACTOR else department)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def clerk(department):
    return _user_with_role(Role.CLERK, department)


@pytest.fixture
def officer(department):
    return _user_with_role(Role.OFFICER, department)


@pytest.fixture
def auditor(department):
    return _user_with_role(Role.AUDITOR, department)


@pytest.fixture
def contractor_user(department):
    from .factories import AgreementFactory

    user = _user_with_role(Role.CONTRACTOR, department)
    user.contractor = AgreementFactory.create().contractor
    user.save()
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory.create(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


class _Worker:
    def __init__(self, process, vendor):
        self.process, self.vendor = process, vendor


@pytest.fixture
def celery_worker_env() -> dict:
    """Extra environment for the worker subprocess; a test overrides this fixture to add some."""
    return {}


@pytest.fixture
def celery_worker_pool() -> list[str]:
    """The worker's pool: the solo pool runs tasks in the worker process itself; a test overrides this fixture to
    run them as production does, in prefork children (daemons)."""
    return ["--pool", "solo"]


@pytest.fixture
def celery_worker(transactional_db, celery_worker_env, celery_worker_pool):
    """A real ``celery worker`` subprocess on CELERY_TEST_BROKER_URL, using this test run's database.

    The test process sends over the same Redis; tasks see only committed rows, hence ``transactional_db``.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from mctv.celery import app

    broker = os.environ["CELERY_TEST_BROKER_URL"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        database_url = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        database_url = f"sqlite:///{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mctv.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        **celery_worker_env,
    }
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "mctv",
            "worker",
            *celery_worker_pool,
            "--loglevel",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    _reconfigure(app, broker_url=broker, result_backend=broker, task_always_eager=False)
    try:
        deadline = time.monotonic() + 30
        while not app.control.inspect(timeout=1).ping():
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.poll() is not None else ""
                pytest.fail(f"the Celery worker did not start: {output}")
        yield _Worker(process, connection.vendor)
    finally:
        _reconfigure(app, **saved)
        process.terminate()
        process.wait(timeout=30)


def _reconfigure(app, **conf):
    """Point the Celery app elsewhere, dropping the connection pools and backend it has already cached."""
    from kombu import pools

    app.conf.update(conf)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    # kombu keeps one pool per broker URL process-wide: a closed one would be handed back to the next worker test.
    pools.reset()
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)  # Celery keeps the result backend per thread
