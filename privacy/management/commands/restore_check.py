"""The restore drill: dump this database, restore the dump into a scratch database as docs/operations.md says, and
check the copy (mctv/restore_check.py). Run it as the tables' owner (it needs CREATEDB); it removes what it made."""

from django.core.management.base import BaseCommand, CommandError

from mctv.restore_check import RestoreCheckError, run_restore_check


class Command(BaseCommand):
    help = "Dump the database, restore it into a scratch database with pg_restore, and check the copy works."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database alias to dump.")

    def handle(self, *args, database, **options):
        try:
            problems = run_restore_check(database, say=self.stdout.write)
        except RestoreCheckError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("The restored copy is not whole:\n- " + "\n- ".join(problems))
        self.stdout.write(self.style.SUCCESS("The dump restores into a working copy."))
