"""Incident events are append-only in PostgreSQL; the default incident settings; officers-only permissions."""

from django.db import migrations

from mctv.db import append_only_sql
from privacy.roles import grant_permissions

FORWARD, REVERSE = append_only_sql("privacy_incidentevent")

ROLE_PERMISSIONS = {
    "officer": ["privacy.view_incident", "privacy.add_incident", "privacy.change_incident",
                "privacy.view_incidentsubscriber", "privacy.view_incidentevent", "privacy.view_incidentsettings"],
    "auditor": ["privacy.view_incident", "privacy.view_incidentsubscriber", "privacy.view_incidentevent",
                "privacy.view_incidentsettings"],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    IncidentSettings = apps.get_model("privacy", "IncidentSettings")
    if not IncidentSettings.objects.exists():
        IncidentSettings.objects.create()
    grant_permissions(apps, ROLE_PERMISSIONS)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0013_incidents")]

    operations = [migrations.RunPython(forward, reverse)]
