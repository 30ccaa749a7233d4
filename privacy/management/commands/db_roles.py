"""Create the database roles of docs/operations.md (owner, app, purge) as a PostgreSQL superuser, once per cluster.

Connects with DATABASE_ADMIN_URL (a superuser, or a role with CREATEROLE and CREATEDB); creates what is missing,
sets the passwords given in DATABASE_OWNER_PASSWORD and DATABASE_APP_PASSWORD, and creates the database (or hands
it to the owner). Run it before the first `migrate`; running it again changes nothing else.
"""

import environ
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mctv.db_roles import ensure_roles


class Command(BaseCommand):
    help = "Create the owner, app and purge roles and the database (PostgreSQL; DATABASE_ADMIN_URL is a superuser)."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="mctv_owner", help="Owns the tables, runs migrations.")
        parser.add_argument("--app", default=settings.DATABASE_APP_ROLE or "mctv_app", help="What the app uses.")
        parser.add_argument("--database", default="mctv", help="The database the owner owns.")

    def handle(self, *args, **options):
        env = environ.Env()
        admin_url = env("DATABASE_ADMIN_URL", default="")
        if not admin_url:
            raise CommandError("Set DATABASE_ADMIN_URL to a PostgreSQL superuser's URL.")
        admin = env.db_url_config(admin_url)
        try:
            connection = psycopg.connect(
                dbname=admin["NAME"] or "postgres",
                user=admin["USER"],
                password=admin["PASSWORD"] or None,
                host=admin["HOST"] or None,
                port=admin["PORT"] or None,
                autocommit=True,
            )
        except psycopg.Error as error:
            raise CommandError(f"Cannot connect with DATABASE_ADMIN_URL: {type(error).__name__}") from error
        with connection, connection.cursor() as cursor:
            done = ensure_roles(
                cursor,
                owner=options["owner"],
                app=options["app"],
                database=options["database"],
                owner_password=env("DATABASE_OWNER_PASSWORD", default="") or None,
                app_password=env("DATABASE_APP_PASSWORD", default="") or None,
            )
        for line in done or ["nothing to create"]:
            self.stdout.write(line)
