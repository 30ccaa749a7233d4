"""The benchmark: a city-scale data set on PostgreSQL, then the pages and jobs people wait for, measured.

    python bench/run.py [--scale tiny|small|default|large] [--reps N] [--load-seconds S]
                        [--save-snapshot | --from-snapshot] [--only pages,pdfs,purge,load]

It builds its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mctv_bench),
prints one table and writes bench/results.json (and bench/results-<scale>.json, from which bench/growth.py
draws the growth curve across scales). Figures only: nothing here asserts on time.
The load run starts gunicorn with 2 × cores + 1 sync workers; BENCH_GUNICORN_ARGS adds to its command line (e.g.
``--config python:mctv.gunicorn_conf``: the deployed gthread workers, their access log and timeouts).
--save-snapshot keeps a copy of the freshly generated database (``<name>_snapshot``) and --from-snapshot
starts from that copy instead of generating again: the purge consumes its data, so each run needs a fresh one.
At --scale large, with neither, the snapshot is used when there is one and made when there is none.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {
    # subscribers, contractors, work orders, provisions, access-log rows, requests, terminated to purge
    "tiny": dict(
        subscribers=600, contractors=5, work_orders=200, provisions=5_000, access_log=2_000, requests=50, purge=300
    ),
    "small": dict(
        subscribers=10_000,
        contractors=20,
        work_orders=2_000,
        provisions=100_000,
        access_log=20_000,
        requests=500,
        purge=2_000,
    ),
    "default": dict(
        subscribers=100_000,
        contractors=50,
        work_orders=20_000,
        provisions=1_000_000,
        access_log=200_000,
        requests=5_000,
        purge=20_000,
    ),
    # Ten times default: the default data set generated, then copied nine times over in SQL (bench/large.py).
    "large": dict(
        subscribers=1_000_000,
        contractors=500,
        work_orders=200_000,
        provisions=10_000_000,
        access_log=2_000_000,
        requests=50_000,
        purge=200_000,
    ),
}
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mctv_bench")


def _admin_connection(url: str):
    import psycopg

    parsed = urlparse(url)
    return parsed.path.lstrip("/"), psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True)


def prepare_database(url: str, template: str | None = None) -> None:
    name, conn = _admin_connection(url)
    with conn:
        if template and not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            sys.exit(f"no snapshot {template}: run once with --save-snapshot first")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def snapshot_name(url: str) -> str:
    return urlparse(url).path.lstrip("/") + "_snapshot"


def save_snapshot(url: str) -> None:
    from django.db import connections

    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without sessions
    name, conn = _admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{snapshot_name(url)}"')
        conn.execute(f'CREATE DATABASE "{snapshot_name(url)}" TEMPLATE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mctv.settings.test")
    import django

    django.setup()


def _summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
        "n": len(samples),
    }


def timed(fn, reps: int) -> dict:
    return timed_together({"only": fn}, reps)["only"]


def timed_together(fns: dict, reps: int, block: int = 10) -> dict:
    """The functions in turn, ``block`` calls of one and then of the next, until each has ``reps`` samples:
    a burst of load on the machine falls on all of them alike, and each block runs after one untimed call,
    in the steady state a page has on a server that keeps serving it. (Alternating single calls instead
    lets a heavy page evict the caches a light one then runs without; that nearly doubles the light one.)"""
    for fn in fns.values():
        fn()  # warm up: the first call pays for imports, template compilation and cold caches
    samples: dict[str, list[float]] = {name: [] for name in fns}
    while any(len(values) < reps for values in samples.values()):
        for name, fn in fns.items():
            fn()
            for _ in range(min(block, reps - len(samples[name]))):
                started = time.perf_counter()
                fn()
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: _summary(values) for name, values in samples.items()}


# --- the data set ---------------------------------------------------------------------------------------------


def generate(scale: dict) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from privacy.models import (
        AccessLog,
        ConfidentialityAgreement,
        Contractor,
        Provision,
        SubjectRequest,
        User,
        WorkKind,
        WorkOrder,
    )
    from subscribers.demo import seed_demo
    from subscribers.models import Subscriber

    today = timezone.localdate()
    started = time.perf_counter()
    seed_demo(subscribers=scale["subscribers"], seed=7, today=today)
    clerk = User.objects.get(username="clerk")
    items = ["number", "name", "reading", "address", "phone", "services"]
    contractors = []
    for i in range(scale["contractors"]):
        c = Contractor.objects.create(
            name=f"ベンチ工業{i:03d}株式会社", address="青森県三沢市", representative="代表", phone="0176000000"
        )
        ConfidentialityAgreement.objects.create(
            contractor=c,
            reference=f"B-{i}",
            signed_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=400),
            items=items,
            clause_safety_measures=True,
            clause_no_use_beyond_contract=True,
            clause_return_or_destroy=True,
            clause_responsibility_allocation=True,
        )
        contractors.append(c)
    kind = WorkKind.objects.get(code="repair")
    ids = list(Subscriber.objects.values_list("pk", "number"))
    orders = [
        WorkOrder(
            number=f"B{n:07d}",
            subscriber_id=ids[n % len(ids)][0],
            contractor=contractors[n % len(contractors)],
            kind=kind,
            scheduled_on=today,
            access_from=today - timedelta(days=1),
            access_until=today + timedelta(days=30),
            items=["number", "name", "address", "phone"],
        )
        for n in range(scale["work_orders"])
    ]
    WorkOrder.objects.bulk_create(orders, batch_size=5000)
    order_rows = list(WorkOrder.objects.values_list("pk", "subscriber_id", "contractor_id"))
    number_of = dict(ids)
    now = timezone.now()
    with transaction.atomic():
        batch = []
        for n in range(scale["provisions"]):
            order_id, subscriber_id, contractor_id = order_rows[n % len(order_rows)]
            batch.append(
                Provision(
                    at=now - timedelta(minutes=n * 3),
                    subscriber_id=subscriber_id,
                    subscriber_number=number_of[subscriber_id],
                    contractor_id=contractor_id,
                    recipient_name="ベンチ工業",
                    items=["number", "name", "address"],
                    method="server_access",
                    basis="contracted_work",
                    purpose="修理",
                    work_order_id=order_id,
                    caused_by=clerk,
                )
            )
            if len(batch) == 10_000:
                Provision.objects.bulk_create(batch)
                batch = []
        Provision.objects.bulk_create(batch)
        log_batch: list[AccessLog] = []
        for n in range(scale["access_log"]):
            subscriber_id, number = ids[n % len(ids)]
            log_batch.append(
                AccessLog(
                    at=now - timedelta(minutes=n),
                    user=clerk,
                    subscriber_id=subscriber_id,
                    subscriber_number=number,
                    action="view",
                    path="/subscribers/",
                )
            )
            if len(log_batch) == 10_000:
                AccessLog.objects.bulk_create(log_batch)
                log_batch = []
        AccessLog.objects.bulk_create(log_batch)
    department = clerk.department
    requests = [
        SubjectRequest(
            number=f"BR{n:07d}",
            subscriber_id=ids[n % len(ids)][0],
            department=department,
            kind="disclosure",
            received_on=today - timedelta(days=n % 40),
            channel="mail",
            details="開示",
            requester_name="ベンチ",
            requester_postal_code="0330001",
            requester_address="三沢市",
            days=15,
            due_on=today - timedelta(days=n % 40) + timedelta(days=15),
            received_by=clerk,
            status="received" if n % 3 else "closed",
        )
        for n in range(scale["requests"])
    ]
    SubjectRequest.objects.bulk_create(requests, batch_size=5000)
    # Terminated subscribers long past their period, for the purge — with all their rows, as the registry
    # keeps them: the subscriber and its history, its contracted services and theirs.
    terminated_cohort(scale["purge"], seed=99)
    generated = round(time.perf_counter() - started, 1)
    # What PostgreSQL's manual advises after a bulk load, and what autovacuum would otherwise start on its own
    # in the middle of the measurements (1.2 million new rows pass its insert threshold): statistics for the
    # planner, and the visibility map and hint bits set once rather than by the first queries to read them.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": generated, "vacuum_analyze_seconds": round(time.perf_counter() - started, 1), "rows": counts()}


def counts() -> dict:
    from privacy.models import AccessLog, Provision, SubjectRequest, WorkOrder
    from subscribers.models import Subscriber

    return {
        "subscribers": Subscriber.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "provisions": Provision.objects.count(),
        "access_log": AccessLog.objects.count(),
        "requests": SubjectRequest.objects.count(),
    }


def terminated_cohort(count: int, seed: int) -> None:
    from simple_history.utils import bulk_create_with_history

    from privacy.models import User
    from subscribers.demo import build_subscribers
    from subscribers.models import Subscriber, SubscriberService

    admin = User.objects.get(username="admin")
    for start in range(0, count, 5000):
        old, kinds = build_subscribers(min(5000, count - start), seed=seed + start, today=date(2015, 6, 1))
        for s in old:
            s.status, s.terminated_on, s.suspended_on = "terminated", date(2016, 6, 1), None
            s.applied_on = min(s.applied_on, date(2015, 1, 1))
            s.activated_on = min(s.activated_on or s.applied_on, date(2015, 1, 1))
        saved = bulk_create_with_history(old, Subscriber, batch_size=5000, default_user=admin)
        services = [
            SubscriberService(subscriber_id=s.pk, service=kind, started_on=s.activated_on, ended_on=s.terminated_on)
            for s, row_kinds in zip(saved, kinds, strict=True)
            for kind in row_kinds
        ]
        bulk_create_with_history(services, SubscriberService, batch_size=5000, default_user=admin)


# --- measurements ---------------------------------------------------------------------------------------------

SEARCHES = {
    "kanji name": "田中",
    "hiragana reading": "たなか",
    "phone fragment": "5112",
    "address fragment": "中央町2丁目",
    "subscriber number": None,
}


def measure_pages(reps: int) -> dict:
    from django.db import connection
    from django.test import Client

    from privacy.models import User, WorkOrder
    from privacy.selectors.work_orders import work_orders_visible_to
    from subscribers.models import Subscriber

    results = {}
    clerk, admin = User.objects.get(username="clerk"), User.objects.get(username="admin")
    staff, admin_client = Client(), Client()
    staff.force_login(clerk)
    admin_client.force_login(admin)
    number = Subscriber.objects.order_by("pk").values_list("number", flat=True)[len(SEARCHES) * 7]
    for label, typed in SEARCHES.items():
        query = typed or number
        statements = search_statements(clerk, query)

        def floor(statements=statements):
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        # The peer measured as often as the page and in turn with it, so both rest on as many samples
        # taken under the same conditions.
        timings = timed_together(
            {
                "page": lambda q=query: staff.get("/subscribers/", {"q": q}),
                "changelist": lambda q=query: admin_client.get("/admin/subscribers/subscriber/", {"q": q}),
                "floor": floor,
            },
            reps,
        )
        page, changelist, raw = timings["page"], timings["changelist"], timings["floor"]
        results[f"search: {label}"] = {
            **page,
            "admin_changelist_median_ms": changelist["median_ms"],
            "admin_changelist_p95_ms": changelist["p95_ms"],
            "sql_floor_median_ms": raw["median_ms"],
            "sql_floor_p95_ms": raw["p95_ms"],
            "admin_ratio_p95": round(changelist["p95_ms"] / max(page["p95_ms"], 0.01), 1),
            "admin_ratio_median": round(changelist["median_ms"] / max(page["median_ms"], 0.01), 1),
            "page_to_floor_ratio": round(page["p95_ms"] / max(raw["p95_ms"], 0.01), 1),
        }

    user = bench_contractor_user()
    contractor = user.contractor
    portal = Client()
    portal.force_login(user)
    order = work_orders_visible_to(user).first()
    assert order is not None, "the bench contractor has a live work order"
    results["portal subscriber page (with its Provision write)"] = timed(
        lambda: portal.get(f"/portal/work-orders/{order.pk}/"), reps
    )

    some = WorkOrder.objects.filter(contractor=contractor).select_related("subscriber").first().subscriber  # type: ignore[union-attr]
    month_start = date.today().replace(day=1)
    results["provision log: by subscriber"] = timed(
        lambda: staff.get("/provisions/", {"subscriber_number": some.number}), reps
    )
    results["provision log: contractor + month"] = timed(
        lambda: staff.get(
            "/provisions/",
            {"contractor": contractor.pk, "date_from": month_start.isoformat(), "date_to": date.today().isoformat()},
        ),
        reps,
    )
    officer = Client()
    officer.force_login(User.objects.get(username="officer"))
    results["dashboard"] = timed(lambda: officer.get("/dashboard/"), reps)
    return results


def search_statements(user, query: str) -> list[tuple[str, tuple]]:
    """The SQL the search page runs for its results and their count, as the page runs it (the floor)."""
    from django.conf import settings
    from django.db import connection

    from mctv.paginator import CountingPaginator
    from subscribers.list_views import LIST_COLUMNS
    from subscribers.models import Subscriber

    qs = Subscriber.objects.visible_to(user).search(query).ordered_for_search(query).only(*LIST_COLUMNS)
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        list(CountingPaginator(qs, settings.SUBSCRIBERS_PER_PAGE).page(1))
    return statements


def bench_contractor_user():
    from django.contrib.auth.models import Group

    from privacy.models import Contractor, User

    contractor = Contractor.objects.filter(name__startswith="ベンチ").order_by("pk").first()
    user, _ = User.objects.get_or_create(username="bench-contractor", defaults={"contractor": contractor})
    user.groups.add(Group.objects.get(name="contractor"))
    return user


def measure_pdfs(reps: int) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from privacy.letters import decision_letter_pdf, disclosure_pdf
    from privacy.models import Provision, SubjectRequest, User

    officer = User.objects.get(username="officer")
    request = SubjectRequest.objects.filter(status="received").first()
    assert request is not None, "the data set has received requests"
    SubjectRequest.objects.filter(pk=request.pk).update(
        decision="full", decided_by=officer, decided_at=timezone.now(), status="decided"
    )
    request.refresh_from_db()
    results = {"reply letter PDF": timed(lambda: decision_letter_pdf(request), max(3, reps // 5))}
    # The subscriber with the most provision records, topped up to 1,000 for the disclosure.
    subscriber_id = (
        Provision.objects.values("subscriber_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("subscriber_id", flat=True)[0]
    )
    SubjectRequest.objects.filter(pk=request.pk).update(subscriber_id=subscriber_id, kind="disclosure")
    request.refresh_from_db()
    have = Provision.objects.filter(subscriber_id=subscriber_id).count()
    template = Provision.objects.filter(subscriber_id=subscriber_id).first()
    assert template is not None
    Provision.objects.bulk_create(
        [
            Provision(
                at=template.at,
                subscriber_id=subscriber_id,
                subscriber_number=template.subscriber_number,
                contractor_id=template.contractor_id,
                recipient_name=template.recipient_name,
                items=template.items,
                method=template.method,
                basis=template.basis,
                purpose=template.purpose,
                work_order_id=template.work_order_id,
                caused_by_id=template.caused_by_id,
            )
            for _ in range(max(0, 1000 - have))
        ]
    )
    results["disclosure PDF (1,000 provision rows)"] = timed(
        lambda: disclosure_pdf(request, officer), max(2, reps // 10)
    )
    return results


# --- address labels -------------------------------------------------------------------------------------------

# Labels per scale: tiny stays quick in CI; the others are the 1,000 and 10,000 of issue 18 item 12 / issue 20.
LABEL_COUNTS = {"tiny": (60, 240), "small": (1_000, 10_000), "default": (1_000, 10_000), "large": (1_000, 10_000)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_labels(counts: tuple[int, ...]) -> dict:
    """Address labels on A4 12面 for the first N subscribers the notices purpose may use, as the worker makes them
    (the query and the PDF, one run each: 10,000 labels take a minute or more); the cost per label of the largest
    count against the smallest says whether the time stays linear in the count."""
    from privacy.address_labels import labels_pdf
    from privacy.label_sheets import SHEETS
    from privacy.models import Purpose
    from privacy.selectors.purposes import subscribers_usable_for
    from privacy.services.label_prints import label_rows

    purpose = Purpose.objects.get(code="notices")
    sheet = SHEETS["a4-12"]
    labels_pdf([], sheet=sheet, with_number=True)  # warm up: fonts and the stylesheet, paid once per process
    results: dict[str, Any] = {}
    per_label = []
    for count in counts:
        started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
        rows = list(label_rows(subscribers_usable_for(purpose))[:count])
        pdf = labels_pdf(rows, sheet=sheet, with_number=True)
        wall = time.perf_counter() - started
        per_label.append(wall / len(rows))
        results[f"{len(rows):,} labels"] = {
            "seconds": round(wall, 2),
            # this process's and that of the processes laying the parts out side by side (PDF_PROCESSES)
            "cpu_seconds": round(time.process_time() + _children_cpu() - cpu, 2),
            "ms_per_label": round(wall * 1000 / len(rows), 2),
            "sheets": sheet.sheets_for(len(rows)),
            "pdf_kib": len(pdf) // 1024,
        }
    results["per-label ratio, largest / smallest"] = round(per_label[-1] / per_label[0], 2)
    return results


# --- the monthly review of staff access ---------------------------------------------------------------------------

REVIEW_STAFF = 30


def generate_review_month(rows: int, month: date | None = None) -> date:
    """A month a year back holding ``rows`` views of the access log by 30 staff in 3 departments, as an office
    spreads them: every open day, office hours, 1 in 40 in the evening; 32 views in 33 explained by business of
    the viewer's on the subscriber that day (half a paper work sheet, three in ten a work order, one in five a
    request of the department), one in 33 with none; one burst of 60 records in 5 minutes. Returns the month's
    first day."""
    import random

    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from privacy import deadlines
    from privacy.models import AccessLog, Department, Provision, SubjectRequest, User, WorkKind, WorkOrder
    from subscribers.models import Subscriber

    rng = random.Random(15)
    today = timezone.localdate()
    month = month or date(today.year - 1, today.month, 1)
    first, following = deadlines.month_days(month)
    open_days = [first + timedelta(days=n) for n in range((following - first).days)]
    open_days = [day for day in open_days if not deadlines.is_office_closed(day)]
    clerks = Group.objects.get(name="clerk")
    departments = [
        Department.objects.get_or_create(code=f"bench{d}", defaults={"name": f"ベンチ係{d}"})[0] for d in range(3)
    ]
    staff = []
    for n in range(REVIEW_STAFF):
        user, _created = User.objects.get_or_create(
            username=f"bench-staff-{n}", defaults={"department": departments[n % 3]}
        )
        user.groups.add(clerks)
        staff.append(user)
    ids = list(Subscriber.objects.values_list("pk", "number"))
    order_id, contractor_id = WorkOrder.objects.values_list("pk", "contractor_id").order_by("pk")[0]
    kind = WorkKind.objects.get(code="repair")
    start = time.perf_counter()
    log: list[AccessLog] = []
    sheets: list[Provision] = []
    orders: dict[int, list[WorkOrder]] = {}
    requests: list[SubjectRequest] = []
    for n in range(rows):
        user = staff[n % REVIEW_STAFF]
        subscriber_id, number = ids[rng.randrange(len(ids))]
        day = open_days[(n // REVIEW_STAFF) % len(open_days)]
        minute = rng.randrange(8 * 60 + 30, 17 * 60 + 15) if n % 40 else rng.randrange(19 * 60, 22 * 60)
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute))
        log.append(AccessLog(at=at, user=user, subscriber_id=subscriber_id, subscriber_number=number, action="view"))
        if n % 33 == 0:
            continue
        if n % 10 < 5:
            sheets.append(
                Provision(
                    at=at,
                    subscriber_id=subscriber_id,
                    subscriber_number=number,
                    contractor_id=contractor_id,
                    recipient_name="ベンチ工業",
                    items=["number", "name", "address"],
                    method="paper",
                    basis="contracted_work",
                    purpose="修理",
                    work_order_id=order_id,
                    caused_by=user,
                )
            )
        elif n % 10 < 8:
            orders.setdefault(user.pk, []).append(
                WorkOrder(
                    number=f"RV{month:%y%m}{n:06d}",
                    subscriber_id=subscriber_id,
                    contractor_id=contractor_id,
                    kind=kind,
                    scheduled_on=day,
                    access_from=day,
                    access_until=day,
                    items=["number", "name", "address"],
                )
            )
        else:
            requests.append(
                SubjectRequest(
                    number=f"RR{month:%y%m}{n:06d}",
                    subscriber_id=subscriber_id,
                    department=user.department,
                    kind="disclosure",
                    received_on=day,
                    channel="mail",
                    details="開示",
                    requester_name="ベンチ",
                    requester_postal_code="0330001",
                    requester_address="三沢市",
                    days=15,
                    due_on=day + timedelta(days=15),
                    received_by=user,
                    status="closed",
                    closed_on=day + timedelta(days=10),
                )
            )
    burst_at = timezone.make_aware(datetime.combine(open_days[3], datetime.min.time()) + timedelta(hours=14))
    for n in range(60):
        subscriber_id, number = ids[n]
        log.append(
            AccessLog(
                at=burst_at + timedelta(seconds=5 * n),
                user=staff[0],
                subscriber_id=subscriber_id,
                subscriber_number=number,
                action="view",
            )
        )
    AccessLog.objects.bulk_create(log, batch_size=10_000)
    Provision.objects.bulk_create(sheets, batch_size=10_000)
    SubjectRequest.objects.bulk_create(requests, batch_size=5000)
    users = {user.pk: user for user in staff}
    for user_pk, made in orders.items():
        # Each order's history row dated the morning of its day (bulk: one date per user's batch, then set).
        bulk_create_with_history(made, WorkOrder, batch_size=5000, default_user=users[user_pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_historicalworkorder h SET history_date = (w.access_from::timestamp AT TIME ZONE %s) "
            "+ interval '8 hours' FROM privacy_workorder w WHERE w.id = h.id AND w.number LIKE %s",
            [settings_time_zone(), f"RV{month:%y%m}%"],
        )
        cursor.execute("VACUUM ANALYZE")
    print(
        f"review month {month:%Y-%m}: {rows} views and their business generated in {time.perf_counter() - start:.1f} s"
    )
    return month


def settings_time_zone() -> str:
    from django.conf import settings

    return settings.TIME_ZONE


def measure_access_review(rows: int, reps: int, month: date | None = None) -> dict:
    """The review of one month of ``rows`` access-log views: the first run (flags written) and runs again (the
    same statement; every flag already there)."""
    from django.db import connection

    from privacy.models import AccessReview, User
    from privacy.services.access_review import access_review_run

    month = generate_review_month(rows, month)
    officer = User.objects.get(username="officer")
    started = time.perf_counter()
    review = access_review_run(month=month, user=officer)
    first_ms = (time.perf_counter() - started) * 1000
    again = timed(lambda: access_review_run(month=month, user=officer), reps)
    review = AccessReview.objects.get(pk=review.pk)
    counts: dict[str, int] = {}
    for kind in review.flags.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM privacy_accesslog")
        (log_rows,) = cursor.fetchone()
    return {
        "month": f"{month:%Y-%m}",
        "views_in_month": review.views,
        "access_log_rows_in_table": log_rows,
        "first_run_ms": round(first_ms, 1),
        "run_again": again,
        "flags": counts,
    }


PURGE_SCRIPT = """
import sys, time, json
import django
django.setup()
from privacy.services.retention import disposal_purge

