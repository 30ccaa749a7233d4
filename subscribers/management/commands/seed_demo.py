import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from subscribers.demo import seed_demo
from subscribers.models import Subscriber


class Command(BaseCommand):
    help = "Create the demo accounts and realistic demo subscribers (Faker ja_JP, Misawa addresses)."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=500, help="How many subscribers to create.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Create subscribers only when the registry is empty."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even without DEBUG (it resets the demo accounts' passwords)."
        )

    def handle(self, *args, subscribers, seed, if_empty, force, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "seed_demo gives well-known passwords to admin, clerk, officer … — it runs only with DEBUG, or --force."
            )
        if if_empty and Subscriber.objects.exists():
            subscribers = 0
        started = time.monotonic()
        result = seed_demo(subscribers=subscribers, seed=seed, today=timezone.localdate())
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Created %(count)d subscribers in %(seconds).1f s.")
            % {"count": result.subscribers_created, "seconds": elapsed}
        )
        self.stdout.write(_("Demo accounts (username / password / role):"))
        for username, password, role in result.accounts:
            self.stdout.write(f"  {username:<12} {password}  {role}")
