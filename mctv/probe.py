"""``python -m mctv.probe /healthz`` (or ``/readyz``): the container's health check — exit 0 when the gunicorn in this
container answers the path with 200, 1 otherwise.

It asks as the proxy does, naming a host Django accepts (the first of ALLOWED_HOSTS): production refuses any other
Host header with a 400, 127.0.0.1 included. Both paths are exempt from the HTTPS redirect (production settings).
"""

import os
import sys
import urllib.request


def host_header(allowed_hosts: str) -> str:
    """A name Django's ALLOWED_HOSTS accepts: ``.example.org`` allows ``example.org``; ``*`` allows anything."""
    first = allowed_hosts.split(",")[0].strip().lstrip(".")
    return first if first and first != "*" else "localhost"


def probe(path: str, *, port: int, host: str, timeout: float) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except OSError:  # refused, timed out, or an HTTP error status (URLError and HTTPError are OSErrors)
        return False


def main(argv: list[str]) -> int:
    path = argv[0] if argv else "/healthz"
    port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
    host = host_header(os.environ.get("ALLOWED_HOSTS", ""))
    return 0 if probe(path, port=port, host=host, timeout=float(os.environ.get("PROBE_TIMEOUT", "5"))) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
