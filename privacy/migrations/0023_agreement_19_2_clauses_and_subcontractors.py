"""■19(2): the agreement's two further items (responsibility and leak prevention; re-delegates' selection and
supervision), and sub-contractors named as such.

Agreements recorded before these items were required do not contain them: on PostgreSQL the check is added NOT
VALID, so it holds for every agreement saved from now on, and earlier ones stay as they were — not in force
(``AgreementQuerySet.in_force``) until the office records the two items on them (docs/operations.md).
"""

import django.db.models.deletion
from django.db import migrations, models

CONSTRAINT = models.CheckConstraint(
    condition=models.Q(
        ("clause_responsibility_allocation", True),
        models.Q(("redelegation_allowed", False), ("clause_subcontractor_supervision", True), _connector="OR"),
    ),
    name="agreement_has_19_2_clauses",
    violation_error_message=(
        "The agreement must also settle leak prevention and who is responsible for what, and, where re-delegation "
        "is allowed, how re-delegates are chosen and supervised (■19(2))."
    ),
)
NOT_OWN_SUBCONTRACTOR = models.CheckConstraint(
    condition=~models.Q(subcontractor_of=models.F("id")),
    name="contractor_not_own_subcontractor",
    violation_error_message="A contractor cannot be its own sub-contractor.",
)


def add_constraint(apps, schema_editor):
    Agreement = apps.get_model("privacy", "ConfidentialityAgreement")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE privacy_confidentialityagreement ADD CONSTRAINT agreement_has_19_2_clauses "
            "CHECK (clause_responsibility_allocation AND (NOT redelegation_allowed OR clause_subcontractor_supervision)) "
            "NOT VALID"
        )
    elif not Agreement.objects.exclude(CONSTRAINT.condition).exists():
        # SQLite (the demo) cannot add a check that earlier rows fail; the model's validation still applies.
        # It rebuilds the table from the model's constraints: the historical model must list the new one.
        Agreement._meta.constraints = [*Agreement._meta.constraints, CONSTRAINT]
        schema_editor.add_constraint(Agreement, CONSTRAINT)


def remove_constraint(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("privacy", "ConfidentialityAgreement"), CONSTRAINT)


def clause_field(verbose_name, **kwargs):
    return models.BooleanField(default=False, verbose_name=verbose_name, **kwargs)


RESPONSIBILITY = "clause: leak prevention and who is responsible for what"
SUPERVISION = "clause: re-delegates chosen to the same standard and supervised"
SUPERVISION_HELP = "Required where re-delegation is allowed."
SUBCONTRACTOR_HELP = "Only where that contractor's agreement in force allows re-delegation."


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0022_access_log_listed"),
    ]

    operations = [
        migrations.AddField(
            model_name="confidentialityagreement",
            name="clause_responsibility_allocation",
            field=clause_field(RESPONSIBILITY),
        ),
        migrations.AddField(
            model_name="confidentialityagreement",
            name="clause_subcontractor_supervision",
            field=clause_field(SUPERVISION, help_text=SUPERVISION_HELP),
        ),
        migrations.AddField(
            model_name="historicalconfidentialityagreement",
            name="clause_responsibility_allocation",
            field=clause_field(RESPONSIBILITY),
        ),
        migrations.AddField(
            model_name="historicalconfidentialityagreement",
            name="clause_subcontractor_supervision",
            field=clause_field(SUPERVISION, help_text=SUPERVISION_HELP),
        ),
        migrations.AddField(
            model_name="contractor",
            name="subcontractor_of",
            field=models.ForeignKey(
                blank=True,
                help_text=SUBCONTRACTOR_HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subcontractors",
                to="privacy.contractor",
                verbose_name="sub-contractor of",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontractor",
            name="subcontractor_of",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=SUBCONTRACTOR_HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="privacy.contractor",
                verbose_name="sub-contractor of",
            ),
        ),
        migrations.AddConstraint(model_name="contractor", constraint=NOT_OWN_SUBCONTRACTOR),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="confidentialityagreement", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(add_constraint, remove_constraint)],
        ),
    ]
