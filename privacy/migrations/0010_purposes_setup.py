"""The three purposes the declaration states (§2(2)), its first version (§9), the append-only bulk-use log."""

from datetime import date
from pathlib import Path

from django.db import migrations

from mctv.db import append_only_sql
from privacy.roles import grant_permissions

FORWARD, REVERSE = append_only_sql("privacy_bulkuse")
DECLARATION_V1 = Path(__file__).resolve().parent.parent / "texts" / "declaration_v1.txt"
SINCE = date(2000, 1, 1)

STATED_PURPOSES = [
    ("service", "加入申込・工事・料金請求及び収納",
     "加入申込、工事の施行、料金請求や収納業務のため。",
     ["number", "name", "reading", "address", "phone", "email", "services"], False),
    ("notices", "施設の業務に関する通知",
     "加入者に対し、施設の業務に関しての通知等を行うため。",
     ["number", "name", "address"], False),
    ("statistics", "統計資料の作成（個人を識別しない）",
     "加入者の個人情報の集計、分析を行い、個人が識別、特定できないように加工した統計資料を作成し、"
     "サービスの向上及び新規サービスの開発等を行うため。",
     ["address", "birth_date", "services"], True),
]

VIEW = ["privacy.view_purpose", "privacy.view_policyversion", "privacy.view_consent"]
ROLE_PERMISSIONS = {
    "clerk": [*VIEW, "privacy.add_consent", "privacy.change_consent"],
    "officer": [*VIEW, "privacy.add_consent", "privacy.change_consent", "privacy.view_bulkuse"],
    "auditor": [*VIEW, "privacy.view_bulkuse"],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    Purpose = apps.get_model("privacy", "Purpose")
    for code, title, description, items, former in STATED_PURPOSES:
        Purpose.objects.get_or_create(code=code, defaults={
            "title": title, "description": description, "items": items, "stated_in_declaration": True,
            "covers_former_subscribers": former, "since": SINCE,
        })
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.get_or_create(version="1", defaults={
        "text": DECLARATION_V1.read_text(encoding="utf-8"), "effective_on": SINCE,
        "summary_of_changes": "制定時の宣言",
    })
    grant_permissions(apps, ROLE_PERMISSIONS)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0009_purposes_consent_policy")]

    operations = [migrations.RunPython(forward, reverse)]
