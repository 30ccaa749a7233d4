"""Default retention rules (configuration, see docs/retention.md), the purge's way through the append-only
trigger, and role permissions."""

from django.db import migrations

from mctv.db import APPEND_ONLY_FUNCTION_SQL
from privacy.roles import grant_permissions

# (class, years, action, auto approve, where the default comes from) — see docs/retention.md.
DEFAULT_RULES = [
    ("terminated_subscriber", 5, "anonymise", False,
     "契約関係書類の保存期間（5年）に倣った既定値。統計のため行は匿名化して残す。"),
    ("provision", 3, "delete", False, "個人情報保護法施行規則の第三者提供記録の保存期間（3年）に倣った既定値。"),
    ("access_log", 1, "delete", True, "アクセス記録は1年（監査に足りる期間）。自動承認。"),
    ("request_file", 5, "delete", False, "開示請求等の決定関係書類の保存期間（5年）に倣った既定値。"),
    ("consent", 5, "delete", False, "撤回された同意の記録は撤回から5年。"),
    ("bulk_use", 1, "delete", True, "一括利用の記録は1年。自動承認。"),
]

ROLE_PERMISSIONS = {
    "officer": ["privacy.view_disposalrun", "privacy.approve_disposalrun", "privacy.view_retentionrule",
                "privacy.view_legalhold", "privacy.add_legalhold", "privacy.change_legalhold"],
    "auditor": ["privacy.view_disposalrun", "privacy.view_retentionrule", "privacy.view_legalhold"],
    "clerk": ["privacy.view_retentionrule", "privacy.view_legalhold"],
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_FUNCTION_SQL, params=None)
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_class, years, action, auto, basis in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(record_class=record_class, defaults={
            "years": years, "action": action, "auto_approve": auto, "basis": basis})
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0011_retention")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
