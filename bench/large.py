"""The ``large`` scale: the default data set generated as usual, then copied nine times over in SQL.

Generating a million subscribers through Faker and ``bulk_create`` would take most of an hour on two cores; copying
the generated base with ``INSERT … SELECT`` takes minutes. Each copy ``k`` (1 … 9) of a row gets its keys moved by
``k`` times the base's largest key, so the copies never collide and every foreign key points into the same copy:

- subscribers get a new 8-digit number (the base's number plus ``k`` times the base's largest), their search column
  rebuilt around it (the number is its first item) and their bigram column computed again from that column, as
  ``normalize.search_bigrams`` does; their history rows, contracted services and those services' history follow;
- the benchmark's own contractors (with their agreements and history rows), work orders, provision records,
  access-log rows and requests are copied with new names and numbers in the generator's formats;
- the number sequence and every table's id sequence are moved past the copies, so the application goes on
  numbering after them.

Triggers and check constraints stay on (the copies go through them); foreign keys are checked at each statement's
end. The secondary indexes of the tables copied into are dropped first and made again afterwards from the very
definitions PostgreSQL held (``pg_get_indexdef``), and the result is compared with them. The demo's scattered
records (consents, incidents, the file register …) are not copied: they stay as the base has them.
"""

import time
from typing import Any

# The tables copied into, each with the key column its offset applies to ("id" for all but the history tables).
TABLES = [
    "privacy_contractor",
    "privacy_historicalcontractor",
    "privacy_confidentialityagreement",
    "privacy_historicalconfidentialityagreement",
    "subscribers_subscriber",
    "subscribers_historicalsubscriber",
    "subscribers_subscriberservice",
    "subscribers_historicalsubscriberservice",
    "privacy_workorder",
    "privacy_provision",
    "privacy_accesslog",
    "privacy_subjectrequest",
]
HISTORY_KEYS = {name: "history_id" for name in TABLES if "_historical" in name}

# The benchmark's own rows, in the generator's formats (bench/run.py, ``generate``).
BENCH_CONTRACTOR = "name ~ '^ベンチ工業[0-9]{3}株式会社$'"
BENCH_WORK_ORDER = "number ~ '^B[0-9]{7}$'"
BENCH_REQUEST = "number ~ '^BR[0-9]{7}$'"

# normalize.search_bigrams in SQL: every two-character piece of each item (split at SEARCH_SEPARATOR, U+001F),
# distinct, sorted by code point (UTF-8 byte order is code-point order) and joined by spaces.
BIGRAMS_FUNCTION = r"""
CREATE FUNCTION pg_temp.bench_bigrams(search_text text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(g, ' ' ORDER BY g COLLATE "C"), '') FROM (
        SELECT DISTINCT substr(part, i, 2) AS g
        FROM unnest(string_to_array(search_text, chr(31))) AS part, generate_series(1, char_length(part) - 1) AS i
    ) AS grams
$$
"""


def generate_large(scale: dict, base_scale: dict, generate) -> dict:
    """``generate(base_scale)`` and then the copies that make ``scale`` of it (ten times default: nine copies)."""
    from django.db import connection

    from bench.run import counts

    copies = scale["subscribers"] // base_scale["subscribers"] - 1
    base = generate(base_scale)
    started = time.perf_counter()
    steps = multiply(copies)
    multiplied = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "seconds": round(base["seconds"] + multiplied, 1),
        "base_seconds": base["seconds"],
        "copy_seconds": multiplied,
        "copies": copies,
        "copy_steps_seconds": steps,
        "vacuum_analyze_seconds": round(time.perf_counter() - started, 1),
        "rows": counts(),
    }


def snapshot_exists(url: str) -> bool:
    from bench.run import _admin_connection, snapshot_name

    _name, conn = _admin_connection(url)
    with conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [snapshot_name(url)]).fetchone())


def columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = 'public' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_rows(cursor, table: str, copies: int, changed: dict[str, str], base: int, source="", where="TRUE") -> int:
    """``INSERT … SELECT`` of the base's rows of ``table`` (key up to ``base``) matching ``where``, once per copy
    ``k``: each column as it is unless ``changed`` gives its expression (over the row ``t``, ``%(k)s`` the copy's
    number). ``source`` adds ``LATERAL`` subqueries after ``FROM table t``. One statement per copy."""
    names = columns(cursor, table)
    where = f"t.{HISTORY_KEYS.get(table, 'id')} <= {base} AND ({where})"
    unknown = set(changed) - set(names)
    assert not unknown, f"{table} has no column {unknown}"
    select = ", ".join(changed.get(name, f't."{name}"') for name in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    statement = f"INSERT INTO {table} ({quoted}) SELECT {select} FROM {table} t {source} WHERE {where}"
    inserted = 0
    for k in range(1, copies + 1):
        cursor.execute(statement, {"k": k})
        inserted += cursor.rowcount
    return inserted


def largest(cursor, table: str, column: str = "id", where: str = "TRUE") -> int:
    cursor.execute(f"SELECT coalesce(max({column}), 0) FROM {table} WHERE {where}")
    return int(cursor.fetchone()[0])


def secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """The indexes of ``tables`` that no constraint owns (primary keys and UNIQUE stay), with their definitions."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [tables],
    )
    return [(name, definition) for name, definition in cursor.fetchall()]


def multiply(copies: int) -> dict[str, Any]:
    from django.db import connection, transaction

    steps: dict[str, Any] = {}

    def step(name, started):
        steps[name] = round(time.perf_counter() - started, 1)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM subscribers_subscriber WHERE left(search_text, 8) <> number")
        assert cursor.fetchone()[0] == 0, "every search column starts with the subscriber's number"
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(BIGRAMS_FUNCTION)
        # The offsets: each copy's keys lie above the base's (and so above every earlier copy's).
        off = {table: largest(cursor, table, HISTORY_KEYS.get(table, "id")) for table in TABLES}
        off["number"] = largest(cursor, "subscribers_subscriber", "number::bigint")
        off["contractor_no"] = largest(cursor, "privacy_contractor", "substr(name, 6, 3)::int", BENCH_CONTRACTOR) + 1
        off["order_no"] = largest(cursor, "privacy_workorder", "substr(number, 2)::int", BENCH_WORK_ORDER) + 1
        off["request_no"] = largest(cursor, "privacy_subjectrequest", "substr(number, 3)::int", BENCH_REQUEST) + 1
        assert (copies + 1) * off["number"] < 10**8, "the copies' numbers fit in 8 digits"
        assert (copies + 1) * off["contractor_no"] <= 1000, "the copies' contractor names keep 3 digits"
        indexes = secondary_indexes(cursor, TABLES)
        started = time.perf_counter()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        step("drop secondary indexes", started)

        def shifted(column: str, table: str) -> str:
            return f"t.{column} + %(k)s * {off[table]}"

        number = f"lpad((t.number::bigint + %(k)s * {off['number']})::text, 8, '0')"
        log_number = (
            f"CASE WHEN t.subscriber_number ~ '^[0-9]{{8}}$' THEN lpad((t.subscriber_number::bigint + %(k)s * "
            f"{off['number']})::text, 8, '0') ELSE t.subscriber_number END"
        )
        legacy_key = "CASE WHEN t.legacy_key = '' THEN '' ELSE t.legacy_key || '-' || %(k)s END"
        subscriber = shifted("subscriber_id", "subscribers_subscriber")
        contractor = shifted("contractor_id", "privacy_contractor")
        contractor_name = (
            f"'ベンチ工業' || lpad((substr(t.name, 6, 3)::int + %(k)s * {off['contractor_no']})::text, 3, '0') "
            "|| '株式会社'"
        )
        rows: dict[str, int] = {}
        with transaction.atomic():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # each statement's keys checked at its end
            started = time.perf_counter()
            bench_contractor = f"t.contractor_id IN (SELECT id FROM privacy_contractor WHERE {BENCH_CONTRACTOR})"
            rows["privacy_contractor"] = copy_rows(
                cursor,
                "privacy_contractor",
                copies,
                base=off["privacy_contractor"],
                changed={"id": shifted("id", "privacy_contractor"), "name": contractor_name},
                where=BENCH_CONTRACTOR,
            )
            rows["privacy_historicalcontractor"] = copy_rows(
                cursor,
                "privacy_historicalcontractor",
                copies,
                base=off["privacy_historicalcontractor"],
                changed={
                    "history_id": shifted("history_id", "privacy_historicalcontractor"),
                    "id": shifted("id", "privacy_contractor"),
                    "name": contractor_name,
                },
                where=f"t.id IN (SELECT id FROM privacy_contractor WHERE {BENCH_CONTRACTOR})",
            )
            rows["privacy_confidentialityagreement"] = copy_rows(
                cursor,
                "privacy_confidentialityagreement",
                copies,
                base=off["privacy_confidentialityagreement"],
                changed={"id": shifted("id", "privacy_confidentialityagreement"), "contractor_id": contractor},
                where=bench_contractor,
            )
            rows["privacy_historicalconfidentialityagreement"] = copy_rows(
                cursor,
                "privacy_historicalconfidentialityagreement",
                copies,
                base=off["privacy_historicalconfidentialityagreement"],
                changed={
                    "history_id": shifted("history_id", "privacy_historicalconfidentialityagreement"),
                    "id": shifted("id", "privacy_confidentialityagreement"),
                    "contractor_id": contractor,
                },
                where=bench_contractor,
            )
            step("contractors and agreements", started)
            started = time.perf_counter()
            rows["subscribers_subscriber"] = copy_rows(
                cursor,
                "subscribers_subscriber",
                copies,
                base=off["subscribers_subscriber"],
                changed={
                    "id": shifted("id", "subscribers_subscriber"),
                    "number": "n.number",
                    "legacy_key": legacy_key,
                    "search_text": "n.search_text",
                    "search_bigrams": "pg_temp.bench_bigrams(n.search_text)",
                },
                source=(
                    f", LATERAL (SELECT {number} AS number, {number} || substr(t.search_text, 9) AS search_text) n"
                ),
            )
            step("subscribers", started)
            started = time.perf_counter()
            rows["subscribers_historicalsubscriber"] = copy_rows(
                cursor,
                "subscribers_historicalsubscriber",
                copies,
                base=off["subscribers_historicalsubscriber"],
                changed={
                    "history_id": shifted("history_id", "subscribers_historicalsubscriber"),
                    "id": shifted("id", "subscribers_subscriber"),
                    "number": number,
                    "legacy_key": legacy_key,
                },
            )
            rows["subscribers_subscriberservice"] = copy_rows(
                cursor,
                "subscribers_subscriberservice",
                copies,
                base=off["subscribers_subscriberservice"],
                changed={"id": shifted("id", "subscribers_subscriberservice"), "subscriber_id": subscriber},
            )
            rows["subscribers_historicalsubscriberservice"] = copy_rows(
                cursor,
                "subscribers_historicalsubscriberservice",
                copies,
                base=off["subscribers_historicalsubscriberservice"],
                changed={
                    "history_id": shifted("history_id", "subscribers_historicalsubscriberservice"),
                    "id": shifted("id", "subscribers_subscriberservice"),
                    "subscriber_id": subscriber,
                },
            )
            step("subscriber history and services", started)
            started = time.perf_counter()
            rows["privacy_workorder"] = copy_rows(
                cursor,
                "privacy_workorder",
                copies,
                base=off["privacy_workorder"],
                changed={
                    "id": shifted("id", "privacy_workorder"),
                    "number": f"'B' || lpad((substr(t.number, 2)::int + %(k)s * {off['order_no']})::text, 7, '0')",
                    "subscriber_id": subscriber,
                    "contractor_id": contractor,
                },
                where=f"t.{BENCH_WORK_ORDER} AND {bench_contractor}",
            )
            rows["privacy_subjectrequest"] = copy_rows(
                cursor,
                "privacy_subjectrequest",
                copies,
                base=off["privacy_subjectrequest"],
                changed={
                    "id": shifted("id", "privacy_subjectrequest"),
                    "number": f"'BR' || lpad((substr(t.number, 3)::int + %(k)s * {off['request_no']})::text, 7, '0')",
                    "subscriber_id": subscriber,
                },
                where=f"t.{BENCH_REQUEST} AND t.based_on_id IS NULL AND t.remainder_of_id IS NULL",
            )
            step("work orders and requests", started)
            started = time.perf_counter()
            # The provision records of the benchmark's work orders (each names its order's subscriber and contractor).
            rows["privacy_provision"] = copy_rows(
                cursor,
                "privacy_provision",
                copies,
                base=off["privacy_provision"],
                changed={
                    "id": shifted("id", "privacy_provision"),
                    "subscriber_id": subscriber,
                    "subscriber_number": log_number,
                    "contractor_id": contractor,
                    "work_order_id": shifted("work_order_id", "privacy_workorder"),
                },
                where=(
                    "t.handover_id IS NULL AND t.approval_id IS NULL "
                    f"AND t.work_order_id IN (SELECT id FROM privacy_workorder WHERE {BENCH_WORK_ORDER} "
                    f"AND id <= {off['privacy_workorder']})"
                ),
            )
            step("provision records", started)
            started = time.perf_counter()
            rows["privacy_accesslog"] = copy_rows(
                cursor,
                "privacy_accesslog",
                copies,
                base=off["privacy_accesslog"],
                changed={
                    "id": shifted("id", "privacy_accesslog"),
                    "subscriber_id": subscriber,
                    "subscriber_number": log_number,
                    "batch": "CASE WHEN t.batch IS NULL THEN NULL ELSE md5(t.batch::text || %(k)s)::uuid END",
                },
                where=f"t.subscriber_id <= {off['subscribers_subscriber']}",
            )
            step("access log", started)
            started = time.perf_counter()
            cursor.execute(
                "UPDATE subscribers_numbersequence SET last_value = (SELECT max(number::bigint) "
                "FROM subscribers_subscriber) WHERE name = 'subscriber_number'"
            )
            for table in TABLES:
                key = HISTORY_KEYS.get(table, "id")
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT max({key}) FROM {table}))", [table, key]
                )
            step("sequences", started)
        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        step("rebuild secondary indexes", started)
        assert secondary_indexes(cursor, TABLES) == indexes, "the indexes made again are the ones dropped"
        cursor.execute("DROP FUNCTION pg_temp.bench_bigrams(text)")
        cursor.execute("RESET maintenance_work_mem")
    steps["rows copied"] = rows
    check_copies()
    return steps


def check_copies(sample: int = 500) -> None:
    """The derived columns of a sample of copied subscribers are what the application computes for them."""
    from subscribers import normalize
    from subscribers.models import Subscriber, search_text_of

    copied = Subscriber.objects.order_by("-pk")[:sample]
    for subscriber in copied:
        assert subscriber.search_text == search_text_of(subscriber), subscriber.pk
        assert subscriber.search_bigrams == normalize.search_bigrams(subscriber.search_text), subscriber.pk
