"""The default retention rule for incident files (see docs/retention.md)."""

from django.db import migrations


def forward(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.get_or_create(record_class="incident_file", defaults={
        "years": 5, "action": "delete", "auto_approve": False,
        "basis": "漏えい等事案の記録は完了から5年（報告・公表の検証に足りる期間）とした既定値。"})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0015_incident_file_retention")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
