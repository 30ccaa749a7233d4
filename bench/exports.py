"""The exports in the benchmark (issue 20): the registry and the provision log, streamed, each measured in a
process of its own — time to the first byte, to the first subscriber's row and to the last, rows per second, the
process's peak memory — beside the floor: PostgreSQL's own COPY of the same columns of the same rows, read and
thrown away."""

import time

from bench.child import run_child

EXPORT_SCRIPT = r"""
from django.test import Client
from django.urls import reverse
from privacy.models import User


client = Client()
client.force_login(User.objects.get(username="clerk"))
url = reverse("subscribers:export" if sys.argv[3] == "registry" else "privacy:provision_export")
baseline = high_water_mb()
started = time.perf_counter()
response = client.get(url)
first = first_row = None
lines = size = 0
for piece in response.streaming_content:
    if first is None:
        first = time.perf_counter() - started
    lines += piece.count(b"\n")
    if first_row is None and lines >= 2:  # the header and a subscriber's row: personal data has left
        first_row = time.perf_counter() - started
    size += len(piece)
total = time.perf_counter() - started
print(json.dumps({"status": response.status_code, "rows": max(lines - 1, 0), "first_byte_s": round(first or total, 3),
                  "first_row_s": round(first_row or total, 3),
                  "seconds": round(total, 2), "mb": round(size / 2**20, 1), "baseline_rss_mb": round(baseline, 1),
                  "peak_rss_mb": round(high_water_mb(), 1)}))
"""

FLOORS = {
    "registry": "SELECT number, family_name, given_name, family_name_kana, given_name_kana, postal_code, prefecture,"
    " municipality, street_address, building, phone, mobile_phone, email, status FROM subscribers_subscriber"
    " ORDER BY number",
    "provision_log": "SELECT at, subscriber_number, recipient_name, items, method, basis, purpose, work_order_id,"
    " caused_by_id, note FROM privacy_provision ORDER BY at, id",
}


def copy_floor(database_url: str, sql: str) -> dict:
    import psycopg

    started = time.perf_counter()
    size = 0
    with (
        psycopg.connect(database_url) as connection,
        connection.cursor() as cursor,
        cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        for block in copy:
            size += len(block)
    return {"seconds": round(time.perf_counter() - started, 2), "mb": round(size / 2**20, 1)}


def measure_exports(database_url: str) -> dict:
    results = {}
    for kind, url_kind in (("registry", "registry"), ("provision_log", "provisions")):
        row = run_child(EXPORT_SCRIPT, database_url, url_kind)
        row["rows_per_s"] = round(row["rows"] / row["seconds"]) if row["seconds"] else None
        row["floor_copy"] = copy_floor(database_url, FLOORS[kind])
        results[kind] = row
    return results
