"""Operators' entry to the retention service (like Django's clearsessions): the same code the beat task runs."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from privacy.models import DisposalRun, RetentionRule
from privacy.selectors.retention import disposal_dry_run
from privacy.services.retention import disposal_propose, disposal_purge


class Command(BaseCommand):
    help = (
        "Propose disposals of records past their retention period; purge those approved (or auto-approved). "
        "--dry-run prints what would go per class and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count per class; write nothing.")
        parser.add_argument("--today", help="Count as if today were YYYY-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options):
        dry_run, today, as_json = options["dry_run"], options["today"], options["json"]
        day = parse_date(today) if today else timezone.localdate()
        if today and day is None:
            raise CommandError("--today takes a date as YYYY-MM-DD")
        if day > timezone.localdate() and not dry_run:
            # Counting from a future day would dispose of records before their period is over.
            raise CommandError("--today may lie in the future only with --dry-run")
        rules = {r.record_class: r for r in RetentionRule.objects.all()}
        if dry_run:
            counts = disposal_dry_run(day)
            self._print(
                day,
                {
                    cls: {"would_dispose": n, "years": rules[cls].years, "action": rules[cls].action}
                    for cls, n in counts.items()
                },
                as_json,
                dry_run=True,
            )
            return
        runs = disposal_propose(today=day)
        report = {}
        for run in DisposalRun.objects.filter(pk__in=[r.pk for r in runs]) | DisposalRun.objects.purgeable():
            if run.is_purgeable:
                disposal_purge(run_id=run.pk, today=day)
            run.refresh_from_db()
            report[run.record_class] = {
                "run": run.pk,
                "status": run.status,
                "proposed": run.candidate_count,
                "disposed": run.disposed_count,
                "held": run.held_count,
            }
        self._print(day, report, as_json, dry_run=False)

    def _print(self, day, report: dict, as_json: bool, *, dry_run: bool):
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"today": day.isoformat(), "dry_run": dry_run, "classes": report}, ensure_ascii=False, indent=2
                )
            )
            return
        self.stdout.write(f"retention {'dry run ' if dry_run else ''}as of {day.isoformat()}")
        for cls, row in report.items():
            self.stdout.write(f"  {cls:<24} " + "  ".join(f"{k}={v}" for k, v in row.items()))
        if not report:
            self.stdout.write("  nothing to propose")
