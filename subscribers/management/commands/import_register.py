"""Import an office's register from a CSV or .xlsx file: ``import_register <file> --user <username>
[--profile 標準] [--dry-run] [--each-row]``. The same service as the officer's page; the import is recorded as
one made by that user, and its problems are printed by row and column."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from subscribers.imports.models import ImportProfile, RegisterImport
from subscribers.imports.reading import UnreadableFile
from subscribers.imports.services import (
    register_import_discard_file,
    register_import_receive,
    register_import_start,
)

CHUNK = 1 << 20


class Command(BaseCommand):
    help = "Import an office's register (CSV in UTF-8 or CP932, or .xlsx), idempotent by the former numbers."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the officer the import is recorded as")
        parser.add_argument("--profile", default="標準", help="the import profile (column headers)")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument("--each-row", action="store_true", help="write the good rows even if some are refused")

    def handle(self, *args, file, user, profile, dry_run, each_row, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None or not account.has_perm("subscribers.import_register"):
            raise CommandError(f"{user}: no active account that may import the register")
        chosen = ImportProfile.objects.filter(name=profile).first()
        if chosen is None:
            raise CommandError(f"no import profile named {profile}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")

        def chunks():
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk

        mode = RegisterImport.Mode.EACH_ROW if each_row else RegisterImport.Mode.WHOLE_FILE
        try:
            imp = register_import_receive(user=account, name=path.name, chunks=chunks(), profile=chosen, mode=mode)
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        imp = register_import_start(imp=imp, action="check" if dry_run else "import", user=account, in_process=True)
        for row, column, message in imp.problems:
            self.stdout.write(f"{row}\t{column}\t{message}")
        for row, other, reasons in imp.duplicates:
            self.stdout.write(f"{row}\t\t{other}: {reasons}")
        self.stdout.write(
            f"{imp.code} {imp.get_status_display()}: rows {imp.rows_total}, created {imp.created_count}, "
            f"updated {imp.updated_count}, unchanged {imp.unchanged_count}, refused {imp.refused_count}, "
            f"likely duplicates {len(imp.duplicates)}"
        )
        if dry_run:
            register_import_discard_file(imp.pk)  # checked only: the copy of the file goes now; the record stays
        if imp.status in (RegisterImport.Status.REFUSED, RegisterImport.Status.FAILED):
            raise CommandError(imp.error or f"{imp.refused_count} rows refused: nothing written")
