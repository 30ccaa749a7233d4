"""The import of an office's register: receive the file, check it (a dry run), import it, report.

Rows are never half-imported. ``whole_file`` (the default) writes every batch inside one transaction and rolls it
back if any row is refused; ``each_row`` commits each batch of good rows on its own and reports the bad ones. Both
are idempotent by the former register's number (``Subscriber.legacy_key``): a file imported again changes nothing,
a corrected file updates only what changed, with history rows naming the import. A file of more than
REGISTER_IMPORT_SYNC_MAX_ROWS rows is checked and imported by a worker (``subscribers.run_register_import``).
"""

import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mctv.transitions import Lifecycle, set_status
from subscribers.normalize import normalize_text

from .batches import Batcher, Plan, plan_write
from .models import IMPORT_FIELDS, ImportProfile, RegisterImport
from .reading import Cell, UnreadableFile, data_rows, detect_encoding, file_kind, header_row
from .rows import RowCleaner

if TYPE_CHECKING:
    from privacy.models import User

logger = logging.getLogger(__name__)
Status = RegisterImport.Status
IMPORT_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.UPLOADED: frozenset({Status.CHECKING, Status.IMPORTING, Status.CANCELLED, Status.FAILED}),
        Status.CHECKING: frozenset({Status.CHECKED, Status.FAILED}),
        Status.CHECKED: frozenset({Status.CHECKING, Status.IMPORTING, Status.CANCELLED}),
        # A worker lost mid-import hands its message back: the next one starts the file again from its first row.
        Status.IMPORTING: frozenset({Status.DONE, Status.REFUSED, Status.FAILED}),
        Status.DONE: frozenset(),
        Status.REFUSED: frozenset(),
        Status.FAILED: frozenset(),
        Status.CANCELLED: frozenset(),
    },
)
ACTIONS = {"check": Status.CHECKING, "import": Status.IMPORTING}


def imports_dir() -> Path:
    return Path(settings.REGISTER_IMPORTS_DIR)


def register_import_receive(
    *, user: "User", name: str, chunks: Iterator[bytes], profile: ImportProfile, mode: str
) -> RegisterImport:
    """Keep the uploaded file (hashed as it is written), tell its type and encoding, read its headers against the
    profile and count its rows. ``UnreadableFile`` (nothing kept) when it is no register this can read."""
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"upload-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    try:
        with path.open("wb") as stream:
            path.chmod(0o600)
            for chunk in chunks:
                digest.update(chunk)
                stream.write(chunk)
        with path.open("rb") as stream:
            head = stream.read(8192)
        kind = file_kind(name, head)
        encoding = detect_encoding(path) if kind == "csv" else ""
        headers = header_row(path, kind, encoding)
        RowCleaner(profile.columns, headers)  # refuses a file without the columns the registry needs
        total = sum(1 for _row in data_rows(path, kind, encoding))
    except UnreadableFile:
        path.unlink(missing_ok=True)
        raise
    except Exception:
        path.unlink(missing_ok=True)
        logger.exception("register upload %s unreadable", name)
        raise UnreadableFile(_("The file cannot be read as a register.")) from None
    if total == 0:
        path.unlink(missing_ok=True)
        raise UnreadableFile(_("The file has headers but no rows."))
    imp = RegisterImport.objects.create(
        created_by=user,
        file_name=Path(name).name[:255],
        sha256=digest.hexdigest(),
        kind=kind,
        encoding=encoding,
        profile=profile,
        mode=mode,
        headers=headers,
        rows_total=total,
    )
    kept = folder / f"{imp.pk}.{kind}"
    path.rename(kept)
    RegisterImport.objects.filter(pk=imp.pk).update(stored_file=str(kept))
    imp.stored_file = str(kept)
    return imp


def register_import_preview(imp: RegisterImport, rows: int = 5) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """The file's headers with the item each fills (blank: not imported), and its first rows as written."""
    by_header = {normalize_text(h): item for h, item in imp.profile.columns.items()}
    mapping = [(header, str(IMPORT_FIELDS.get(by_header.get(header, ""), ""))) for header in imp.headers]
    if not imp.stored_file:
        return mapping, []
    first = islice(data_rows(Path(imp.stored_file), imp.kind, imp.encoding), rows)
    return mapping, [["" if cell is None else str(cell) for cell in cells] for _n, cells in first]


def register_import_start(
    *, imp: RegisterImport, action: str, user: "User", in_process: bool = False
) -> RegisterImport:
    """Check (``check``) or import (``import``): at once for a small file (or ``in_process``: the command), by a
    worker after commit for a large one."""
    with transaction.atomic():
        imp = RegisterImport.objects.select_for_update().get(pk=imp.pk)
        set_status(imp, ACTIONS[action], lifecycle=IMPORT_LIFECYCLE, user=user)
        _progress(imp, 0)
    if not in_process and imp.rows_total > settings.REGISTER_IMPORT_SYNC_MAX_ROWS:
        transaction.on_commit(lambda: _enqueue(imp.pk, action))
        return imp
    return register_import_process(imp.pk, action)


