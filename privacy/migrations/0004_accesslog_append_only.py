"""The database itself refuses UPDATE and DELETE on the access log (PostgreSQL trigger)."""

from django.db import migrations

from mctv.db import append_only_sql

FORWARD, REVERSE = append_only_sql("privacy_accesslog")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_roles")]

    operations = [migrations.RunPython(forward, reverse)]
