"""Print the Redis URL the real-worker tests should use (empty: none), and say on stderr which one it is.

CELERY_TEST_BROKER_URL when set; else Redis on 127.0.0.1:6379 when it answers, database 15 (the tests flush
nothing else); else nothing, and the tests that need a real Celery worker are skipped with the reason shown.
"""

import os
import sys

LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def redis_answers(url: str = LOCAL_REDIS) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means "not usable"; the tests say why they skip
        return False


def main() -> None:
    if url := os.environ.get("CELERY_TEST_BROKER_URL"):
        print(f"Real-worker tests use CELERY_TEST_BROKER_URL ({url.split('@')[-1]}).", file=sys.stderr)
    elif redis_answers():
        url = LOCAL_REDIS
        print("Real-worker tests use Redis on 127.0.0.1:6379 (database 15).", file=sys.stderr)
    else:
        url = ""
        print("No Redis on 127.0.0.1:6379: the real-worker tests are skipped (see the reasons below).", file=sys.stderr)
    print(url)


if __name__ == "__main__":
    main()
