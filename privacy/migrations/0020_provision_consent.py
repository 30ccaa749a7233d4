"""§3(1): a provision "with consent" names the consent it relied on.

The provision log is append-only and keeps what was recorded: on PostgreSQL the check is added NOT VALID, so it
holds for every row written from now on and leaves earlier rows as they were.
"""

import django.db.models.deletion
from django.db import migrations, models

CONSTRAINT = models.CheckConstraint(
    condition=models.Q(models.Q(("basis", "consent"), _negated=True), ("consent__isnull", False), _connector="OR"),
    name="provision_consent_named",
)


def add_constraint(apps, schema_editor):
    Provision = apps.get_model("privacy", "Provision")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE privacy_provision ADD CONSTRAINT provision_consent_named "
            "CHECK (NOT (basis = 'consent') OR consent_id IS NOT NULL) NOT VALID"
        )
    elif not Provision.objects.exclude(CONSTRAINT.condition).exists():
        # SQLite (the demo) cannot add a check that earlier rows fail; the model's validation still applies.
        # It rebuilds the table from the model's constraints: the historical model must list the new one.
        Provision._meta.constraints = [*Provision._meta.constraints, CONSTRAINT]
        schema_editor.add_constraint(Provision, CONSTRAINT)


def remove_constraint(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("privacy", "Provision"), CONSTRAINT)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0019_plausible_days"),
        ("subscribers", "0007_plausible_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="provision",
            name="consent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="provisions",
                to="privacy.consent",
                verbose_name="consent relied on",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="provision", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(add_constraint, remove_constraint)],
        ),
    ]
