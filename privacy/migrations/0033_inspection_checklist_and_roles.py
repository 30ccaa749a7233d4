"""The self-inspection checklist the office starts from (declaration §4, rules ■14–■19; editable in admin), and who
records training, inspects, audits and answers."""

from django.db import migrations

from privacy.roles import grant_permissions

CHECKLIST = [
    ("管理体制", "個人情報を取り扱う部門ごとに責任者が置かれ、職員に周知されているか。", "宣言4(1)、規程■15"),
    ("管理体制", "個人情報の安全管理に関する規程が作成され、必要に応じて見直されているか。", "規程■14"),
    ("教育・研修", "個人情報を取り扱う職員の全員が、今年度の研修を受講したか。", "宣言4(1)、規程■17"),
    ("教育・研修", "職員が秘密の保持について誓約し、異動・退職時にアカウントが停止されているか。", "規程■17"),
    ("安全管理", "個人情報が記録された書類・媒体の保管場所への出入りが管理されているか。", "規程■16(1)"),
    ("安全管理", "個人情報が記録された書類・媒体の持ち出しが記録され、返却されているか。", "規程■16(2)"),
    ("安全管理", "システムのアカウントが職員ごとに付与され、共用されていないか。", "宣言4(2)、規程■16(4)"),
    ("安全管理", "職員のアクセス記録を点検し、業務に関係しない閲覧がないことを確認したか。", "宣言4(2)"),
    ("安全管理", "個人情報の発送・送信時に宛先の確認その他の機密保持策をとっているか。", "規程■16(5)"),
    ("委託先", "委託業者との機密保持の協定が有効で、提供した項目が協定の範囲内か。", "宣言4(3)、規程■18、■19"),
    ("委託先", "委託業者に渡した作業票等の返却又は廃棄が確認されているか。", "宣言4(3)、規程■19"),
    ("保存・廃棄", "保存期間を経過した個人情報が遅滞なく廃棄されているか。", "宣言13、規程■13"),
    ("開示請求等", "開示請求等が期限内に決定され、通知されているか。", "宣言5、法第83条"),
]
ROLE_PERMISSIONS = {
    "officer": [
        "privacy.view_trainingsession",
        "privacy.add_trainingsession",
        "privacy.change_trainingsession",
        "privacy.view_selfinspection",
        "privacy.add_selfinspection",
        "privacy.change_selfinspection",
        "privacy.view_inspectionanswer",
        "privacy.view_inspectionchecklistitem",
        "privacy.view_auditfinding",
        "privacy.answer_auditfinding",
    ],
    "auditor": [
        "privacy.view_trainingsession",
        "privacy.view_selfinspection",
        "privacy.view_inspectionanswer",
        "privacy.view_inspectionchecklistitem",
        "privacy.view_auditfinding",
        "privacy.add_auditfinding",
    ],
}


def forward(apps, schema_editor):
    Item = apps.get_model("privacy", "InspectionChecklistItem")
    if not Item.objects.exists():
        Item.objects.bulk_create(
            Item(category=category, question=question, basis=basis, order=(n + 1) * 10)
            for n, (category, question, basis) in enumerate(CHECKLIST)
        )
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0032_training_and_inspections")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
