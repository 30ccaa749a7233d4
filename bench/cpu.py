"""Whose CPU a load run spent: the web server's processes, the PostgreSQL backends serving its database, the load
generator (this process), and everyone else on the machine.

Throughput on a shared two-core machine is as noisy as the other work on it; CPU seconds per request are not, and
tell what the same run would serve on cores of its own. Read from /proc (Linux), sampled a few times a second so
that a process which ends during the run (a recycled worker, a closed connection) still counts to its last sample.
"""

import os
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def process_cpu_seconds(pid: int) -> float:
    """utime + stime."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields is not None else 0.0


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


def _processes(parent: int, database: str) -> tuple[list[int], list[int]]:
    """(children of ``parent``, PostgreSQL backends connected to ``database``: their process title names it)."""
    children, backends = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
            backends.append(int(entry.name))
        elif (fields := _stat(int(entry.name))) is not None and int(fields[1]) == parent:
            children.append(int(entry.name))
    return children, backends


class LoadCpu:
    """Sample the server's processes and the database's backends from ``start()`` to ``stop()``."""

    def __init__(self, server_pid: int, database: str, interval: float = 0.25):
        self.server_pid, self.database, self.interval = server_pid, database, interval
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        children, backends = _processes(self.server_pid, self.database)
        pids = [("server", p) for p in [self.server_pid, *children]] + [("postgres", p) for p in backends]
        for key in pids:
            # Each process's own time only: a recycled worker keeps its last sample (the master's count of its
            # reaped children would count it twice).
            seconds = process_cpu_seconds(key[1])
            if seconds:
                self.last[key] = seconds

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self._sample()

    def start(self) -> None:
        self._sample()
        self.first = dict(self.last)  # what existed at the start counts from here; what comes later, from zero
        self._busy, self._total = machine_busy_seconds()
        self._own = time.process_time()
        self._wall = time.perf_counter()
        self._thread.start()

    def stop(self, requests: int) -> dict:
        self._sample()
        self._done.set()
        self._thread.join()
        busy, total = machine_busy_seconds()
        own = time.process_time() - self._own
        wall = time.perf_counter() - self._wall
        spent = {"server": 0.0, "postgres": 0.0}
        for key, seconds in self.last.items():
            spent[key[0]] += seconds - self.first.get(key, 0.0)
        machine = busy - self._busy
        per = 1000 / max(requests, 1)
        return {
            "cpu_ms_per_request": {
                "web server": round(spent["server"] * per, 2),
                "postgres": round(spent["postgres"] * per, 2),
                "load generator": round(own * per, 2),
                "others on the machine": round(max(machine - spent["server"] - spent["postgres"] - own, 0) * per, 2),
            },
            "machine_busy_share": round(machine / max(total - self._total, 1e-9), 2),
            "cores_used_by_this_run": round((spent["server"] + spent["postgres"] + own) / max(wall, 1e-9), 2),
        }
