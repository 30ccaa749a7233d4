"""The provision log's export (■25): its rows as the file writes them, a chunk at a time, each person named in the
access log by number (the item the file carries of them) before the first row naming them leaves."""

from collections.abc import Iterator

from django.db.models import Max, QuerySet
from django.utils import timezone

from privacy.data_items import DataItem, item_labels
from privacy.models import Provision, User
from privacy.services.access_log import LOG_CHUNK, ExportLog, Numbered, export_number_reserve

COLUMNS = ("at", "subscriber_number", "recipient_name", "items", "method", "basis", "purpose")


def provision_export_start(*, user: User, provisions: QuerySet[Provision], path: str) -> tuple[ExportLog, Iterator]:
    """The export of ``provisions`` (already filtered to what ``user`` may see): its access log, and its rows as
    the file writes them. The log is append-only, so the file holds the rows up to the last id when asked; a row
    with a lower id committed meanwhile is read too, and its person logged like the others."""
    provisions = provisions.filter(id__lte=provisions.aggregate(last=Max("id"))["last"] or 0)
    people = provisions.order_by().values_list("subscriber_id", "subscriber_number").distinct()
    log = ExportLog(
        user=user,
        export_no=export_number_reserve(),
        items=[DataItem.NUMBER],
        count=people.count(),
        path=path,
        detail={"export": "provision_log", "count": provisions.count()},
    )
    return log, _lines(provisions, log)


def _lines(provisions: QuerySet[Provision], log: ExportLog) -> Iterator[list]:
    """Read as plain values (no record objects): a million rows cost what their columns cost. Labels come from the
    choices and each staff member's name is looked up once. Each chunk's people not yet named are written to ``log``
    before the chunk is handed on."""
    methods, bases = dict(Provision.Method.choices), dict(Provision.Basis.choices)
    labels: dict[tuple, str] = {}
    names: dict[int | None, str] = {None: ""}
    logged = _Seen()
    for chunk in _chunks(provisions):
        newcomers = {row[-2]: Numbered(row[-2], row[1]) for row in chunk if row[-2] not in logged}
        log.write(list(newcomers.values()))
        for subscriber_id in newcomers:
            logged.add(subscriber_id)
        for at, number, recipient, items, method, basis, purpose, work_order, caused_by, note, *_keys in chunk:
            key = tuple(items or ())
            if key not in labels:
                labels[key] = "、".join(item_labels(items))
            if caused_by not in names:
                names[caused_by] = str(User.objects.get(pk=caused_by))
            yield [
                timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
                number,
                recipient,
                labels[key],
                methods.get(method, method),
                bases.get(basis, basis),
                purpose,
                work_order or "",
                names[caused_by],
                note,
            ]


def _chunks(provisions: QuerySet[Provision]) -> Iterator[list[tuple]]:
    """The rows in (at, id) order, ``LOG_CHUNK`` a query, each query starting where the last ended (keyset, on the
    index ``provision_at_id``): no cursor is held open across the log's commits, and each query reads one chunk
    whatever the log's size — rows written at the same instant (a bulk hand-over's) included."""
    rows = provisions.order_by("at", "id").values_list(
        *COLUMNS, "work_order_id", "caused_by_id", "note", "subscriber_id", "id"
    )
    chunk = list(rows[:LOG_CHUNK])
    while chunk:
        yield chunk
        at, pk = chunk[-1][0], chunk[-1][-1]
        chunk = list(rows.filter(at__gte=at).exclude(at=at, id__lte=pk)[:LOG_CHUNK])


class _Seen:
    """The subscriber ids named so far, a bit each: a million people cost 125 KB, not the 60 MB of a set."""

    def __init__(self) -> None:
        self.bits = bytearray()

    def add(self, n: int) -> None:
        if n >> 3 >= len(self.bits):
            self.bits.extend(bytes((n >> 3) - len(self.bits) + 1))
        self.bits[n >> 3] |= 1 << (n & 7)

    def __contains__(self, n: int) -> bool:
        return n >> 3 < len(self.bits) and bool(self.bits[n >> 3] >> (n & 7) & 1)
