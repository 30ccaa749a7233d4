"""Print the DATABASE_URL the tests should use, and say on stderr which one it is.

DATABASE_URL when set; else PostgreSQL on 127.0.0.1:5432 when it answers; else SQLite.
"""

import os
import socket
import sys
from pathlib import Path

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/mctv"


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return False
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except Exception:  # noqa: BLE001 - any failure means "not usable", we fall back
        return False
    return True


def main() -> None:
    if url := os.environ.get("DATABASE_URL"):
        print(f"Tests use DATABASE_URL ({url.split('@')[-1]}).", file=sys.stderr)
    elif postgres_answers():
        url = LOCAL_POSTGRES
        print("Tests use PostgreSQL on 127.0.0.1:5432.", file=sys.stderr)
    else:
        url = f"sqlite:///{Path(__file__).resolve().parent.parent / 'test.sqlite3'}"
        print("Tests use SQLite: PostgreSQL-only tests are skipped (see the reasons below).", file=sys.stderr)
    print(url)


if __name__ == "__main__":
    main()