def _enqueue(import_id: int, action: str) -> None:
    from subscribers.tasks import run_register_import

    try:
        run_register_import.delay(import_id, action)
    except Exception as error:  # noqa: BLE001 - after commit nothing may fail the request; the import says so
        logger.warning("register import %s not queued (%s)", import_id, error)
        _fail(import_id, f"{type(error).__name__}: not queued")


def register_import_process(import_id: int, action: str) -> RegisterImport:
    """The check or the import itself (in the request, the command, or the worker). Idempotent: an import finished,
    or not waiting for this action, is left as it is; one a lost worker left running is done again from the start."""
    imp = RegisterImport.objects.select_related("profile", "created_by").get(pk=import_id)
    if imp.status != ACTIONS[action]:
        return imp
    write = action == "import"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return _process(imp, write=write)
    except Exception as error:
        logger.exception("register import %s failed", imp.code)
        _fail(imp.pk, f"{type(error).__name__}: {error}")
        return RegisterImport.objects.get(pk=imp.pk)


def _process(imp: RegisterImport, *, write: bool) -> RegisterImport:
    path = Path(imp.stored_file)
    cleaner = RowCleaner(imp.profile.columns, header_row(path, imp.kind, imp.encoding))
    batcher = Batcher(legacy_column=cleaner.column("legacy_key"))
    whole = imp.mode == RegisterImport.Mode.WHOLE_FILE
    size = settings.REGISTER_IMPORT_BATCH_SIZE
    reasons = {
        "created_reason": _("Registered by import %(code)s") % {"code": imp.code},
        "updated_reason": _("Updated by import %(code)s") % {"code": imp.code},
    }
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    problems: list = []
    duplicates: list = []
    rows = data_rows(path, imp.kind, imp.encoding)
    with transaction.atomic() if write and whole else nullcontext():
        # A second worker given the same message waits here, then finds the import finished.
        locked = RegisterImport.objects.select_for_update() if write and whole else RegisterImport.objects.all()
        if locked.get(pk=imp.pk).status != Status.IMPORTING and write:
            return RegisterImport.objects.get(pk=imp.pk)
        # The file's rows: one savepoint in whole-file mode, rolled back if any row is refused (the import's own
        # record, written after it, stays).
        with transaction.atomic() if write and whole else nullcontext():
            done = 0
            while batch := list(islice(rows, size)):
                plan = _plan(cleaner, batcher, batch)
                problems += plan.problems
                duplicates += plan.duplicates
                if write and not (whole and problems):
                    _write(plan, imp=imp, whole=whole, batch_size=size, refused=problems, **reasons)
                totals["created"] += len(plan.creates)
                totals["updated"] += len(plan.updates)
                totals["unchanged"] += plan.unchanged
                done += len(batch)
                _progress(imp, done)
            if write and whole and problems:
                transaction.set_rollback(True)
        refused_rows = {row for row, _c, _m in problems}
        return _finish(imp, write=write, totals=totals, problems=problems, duplicates=duplicates, refused=refused_rows)


def _plan(cleaner: RowCleaner, batcher: Batcher, batch: list[tuple[int, list[Cell]]]) -> Plan:
    good, problems = [], []
    for number, cells in batch:
        row, found = cleaner.clean(number, cells)
        problems += found
        if row is not None:
            good.append(row)
    plan = batcher.plan(good)
    plan.problems = problems + plan.problems
    return plan


def _write(plan: Plan, *, imp: RegisterImport, whole: bool, batch_size: int, refused: list, **reasons: str) -> None:
    """One batch. In ``each_row`` mode the batch is its own transaction; should the database still refuse it (a
    number taken meanwhile by another import), its rows are written one by one and the refused ones reported."""
    if whole:
        plan_write(plan, user=imp.created_by, batch_size=batch_size, **reasons)
        return
    try:
        with transaction.atomic():
            plan_write(plan, user=imp.created_by, batch_size=batch_size, **reasons)
        return
    except DatabaseError:
        logger.warning("register import %s: a batch was refused, writing its rows one by one", imp.code)
    for row, subscriber, services in list(plan.creates):
        one = Plan(creates=[(row, subscriber, services)])
        _write_one(one, imp=imp, row=row, refused=refused, plan=plan, **reasons)
    for row, subscriber, changes in list(plan.updates):
        one = Plan(updates=[(row, subscriber, changes)])
        _write_one(one, imp=imp, row=row, refused=refused, plan=plan, **reasons)