def high_water_mb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0

run_id = int(sys.argv[1])
baseline = high_water_mb()
started = time.perf_counter()
disposal_purge(run_id=run_id)
print(json.dumps({"seconds": time.perf_counter() - started, "baseline_rss_mb": baseline,
                  "peak_rss_mb": high_water_mb()}))
"""


# Every table that holds a terminated subscriber's rows, by the column that names the subscriber: what the
# floor deletes in one statement. Written out here rather than taken from the purge, so a table the purge
# forgot would show as rows the floor removes and the purge does not.
SUBSCRIBER_TABLES = [
    ("privacy_workorder", "subscriber_id"),
    ("privacy_provisionstop", "subscriber_id"),
    ("privacy_consent", "subscriber_id"),
    ("subscribers_subscriberservice", "subscriber_id"),
    ("privacy_legalhold", "subscriber_id"),
    ("subscribers_subscriber", "id"),
    ("privacy_historicalworkorder", "subscriber_id"),
    ("privacy_historicalprovisionstop", "subscriber_id"),
    ("privacy_historicalconsent", "subscriber_id"),
    ("privacy_historicallegalhold", "subscriber_id"),
    ("subscribers_historicalsubscriberservice", "subscriber_id"),
    ("subscribers_historicalsubscriber", "id"),
]


def raw_delete_floor(ids: list[int]) -> tuple[int, float]:
    """One SQL statement deleting the same subscribers' rows from the same tables (indexes, triggers and
    foreign-key checks included), timed warm and rolled back so the purge then finds them all still there."""
    from django.db import connection, transaction

    ctes = ", ".join(
        f"d{n} AS (DELETE FROM {table} WHERE {column} = ANY(%(ids)s) RETURNING 1)"
        for n, (table, column) in enumerate(SUBSCRIBER_TABLES)
    )
    total = " + ".join(f"(SELECT count(*) FROM d{n})" for n in range(len(SUBSCRIBER_TABLES)))
    statement = f"WITH {ctes} SELECT {total}"
    seconds, rows = 0.0, 0
    for _warm_then_timed in range(2):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the purge pays its deferred checks at commit
            started = time.perf_counter()
            cursor.execute(statement, {"ids": ids})
            rows = cursor.fetchone()[0]
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    return rows, seconds


def measure_purge() -> dict:
    """The retention purge of the terminated subscribers in a worker-like process, against one raw DELETE."""
    from django.db import connection
    from django.utils import timezone

    from privacy.models import DisposalRun, RetentionRule, User
    from privacy.services.retention import disposal_propose

    RetentionRule.objects.filter(record_class="terminated_subscriber").update(action="delete", years=5)
    (run,) = disposal_propose(today=timezone.localdate(), record_class="terminated_subscriber")
    ids = list(run.items.values_list("object_id", flat=True))
    # Subscribers that other files still name are anonymised, not deleted: the floor deletes the others.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.sid FROM unnest(%s::bigint[]) AS c(sid) WHERE NOT EXISTS "
            "(SELECT 1 FROM privacy_subjectrequest r WHERE r.subscriber_id = c.sid) AND NOT EXISTS "
            "(SELECT 1 FROM privacy_exceptionalprovision e WHERE e.subscriber_id = c.sid) AND NOT EXISTS "
            "(SELECT 1 FROM privacy_incidentsubscriber i WHERE i.subscriber_id = c.sid)",
            [ids],
        )
        deletable = [row[0] for row in cursor.fetchall()]
    floor_rows, floor_seconds = raw_delete_floor(deletable)
    # Approved as an officer would, without queuing: the purge below runs in its own, worker-like process.
    DisposalRun.objects.filter(pk=run.pk).update(
        status="approved", approved_by=User.objects.get(username="officer"), approved_at=timezone.now()
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = (
        subprocess.run(
            [sys.executable, "-c", PURGE_SCRIPT, str(run.pk)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    purge = json.loads(out)
    run.refresh_from_db()
    purge_rows = sum(run.related_counts.values())
    purge_rate, floor_rate = purge_rows / max(purge["seconds"], 1e-6), floor_rows / max(floor_seconds, 1e-6)
    return {
        "subscribers": len(ids),
        "disposed": run.disposed_count,
        "anonymised": len(ids) - len(deletable),
        "purge_rows": purge_rows,
        "purge_seconds": round(purge["seconds"], 2),
        "purge_rows_per_s": round(purge_rate),
        "raw_delete_rows": floor_rows,
        "raw_delete_seconds": round(floor_seconds, 2),
        "raw_delete_rows_per_s": round(floor_rate),
        "ratio_to_raw": round(purge_rate / max(floor_rate, 1e-6), 3),
        "worker_peak_rss_mb": round(purge["peak_rss_mb"], 1),
        "worker_rss_before_purge_mb": round(purge["baseline_rss_mb"], 1),
    }


def replaced_history_cohort(count: int, offset: int) -> int:
    """``count`` live subscribers whose history rows were all replaced in 2016 (a copy of the newest row dated then,
    the older rows dated 2015): every older row is past a 5-year period. Returns how many rows became due."""
    from django.db import connection

    from subscribers.models import Subscriber

    model = Subscriber.history.model
    columns = [f.column for f in model._meta.concrete_fields if f.column not in ("history_id", "history_date")]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE cohort ON COMMIT DROP AS SELECT id FROM subscribers_subscriber "
            "WHERE status = 'active' ORDER BY id LIMIT %s OFFSET %s",
            [count, offset],
        )
        cursor.execute(
            "UPDATE subscribers_historicalsubscriber SET history_date = '2015-01-01 12:00+09' "
            "WHERE id IN (SELECT id FROM cohort)"
        )
        due = cursor.rowcount
        cursor.execute(
            f"INSERT INTO subscribers_historicalsubscriber ({names}, history_date) "
            f"SELECT DISTINCT ON (id) {names}, '2016-01-01 12:00+09' FROM subscribers_historicalsubscriber "
            "WHERE id IN (SELECT id FROM cohort) ORDER BY id, history_id DESC"
        )
    return due


def measure_retention(reps: int, subscribers: int) -> dict:
    """The proposals page's outlook (every class counted as of today) at this scale, and the disposal of replaced
    subscriber values at two cohort sizes: the time per row should not grow with the cohort."""
    from django.db import transaction
    from django.utils import timezone

    from privacy.models import DisposalRun, User
    from privacy.selectors.retention import disposal_outlook
    from privacy.services.retention import disposal_propose, disposal_purge

    today = timezone.localdate()
    results: dict[str, Any] = {"outlook (the proposals page)": timed(lambda: disposal_outlook(today), reps)}
    officer = User.objects.get(username="officer")
    # 1k and 10k where the registry is big enough (the tiny scale: a tenth and the rest).
    sizes = (1_000, 10_000) if subscribers >= 20_000 else (subscribers // 10, subscribers // 2)
    offset = 0
    for size in sizes:
        with transaction.atomic():
            due = replaced_history_cohort(size, offset)
        offset += size
        started = time.perf_counter()
        (run,) = disposal_propose(today=today, record_class="subscriber_history")
        proposed = time.perf_counter() - started
        DisposalRun.objects.filter(pk=run.pk).update(status="approved", approved_by=officer, approved_at=timezone.now())
        started = time.perf_counter()
        disposal_purge(run_id=run.pk)
        purged = time.perf_counter() - started
        run.refresh_from_db()
        results[f"replaced values of {size:,} subscribers"] = {
            "rows_due": due,
            "disposed": run.disposed_count,
            "kept (holds)": due - run.disposed_count,
            "propose_s": round(proposed, 2),
            "purge_s": round(purged, 2),
            "ms_per_row": round((proposed + purged) * 1000 / max(run.disposed_count, 1), 3),
        }
    small, large = (results[f"replaced values of {n:,} subscribers"]["ms_per_row"] for n in sizes)
    results["per-row cost, larger cohort / smaller"] = {"ratio": round(large / max(small, 1e-6), 2), "target": 1.5}
    return results


# --- the load run ---------------------------------------------------------------------------------------------


async def _client(host, port, paths, cookie, deadline, latencies, errors):
    index = 0
    reader = writer = None
    while time.perf_counter() < deadline:
        path = paths[index % len(paths)]
        index += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(
                (
                    f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nX-Forwarded-Proto: https\r\n"
                    f"Connection: keep-alive\r\n\r\n"
                ).encode()
            )
            await writer.drain()
            status_line = await reader.readline()
            length, keep = 0, True
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                if name.lower() == "connection" and value.strip().lower() == "close":
                    keep = False
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if not status_line.startswith(b"HTTP/1.1 200"):
                errors.append(status_line.decode(errors="replace").strip())
            if not keep:
                writer.close()
                reader = writer = None
        except Exception as error:  # noqa: BLE001 - a refused or reset connection counts as an error
            errors.append(type(error).__name__)
            reader = writer = None
            await asyncio.sleep(0.01)


def load_run(seconds: int, clients: int = 50) -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from privacy.models import User
    from privacy.selectors.work_orders import work_orders_visible_to

    def session_for(user):
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    clerk = User.objects.get(username="clerk")
    contractor = bench_contractor_user()
    orders = list(work_orders_visible_to(contractor).values_list("pk", flat=True)[:20])
    port = 8799
    # The server signs and reads sessions with the key the sessions below were made with.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mctv.settings.production",
        "DATABASE_URL": BENCH_DATABASE_URL,
        "DATABASE_APP_ROLE": os.environ.get("DATABASE_APP_ROLE") or "mctv_app",  # production requires it
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    workers = str(2 * (os.cpu_count() or 2) + 1)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mctv.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
            *os.environ.get("BENCH_GUNICORN_ARGS", "").split(),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:  # not listening yet (URLError is an OSError)
                time.sleep(0.2)
        search_paths = [f"/subscribers/?{urlencode({'q': q})}" for q in ("田中", "たなか", "5112", "中央町")]
        portal_paths = [f"/portal/work-orders/{pk}/" for pk in orders]
        latencies: list[float] = []
        errors: list[str] = []
        deadline = time.perf_counter() + seconds

        staff_cookie, portal_cookie = session_for(clerk), session_for(contractor)

        async def main():
            tasks = [
                _client(
                    "127.0.0.1",
                    port,
                    search_paths if i % 2 else portal_paths,
                    staff_cookie if i % 2 else portal_cookie,
                    deadline,
                    latencies,
                    errors,
                )
                for i in range(clients)
            ]
            await asyncio.gather(*tasks)

        from bench.cpu import LoadCpu

        cpu = LoadCpu(server.pid, urlparse(BENCH_DATABASE_URL).path.lstrip("/"))
        cpu.start()
        started = time.perf_counter()
        asyncio.run(main())
        elapsed = time.perf_counter() - started
        spent = cpu.stop(len(latencies))
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1) if latencies else None

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        **spent,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="default")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--load-seconds", type=int, default=None)
    snapshot = parser.add_mutually_exclusive_group()
    snapshot.add_argument("--save-snapshot", action="store_true", help="keep a copy of the generated database")
    snapshot.add_argument("--from-snapshot", action="store_true", help="start from that copy instead of generating")
    parser.add_argument(
        "--only",
        help="comma-separated: pages,pdfs,labels,documents,exports,import,review,retention,purge,load (default all)",
    )
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    # At large the admin changelist, the search's peer, scans a million rows for each of its samples: 30 of each.
    reps = args.reps or {"tiny": 10, "large": 30}.get(args.scale, 60)
    load_seconds = args.load_seconds or (3 if args.scale == "tiny" else 30)

    if args.scale == "large" and not (args.save_snapshot or args.from_snapshot):
        # Generated once: the snapshot when there is one, else a fresh data set kept as the snapshot.
        from bench.large import snapshot_exists

        args.from_snapshot = snapshot_exists(BENCH_DATABASE_URL)
        args.save_snapshot = not args.from_snapshot
    if args.from_snapshot:
        prepare_database(BENCH_DATABASE_URL, template=snapshot_name(BENCH_DATABASE_URL))
    else:
        prepare_database(BENCH_DATABASE_URL)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "date": date.today().isoformat(),
        "scale": {args.scale: scale},
    }
    if args.from_snapshot:
        results["generation"] = {"seconds": None, "rows": counts(), "from_snapshot": snapshot_name(BENCH_DATABASE_URL)}
    elif args.scale == "large":
        from bench.large import generate_large

        results["generation"] = generate_large(scale, SCALES["default"], generate)
        if args.save_snapshot:
            save_snapshot(BENCH_DATABASE_URL)
    else:
        results["generation"] = generate(scale)
        if args.save_snapshot:
            save_snapshot(BENCH_DATABASE_URL)
    everything = {"pages", "pdfs", "labels", "documents", "exports", "import", "review", "retention", "purge", "load"}
    only = set(args.only.split(",")) if args.only else everything
    if "pages" in only:
        results["pages"] = measure_pages(reps)
    if "pdfs" in only:
        results["pdfs"] = measure_pdfs(reps)
    if "labels" in only:
        results["labels"] = measure_labels(LABEL_COUNTS[args.scale])
    if "exports" in only:
        from bench.exports import measure_exports

        results["exports"] = measure_exports(BENCH_DATABASE_URL)
    if "documents" in only:
        from bench.documents import measure_documents

        results["documents"] = measure_documents(BENCH_DATABASE_URL, args.scale)
    if "import" in only:
        from bench.imports import measure_imports

        sizes = os.environ.get("BENCH_IMPORT_ROWS") or ("1000" if args.scale == "tiny" else "10000,100000")
        rows = tuple(int(n) for n in sizes.split(","))
        results["import"] = measure_imports(BENCH_DATABASE_URL, rows, ROOT / "var" / "bench-imports")
    if "review" in only:
        results["access_review"] = measure_access_review(scale["access_log"], max(2, reps // 10))
    if "retention" in only:
        results["retention"] = measure_retention(max(3, reps // 10), scale["subscribers"])
    if "purge" in only:
        results["purge"] = measure_purge()
    if "load" in only:
        results["load"] = load_run(load_seconds)
    results["bench_process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    for path in (ROOT / "bench" / "results.json", ROOT / "bench" / f"results-{args.scale}.json"):
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"MCTV benchmark — scale {args.scale} — {results['date']} — {os.cpu_count()} CPUs")
    print(f"generation: {results['generation']['seconds']} s  {results['generation']['rows']}")
    print(f"{'measure':<52} {'median ms':>10} {'p95 ms':>10}  notes")
    for group in ("pages", "pdfs"):
        for name, row in results.get(group, {}).items():
            notes = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("median_ms", "p95_ms", "n"))
            print(f"{name:<52} {row['median_ms']:>10} {row['p95_ms']:>10}  {notes}")
    if "access_review" in results:
        review = results["access_review"]
        print(
            f"access review of {review['views_in_month']} views: first run {review['first_run_ms']} ms, "
            f"again median {review['run_again']['median_ms']} ms; flags {review['flags']}"
        )
    for name, row in results.get("labels", {}).items():
        print(f"labels: {name}: {row}")
    for name, row in results.get("documents", {}).items():
        print(f"document: {name}: {row}")
    for name, row in results.get("exports", {}).items():
        print(f"export: {name}: {row}")
    for name, row in results.get("import", {}).items():
        print(f"import: {name}: {row}")
    for name, row in results.get("retention", {}).items():
        print(f"retention: {name}: {row}")
    for group in ("purge", "load"):
        if group in results:
            print(f"{group + ':':<7}" + ", ".join(f"{k}={v}" for k, v in results[group].items()))
    from bench.growth import report_growth

    report_growth(ROOT / "bench")
    return 1 if results.get("load", {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
