"""Where a request of the load run spends its time, in one process under the load run's settings.

    BENCH_DATABASE_URL=postgres://… python bench/profile_requests.py [--requests N] [--cprofile N]

The load run's two pages (the search page with its four searches as the clerk, the portal's work-order page as the
bench contractor, which writes a Provision per view) are called through Django's WSGI handler — the production
settings, DEBUG off, the cached template loader, the database session backend, the whole middleware stack — one
request after another, with the same cookies and headers the load run's clients send. Each request's time is
charged to the innermost of these that is running (exclusive time, so the parts add up to the whole): each
middleware, CSRF's view check, the session's load and save, the user's load, the URL resolver, the view, each
template and include, each context processor, the access log's and the provision's records, SQL (the database
driver's execute: the statement's round trip, the driver's adaptation), and the rest of the handler.

CPU milliseconds (``time.process_time``) are what decide throughput on a shared two-core machine; wall
milliseconds are printed beside them. The PostgreSQL backend's CPU (its /proc stat) is counted apart: on the same
two cores, it is part of each request's cost. Figures only: nothing here asserts on time.
"""

import argparse
import cProfile
import importlib
import importlib.util
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mctv_bench")
SEARCHES = ("田中", "たなか", "5112", "中央町")


class Ledger:
    """Exclusive CPU and wall time per named part: entering a part stops the clock of the part it interrupts."""

    def __init__(self):
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list] = []

    def _charge(self):
        cpu, wall = time.process_time(), time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.cpu[top[0]] += cpu - top[1]
            self.wall[top[0]] += wall - top[2]
            top[1], top[2] = cpu, wall
        return cpu, wall

    def enter(self, name: str):
        cpu, wall = self._charge()
        self.calls[name] += 1
        self.stack.append([name, cpu, wall])

    def leave(self):
        self._charge()
        self.stack.pop()
        if self.stack:
            self.stack[-1][1], self.stack[-1][2] = time.process_time(), time.perf_counter()

    def reset(self):
        self.cpu.clear(), self.wall.clear(), self.calls.clear()


LEDGER = Ledger()


def _timed(fn, name):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        LEDGER.enter(name(*args) if callable(name) else name)
        try:
            return fn(*args, **kwargs)
        finally:
            LEDGER.leave()

    return wrapper


def hook(owner, attribute: str, name) -> None:
    setattr(owner, attribute, _timed(getattr(owner, attribute), name))


def _timed_middleware(path: str):
    """A middleware class that runs ``path``'s middleware, its own work charged to its name."""
    from django.utils.module_loading import import_string

    label = "middleware: " + path.rsplit(".", 1)[-1]

    class Timed:
        def __init__(self, get_response):
            def inner(request):
                # What runs between one middleware and the next is the handler's (exception conversion).
                LEDGER.enter("wsgi handler (rest)")
                try:
                    return get_response(request)
                finally:
                    LEDGER.leave()

            self.middleware = import_string(path)(inner)

        def __call__(self, request):
            LEDGER.enter(label)
            try:
                return self.middleware(request)
            finally:
                LEDGER.leave()

        def __getattr__(self, attribute):
            # process_view and the like: the handler asks whether they exist, then calls them.
            found = getattr(self.middleware, attribute)
            return _timed(found, f"{label}.{attribute}") if callable(found) else found

    return Timed


def setup(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mctv.settings.production",
        DATABASE_URL=database_url,
        DATABASE_APP_ROLE=os.environ.get("DATABASE_APP_ROLE") or "mctv_app",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-profile-secret-key-0123456789abcdef0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
    )
    import django

    django.setup()


def instrument() -> None:
    """Wrap the parts of a request in the ledger (this process only)."""
    from django.conf import settings
    from django.contrib import auth
    from django.contrib.sessions.backends import db as session_db
    from django.core.handlers import base
    from django.template import base as template_base
    from django.urls import resolvers

    from privacy.services import access_log, provision
    from privacy.views import portal
    from subscribers import list_views

    settings.MIDDLEWARE = [f"bench.profile_requests.middleware_{i}" for i in range(len(settings.MIDDLEWARE))]
    hook(session_db.SessionStore, "load", "session: load")
    hook(session_db.SessionStore, "save", "session: save")
    hook(auth, "get_user", "auth: user load")  # AuthenticationMiddleware calls it as auth.get_user
    hook(resolvers.URLResolver, "resolve", "url resolver")
    hook(base.BaseHandler, "_get_response", "view (own code)")
    hook(template_base.Template, "render", lambda template, *args: f"template: {template.name}")
    hook(access_log, "access_log_record", "access log record")
    list_views.access_log_record = access_log.access_log_record
    hook(provision, "provision_record", "provision record")
    portal.provision_record = provision.provision_record
    _hook_context_processors()
    _hook_details()


def _hook_details() -> None:
    """The parts issue 20's profile found worth naming (docs/performance.md, "Throughput")."""
    from django import urls
    from django.template import defaulttags

    from mctv import navigation
    from privacy import auth as staff_auth
    from privacy.selectors import work_orders
    from privacy.services import provision
    from privacy.views import portal
    from subscribers import normalize

    hook(normalize, "format_phone", "phone formatting")
    hook(urls, "reverse", "url reverse")
    defaulttags.reverse = navigation.reverse = urls.reverse  # type: ignore[attr-defined]  # the names they call
    if importlib.util.find_spec("mctv.links"):  # since issue 20: addresses reversed once per page or process
        setattr(importlib.import_module("mctv.links"), "reverse", urls.reverse)  # noqa: B010
    hook(navigation, "menu_for", "main menu (built)")
    hook(staff_auth, "preload_roles_and_permissions", "auth: roles and permissions")
    hook(work_orders, "work_orders_visible_to", "portal: work_orders_visible_to (built)")
    portal.work_orders_visible_to = work_orders.work_orders_visible_to
    hook(provision, "provision_check", "portal: provision check")


