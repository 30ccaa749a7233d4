"""Who may void a registration made by mistake (取消し, issue 18): the privacy officer. Voiding takes a record out of
every list and use, so the clerk who registered asks the officer, who checks the duplicate and records the reason.

Numbered 0046 by arrangement; it depends on 0044, the last privacy migration on this branch."""

from django.db import migrations

from privacy.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(apps, {"officer": ["subscribers.void_subscriber"]})


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0046_letters"),
        ("subscribers", "0009_subscriber_voided"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
