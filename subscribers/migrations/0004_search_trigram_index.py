"""A trigram index for the one search box: LIKE '%term%' on the folded search column uses it (PostgreSQL)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS subscriber_search_trgm ON subscribers_subscriber "
    "USING gin (search_text gin_trgm_ops)",
]
REVERSE = ["DROP INDEX IF EXISTS subscriber_search_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in REVERSE:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0003_subscriber_use_suspended_erased")]

    operations = [migrations.RunPython(forward, reverse)]
