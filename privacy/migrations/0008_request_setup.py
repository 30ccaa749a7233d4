"""Request events are append-only in PostgreSQL; reply days per kind (default 15); role permissions."""

from django.db import migrations

from mctv.db import append_only_sql
from privacy.roles import grant_permissions

FORWARD, REVERSE = append_only_sql("privacy_requestevent")

KINDS = [
    "disclosure", "purpose_notice", "correction", "addition", "deletion", "suspension", "erasure",
    "stop_third_party", "stop_contractors",
]
# The city's disclosure ordinance decides within 15 days (DESIGN.md "Deadlines"); admins may change it per kind.
DEFAULT_DAYS = 15

HANDLE = ["privacy.view_subjectrequest", "privacy.add_subjectrequest", "privacy.change_subjectrequest",
          "privacy.view_requestevent", "privacy.view_requestrule"]
ROLE_PERMISSIONS = {
    "clerk": HANDLE,
    "officer": [*HANDLE, "privacy.decide_subjectrequest"],
    "auditor": ["privacy.view_subjectrequest", "privacy.view_requestevent", "privacy.view_requestrule"],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    RequestRule = apps.get_model("privacy", "RequestRule")
    for kind in KINDS:
        RequestRule.objects.get_or_create(kind=kind, defaults={"days": DEFAULT_DAYS})
    grant_permissions(apps, ROLE_PERMISSIONS)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0007_subject_requests")]

    operations = [migrations.RunPython(forward, reverse)]