def _hook_context_processors() -> None:
    from django.template import engines

    engine = engines["django"].engine  # type: ignore[attr-defined]
    processors = engine.template_context_processors
    engine.__dict__["template_context_processors"] = tuple(
        _timed(processor, f"context processor: {processor.__module__}.{processor.__name__}") for processor in processors
    )


def __getattr__(name: str):
    # middleware_<i>: the i-th of the settings' middleware, timed (instrument() points MIDDLEWARE here).
    if name.startswith("middleware_"):
        from mctv.settings import base

        return _timed_middleware(base.MIDDLEWARE[int(name.removeprefix("middleware_"))])
    raise AttributeError(name)


def signed_in_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def the_requests() -> list[tuple[str, str, str]]:
    """(page, path with query, cookie) of the load run, in turn: a search, a portal page, a search…"""
    from bench.run import bench_contractor_user
    from privacy.models import User
    from privacy.selectors.work_orders import work_orders_visible_to

    contractor = bench_contractor_user()
    orders = list(work_orders_visible_to(contractor).values_list("pk", flat=True)[:20])
    staff, portal = signed_in_cookie(User.objects.get(username="clerk")), signed_in_cookie(contractor)
    searches = [("search", f"/subscribers/?{urlencode({'q': q})}", staff) for q in SEARCHES]
    pages = [("portal", f"/portal/work-orders/{pk}/", portal) for pk in orders]
    return [pair for index in range(len(pages)) for pair in (searches[index % len(searches)], pages[index])]


def environ_for(path: str, cookie: str) -> dict:
    from urllib.parse import unquote

    parsed = urlparse(path)
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": unquote(parsed.path).encode().decode("latin-1"),
        "QUERY_STRING": parsed.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8799",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_CONNECTION": "keep-alive",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(application, path: str, cookie: str) -> int:
    status = []
    LEDGER.enter("wsgi handler (rest)")
    try:
        body = application(environ_for(path, cookie), lambda s, headers, exc_info=None: status.append(s))
        b"".join(body)
        body.close()
    finally:
        LEDGER.leave()
    return int(status[0].split()[0])


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(application, requests: list, count: int) -> dict:
    """``count`` requests of each page: CPU and wall per request, parts, queries, and the backend's CPU."""
    from django.db import connection

    results = {}
    for page in ("search", "portal"):
        mine = [r for r in requests if r[0] == page]
        for _, path, cookie in mine[:5]:
            assert call(application, path, cookie) == 200, path  # warm: templates compiled, connection open
        LEDGER.reset()

        def charged(execute, sql, params, many, context):
            LEDGER.enter("sql")
            try:
                return execute(sql, params, many, context)
            finally:
                LEDGER.leave()

        pid = connection.connection.info.backend_pid
        backend_before = backend_cpu_seconds(pid)
        cpu, wall = time.process_time(), time.perf_counter()
        with connection.execute_wrapper(charged):
            for index in range(count):
                _, path, cookie = mine[index % len(mine)]
                assert call(application, path, cookie) == 200, path
        assert connection.connection.info.backend_pid == pid, "one persistent connection throughout"
        results[page] = {
            "cpu_ms": (time.process_time() - cpu) * 1000 / count,
            "wall_ms": (time.perf_counter() - wall) * 1000 / count,
            "queries": LEDGER.calls["sql"] / count,
            "backend_cpu_ms": (backend_cpu_seconds(pid) - backend_before) * 1000 / count,
            "parts": {
                name: (LEDGER.cpu[name] * 1000 / count, LEDGER.wall[name] * 1000 / count, LEDGER.calls[name] / count)
                for name in sorted(LEDGER.cpu, key=lambda n: -LEDGER.cpu[n])
            },
        }
    return results


def report(results: dict) -> None:
    for page, row in results.items():
        print(
            f"\n== {page}: {row['cpu_ms']:.2f} CPU ms, {row['wall_ms']:.2f} wall ms per request, "
            f"{row['queries']:.1f} queries, PostgreSQL backend {row['backend_cpu_ms']:.2f} CPU ms"
        )
        print(f"{'part':<70} {'CPU ms':>7} {'wall ms':>8} {'calls':>6}")
        for name, (cpu, wall, calls) in row["parts"].items():
            if cpu >= 0.005 or wall >= 0.05:
                print(f"{name:<70} {cpu:>7.2f} {wall:>8.2f} {calls:>6.1f}")


def profile(application, requests: list, count: int) -> None:
    for page in ("search", "portal"):
        mine = [r for r in requests if r[0] == page]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for index in range(count):
            _, path, cookie = mine[index % len(mine)]
            call(application, path, cookie)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(60)
        print(f"\n== cProfile, {page}, {count} requests\n" + out.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each page")
    parser.add_argument("--cprofile", type=int, default=0, help="then this many of each under cProfile")
    args = parser.parse_args(argv)
    setup(BENCH_DATABASE_URL)
    from django.core.wsgi import get_wsgi_application

    requests = the_requests()
    if args.cprofile:
        profile(get_wsgi_application(), requests, args.cprofile)
        return 0
    instrument()
    report(measure(get_wsgi_application(), requests, args.requests))
    return 0


if __name__ == "__main__":
    # Through the importable module: the settings name its middleware_<i>, which must share this ledger.
    sys.exit(importlib.import_module("bench.profile_requests").main())
