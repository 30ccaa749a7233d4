"""Who may run, read and close the review of staff access, and its settings row with the office's defaults."""

from django.db import migrations

from privacy.roles import grant_permissions

ROLE_PERMISSIONS = {
    "officer": [
        "privacy.view_accessreview",
        "privacy.run_accessreview",
        "privacy.close_accessreview",
        "privacy.view_accessreviewflag",
    ],
    # Auditors read the reviews and their PDFs; closing a flag is the officer's (docs/accountability.md).
    "auditor": ["privacy.view_accessreview", "privacy.view_accessreviewflag"],
}


def forward(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)
    Settings = apps.get_model("privacy", "AccessReviewSettings")
    if not Settings.objects.exists():
        Settings.objects.create()


def reverse(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*group.permissions.filter(codename__in=[p.split(".")[1] for p in perms]))


class Migration(migrations.Migration):
    dependencies = [("privacy", "0036_access_review")]

    operations = [migrations.RunPython(forward, reverse)]
