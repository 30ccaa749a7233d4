from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self):
        post_migrate.connect(grant_app_role_privileges, sender=self)
        from privacy.signals import connect_file_register

        connect_file_register()


def grant_app_role_privileges(sender, using="default", **kwargs):
    """After every migration (new tables included), what the app role may do is granted again: DATABASE_APP_ROLE
    names the role the web, worker and beat connect as (mctv/db_roles.py). The purge functions go back to the
    purge role if a restore gave them to another (docs/operations.md, "Backup and restore")."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connections, transaction

    from mctv.db_roles import grant_app_privileges, own_purge_functions, role_exists

    app_role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        own_purge_functions(cursor.cursor)
        if not app_role:
            return
        if not role_exists(cursor, app_role):
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE names {app_role}, which does not exist: run `manage.py db_roles` "
                "(docs/operations.md)."
            )
        grant_app_privileges(cursor.cursor, app_role)