def _write_one(one: Plan, *, imp: RegisterImport, row: int, refused: list, plan: Plan, **reasons: str) -> None:
    try:
        with transaction.atomic():
            plan_write(one, user=imp.created_by, batch_size=1, **reasons)
    except DatabaseError:
        refused.append((row, "", _("The registry refused this row; check it and import the file again.")))
        plan.creates = [c for c in plan.creates if c[0] != row]
        plan.updates = [u for u in plan.updates if u[0] != row]


@transaction.atomic
def _finish(imp, *, write: bool, totals: dict, problems: list, duplicates: list, refused: set[int]) -> RegisterImport:
    locked = RegisterImport.objects.select_for_update().get(pk=imp.pk)
    refused_whole = write and locked.mode == RegisterImport.Mode.WHOLE_FILE and bool(problems)
    if refused_whole:
        totals = {"created": 0, "updated": 0, "unchanged": 0}
    locked.created_count, locked.updated_count = totals["created"], totals["updated"]
    locked.unchanged_count, locked.refused_count = totals["unchanged"], len(refused)
    place = {header: at for at, header in enumerate(locked.headers)}
    locked.problems = [list(p) for p in sorted(problems, key=lambda p: (p[0], place.get(p[1], len(place))))]
    locked.duplicates = duplicates
    if write:
        locked.finished_at = timezone.now()
        status = Status.REFUSED if refused_whole else Status.DONE
    else:
        status = Status.CHECKED
    set_status(locked, status, lifecycle=IMPORT_LIFECYCLE, user=locked.created_by)
    if write:
        transaction.on_commit(lambda: register_import_discard_file(locked.pk))
    return locked


def register_import_discard_file(import_id: int) -> None:
    """The uploaded file goes once the import is over; the hash stays."""
    imp = RegisterImport.objects.get(pk=import_id)
    if imp.stored_file:
        Path(imp.stored_file).unlink(missing_ok=True)
        RegisterImport.objects.filter(pk=import_id).update(stored_file="")
    progress_file(imp).unlink(missing_ok=True)


def _fail(import_id: int, error: str) -> None:
    with transaction.atomic():
        imp = RegisterImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is not None and not imp.finished:
            imp.error = error[:200]
            imp.finished_at = timezone.now()
            set_status(imp, Status.FAILED, lifecycle=IMPORT_LIFECYCLE, user=None)
    transaction.on_commit(lambda: register_import_discard_file(import_id))


def register_import_cancel(*, imp: RegisterImport, user: "User") -> RegisterImport:
    with transaction.atomic():
        imp = RegisterImport.objects.select_for_update().get(pk=imp.pk)
        imp.finished_at = timezone.now()
        set_status(imp, Status.CANCELLED, lifecycle=IMPORT_LIFECYCLE, user=user)
        transaction.on_commit(lambda: register_import_discard_file(imp.pk))
    return imp


def register_imports_expire(*, now=None) -> int:
    """Hourly: an upload never imported is cancelled, and its file deleted, REGISTER_IMPORT_KEEP_HOURS after it came."""
    from datetime import timedelta

    cutoff = (now or timezone.now()) - timedelta(hours=settings.REGISTER_IMPORT_KEEP_HOURS)
    stale = RegisterImport.objects.filter(status__in=[Status.UPLOADED, Status.CHECKED], created_at__lt=cutoff)
    cancelled = 0
    for imp in stale.order_by("pk"):
        register_import_cancel(imp=imp, user=None)  # type: ignore[arg-type]
        cancelled += 1
    return cancelled


def progress_file(imp: RegisterImport) -> Path:
    """Rows done so far, written beside the upload: a whole-file import's rows are invisible until its one commit,
    so its progress cannot live in the database."""
    return imports_dir() / f"{imp.pk}.progress"


def _progress(imp: RegisterImport, done: int) -> None:
    path = progress_file(imp)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_suffix(".part")
    partial.write_text(str(done))
    partial.replace(path)


def register_import_done_rows(imp: RegisterImport) -> int:
    if not imp.running:
        return imp.rows_total if imp.status in (Status.CHECKED, Status.DONE, Status.REFUSED) else 0
    try:
        return min(imp.rows_total, int(progress_file(imp).read_text() or 0))
    except (OSError, ValueError):
        return 0


def register_import_report_rows(imp: RegisterImport) -> Iterator[list[object]]:
    """The problem report as a CSV file: where each problem is and what it is; then the likely duplicates."""
    yield [_("Row"), _("Column"), _("Problem")]
    for row, column, message in imp.problems:
        yield [row, column, message]
    for row, other, reasons in imp.duplicates:
        yield [row, "", _("Likely the same person as %(other)s (%(reasons)s).") % {"other": other, "reasons": reasons}]
