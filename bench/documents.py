"""Bulk documents in the benchmark (issue 20): an incident's notices (a letter a page), the disclosure of one
subscriber with many provision lines, the 個人情報ファイル簿 (a page per file) and the yearly accountability report
(a row per audit finding), each at two sizes and each in a process of its own — wall and CPU seconds, pages, the
cost per item, and the peak memory of the process and of its largest child (the processes laying out parts side by
side, ``PDF_PROCESSES``, whose CPU is counted too; Linux counts in a child's peak the memory of this process when it
was started, before it became a fresh interpreter). The per-item cost at the larger size beside the smaller's is
the figure that matters: a document whose layout grows faster than its items shows it there.

Every run writes in one transaction and rolls it back: the data set is left as it was."""

from bench.child import run_child

# Sizes per scale: tiny stays quick in CI; the others are issue 20's (notices for 5,000 people, 10,000 lines). The
# 個人情報ファイル簿 is a page per file: a city publishes tens of files, so 100 and 1,000 are already far beyond it.
# The yearly accountability report's rows are the year's audit findings: tens in an office, so 100 and 1,000 too.
DOCUMENT_SIZES = {
    "tiny": {"notices": (20, 100), "disclosure": (100, 1_000), "file_register": (10, 50), "yearly_report": (10, 50)},
    "small": {
        "notices": (1_000, 5_000),
        "disclosure": (1_000, 10_000),
        "file_register": (100, 1_000),
        "yearly_report": (100, 1_000),
    },
}
DOCUMENT_SIZES["default"] = DOCUMENT_SIZES["small"]
DOCUMENT_SIZES["large"] = DOCUMENT_SIZES["default"]  # a document's size is its own, not the registry's

DOCUMENT_SCRIPT = r"""
from django.db import transaction
from django.utils import timezone
from privacy.letters import disclosure_pdf
from privacy.models import Provision, SubjectRequest, User
from privacy.services.incidents import incident_record
from privacy.services.notice_prints import incident_notices_pdf, notice_people
from subscribers.models import Subscriber


kind, n = sys.argv[3], int(sys.argv[4])
officer = User.objects.get(username="officer")
out = {}
with transaction.atomic():
    if kind == "notices":
        people = Subscriber.objects.filter(erased_on=None).order_by("pk")[:n]
        incident = incident_record(
            user=officer, subscribers=people, discovered_at=timezone.now(), discovered_by="情報室",
            description="誤送付", notice_text="お名前とご住所を記載した書類を、誤って別の方に郵送いたしました。",
            items=["name", "address"],
        )
        letters = notice_people(incident)
        make = lambda: incident_notices_pdf(incident, letters)
    elif kind == "yearly_report":
        from mctv.wareki import fiscal_year_label
        from privacy.fiscal_years import fiscal_year
        from privacy.models import AuditFinding, Department
        from privacy.pdf import render_pdf
        from privacy.selectors.accountability import accountability_year
        today = timezone.localdate()
        year, departments = fiscal_year(today), list(Department.objects.order_by("code"))
        AuditFinding.objects.bulk_create([
            AuditFinding(fiscal_year=year, department=departments[i % len(departments)], found_on=today,
                         finding=f"委託先への提供記録に、提供した項目の記載が漏れているものがある（{i + 1}）。",
                         requested_action="記載漏れを補い、記録の様式を見直すこと。", written_by=officer,
                         status="answered", answer="様式を改め、漏れた記録を補正した。", answered_on=today,
                         answered_by=officer)
            for i in range(n)
        ], batch_size=2000)
        context = {"label": fiscal_year_label(year), "today": today}
        make = lambda: render_pdf("pdf/accountability_report.html", {**context, "year": accountability_year(year)})
    elif kind == "file_register":
        from types import SimpleNamespace
        from privacy.services.file_register import COLUMNS, register_entries
        from privacy.services.file_register import file_register_pdf
        kept = register_entries()
        entries = [{**kept[i % len(kept)], "name": f"{kept[i % len(kept)]['name']}（{i + 1}）", "people": 1200,
                    "counted_on": timezone.localdate(), "exempt": False} for i in range(n)]
        version = SimpleNamespace(number=1, approved_at=timezone.now())
        make = lambda: file_register_pdf(version, entries)
    else:
        request = SubjectRequest.objects.filter(subscriber__isnull=False).first()
        template = Provision.objects.filter(subscriber_id=request.subscriber_id).first() or Provision.objects.first()
        have = Provision.objects.filter(subscriber_id=request.subscriber_id).count()
        Provision.objects.bulk_create([
            Provision(at=template.at, subscriber_id=request.subscriber_id, subscriber_number=request.subscriber.number,
                      contractor_id=template.contractor_id, recipient_name=template.recipient_name,
                      items=template.items, method=template.method, basis=template.basis, purpose=template.purpose,
                      work_order_id=template.work_order_id, caused_by_id=template.caused_by_id)
            for _ in range(max(0, n - have))
        ], batch_size=2000)
        SubjectRequest.objects.filter(pk=request.pk).update(
            kind="disclosure", decision="full", decided_by=officer, decided_at=timezone.now(), status="decided")
        request.refresh_from_db()
        make = lambda: disclosure_pdf(request, officer)
    baseline = high_water_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = make()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # The parts' layout processes (PDF_PROCESSES): their CPU, and the largest one's peak memory
    import resource
    from django.conf import settings
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {"processes": settings.PDF_PROCESSES, "child_process_peak_rss_mb": round(children.ru_maxrss / 1024, 1),
           "cpu_own_s": round(cpu, 2)}  # the part no layout process can take: the HTML, the joining, the numbering
    cpu += children.ru_utime + children.ru_stime
    transaction.set_rollback(True)
import shutil, subprocess, tempfile
pages = None
if shutil.which("pdfinfo"):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
print(json.dumps({**out, "items": n, "seconds": round(wall, 2), "cpu_s": round(cpu, 2), "pages": pages,
                  "kib": len(pdf) // 1024, "baseline_rss_mb": round(baseline, 1),
                  "peak_rss_mb": round(high_water_mb(), 1)}))
"""


def measure_document(database_url: str, kind: str, n: int) -> dict:
    row = run_child(DOCUMENT_SCRIPT, database_url, kind, str(n))
    row["ms_per_item_cpu"] = round(row["cpu_s"] * 1000 / n, 2) if n else None
    return row


def measure_documents(database_url: str, scale: str) -> dict:
    """Each document at its two sizes; ``growth`` is the CPU per item at the larger over the smaller (1.0: linear)."""
    results: dict[str, dict] = {}
    for kind, sizes in DOCUMENT_SIZES[scale].items():
        rows = {str(n): measure_document(database_url, kind, n) for n in sizes}
        small, large = (rows[str(n)]["ms_per_item_cpu"] for n in sizes)
        results[kind] = {**rows, "growth": round(large / small, 2) if small else None}
    return results
