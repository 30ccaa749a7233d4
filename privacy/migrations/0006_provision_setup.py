"""The provision log is append-only in PostgreSQL; kinds of work with their default items; role permissions."""

from django.db import migrations

from mctv.db import append_only_sql
from privacy.roles import grant_permissions

FORWARD, REVERSE = append_only_sql("privacy_provision")

# What each kind of work needs (§6(1)); admins may change these later.
WORK_KINDS = [
    ("new_connection", "新規引込工事", ["number", "name", "reading", "address", "phone", "services"]),
    ("in_home", "宅内工事", ["number", "name", "reading", "address", "phone", "services"]),
    ("repair", "修理・障害対応", ["number", "name", "address", "phone", "services"]),
    ("removal", "撤去工事", ["number", "name", "address", "phone"]),
    ("inspection", "設備点検", ["number", "address"]),
]

CONTRACTOR_ADMIN = [
    "privacy.view_contractor", "privacy.add_contractor", "privacy.change_contractor",
    "privacy.view_confidentialityagreement", "privacy.add_confidentialityagreement",
    "privacy.change_confidentialityagreement",
]
WORK = [
    "privacy.view_contractor", "privacy.view_confidentialityagreement", "privacy.view_workkind",
    "privacy.view_workorder", "privacy.add_workorder", "privacy.change_workorder", "privacy.close_workorder",
    "privacy.print_worksheet", "privacy.view_provision", "privacy.add_provision", "privacy.export_provision",
    "privacy.view_exceptionalprovision", "privacy.add_exceptionalprovision", "privacy.view_provisionstop",
]
ROLE_PERMISSIONS = {
    "clerk": WORK,
    "officer": [*WORK, *CONTRACTOR_ADMIN, "privacy.approve_exceptionalprovision"],
    "auditor": [
        "privacy.view_contractor", "privacy.view_confidentialityagreement", "privacy.view_workkind",
        "privacy.view_workorder", "privacy.view_provision", "privacy.view_exceptionalprovision",
        "privacy.view_provisionstop",
    ],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    WorkKind = apps.get_model("privacy", "WorkKind")
    for code, name, items in WORK_KINDS:
        WorkKind.objects.get_or_create(code=code, defaults={"name": name, "default_items": items})
    grant_permissions(apps, ROLE_PERMISSIONS)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_contractors_work_orders_provisions")]

    operations = [migrations.RunPython(forward, reverse)]
