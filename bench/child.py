"""A measurement in a fresh interpreter, so that its peak memory is the measured work's alone.

``run_child(body, *args)`` runs ``PREAMBLE + body`` with ``python -c``: the preamble sets up Django on the database
given (``argv[2]``; ``argv[1]`` is the project's root) and defines ``high_water_mb()`` (the process's ``VmHWM``);
the body's further arguments are ``argv[3:]``, and its last line of output is one JSON object, which is returned."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREAMBLE = r"""
import json, os, re, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["DATABASE_URL"] = sys.argv[2]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mctv.settings.test")
import django
django.setup()

def high_water_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
"""


class ChildFailed(RuntimeError):
    pass


def run_child(body: str, database_url: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PREAMBLE + body, str(ROOT), database_url, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    if done.returncode != 0:
        raise ChildFailed(" ".join(done.stderr.strip().splitlines()[-1:]))
    return json.loads(done.stdout.strip().splitlines()[-1])
