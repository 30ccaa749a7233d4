"""The personal-information files the office keeps (docs/accountability.md says why these), and who may see and
approve the register."""

from django.db import migrations

from privacy.roles import grant_permissions

OFFICE = "三沢市政策部広報広聴課CATV情報室"
FILES = [
    {
        "code": "subscribers",
        "name": "ケーブルテレビ加入者台帳ファイル",
        "business": "ケーブルテレビ放送サービスの加入申込み、工事、料金徴収及び加入者への通知に関する事務",
        "purposes_from_configuration": True,
        "items_from_registry": True,
        "scope": "加入申込者、加入者及び保存期間内の解約した加入者",
        "collection": "本人から（加入申込書、変更届、窓口・電話での届出）",
        "recipients_from_agreements": True,
        "record_class": "terminated_subscriber",
        "people_counted": "registry",
    },
    {
        "code": "provisions",
        "name": "個人情報提供記録ファイル",
        "business": "加入者の個人情報の提供の記録に関する事務",
        "purpose": "工事業者その他への個人情報の提供を記録し、本人からの開示請求等に応じるため（宣言3、規程■25）",
        "items": "提供日時\n提供先\n提供した記録項目\n提供の方法\n提供の根拠\n提供の目的\n加入者番号",
        "scope": "個人情報を提供した加入者",
        "collection": "提供の都度、システムが自動で記録",
        "record_class": "provision",
        "people_counted": "provisions",
    },
    {
        "code": "requests",
        "name": "開示請求等及び審査請求ファイル",
        "business": "保有個人情報の開示、訂正及び利用停止の請求、宣言に基づく請求並びに審査請求の処理に関する事務",
        "purpose": "開示請求等及び審査請求を受け付け、決定し、通知し、その経過を記録するため",
        "items": "請求者・代理人・審査請求人の氏名、住所及び電話番号\n本人確認書類の種別\n請求の内容及び理由\n決定の内容及び理由\n開示の実施の記録\n審査請求の趣旨及び理由、答申、裁決",
        "scope": "開示請求等をした者、その代理人及び審査請求人",
        "collection": "本人又は代理人から（請求書、審査請求書）",
        "record_class": "request_file",
        "people_counted": "requests",
    },
    {
        "code": "complaints",
        "name": "苦情処理ファイル",
        "business": "個人情報の取扱いに関する苦情の処理に関する事務",
        "purpose": "個人情報の取扱いに関する苦情を受け付け、対応し、回答するため（宣言12、規程■36）",
        "items": "申出者の氏名及び連絡先\n加入者番号（加入者の場合）\n苦情の分類及び内容\n回答の内容及び日付",
        "scope": "苦情を申し出た者",
        "collection": "本人から（窓口、電話、郵便、電子メール）",
        "record_class": "complaint_file",
        "people_counted": "complaints",
    },
    {
        "code": "incidents",
        "name": "漏えい等事案ファイル",
        "business": "個人情報の漏えい等の事案への対応に関する事務",
        "purpose": "漏えい等の事案について本人への通知、公表及び報告を行い、その経過を記録するため（宣言11）",
        "items": "影響を受けた加入者の加入者番号\n漏えい等した記録項目\n本人への通知の日付及び方法\n事案の経過",
        "scope": "漏えい等の事案により影響を受けた加入者",
        "collection": "当室の記録（加入者台帳、提供記録）から",
        "record_class": "incident_file",
        "people_counted": "incidents",
    },
    {
        "code": "consents",
        "name": "同意記録ファイル",
        "business": "宣言に定める目的以外の利用についての同意の記録に関する事務",
        "purpose": "宣言2(3)の同意を得て、利用する者及び利用の内容を記録し、撤回を管理するため",
        "items": "加入者番号\n同意した利用目的、利用する者及び利用の内容\n同意の日付及び方法\n撤回の日付",
        "scope": "宣言に定める目的以外の利用に同意した加入者",
        "collection": "本人から（同意書）",
        "record_class": "consent",
        "people_counted": "consents",
    },
    {
        "code": "consultations",
        "name": "相談記録ファイル",
        "business": "個人情報の取扱い及び開示請求等に関する相談の対応に関する事務",
        "purpose": "請求書の提出を伴わない相談を記録し、案内し、請求に至った場合に引き継ぐため",
        "items": "相談者の氏名及び連絡先\n加入者番号（加入者の場合）\n相談の内容及び当室の回答",
        "scope": "電話又は来所等により相談をした者",
        "collection": "本人から（電話、来所、電子メール）",
        "record_class": "consultation",
        "people_counted": "consultations",
    },
]
ROLE_PERMISSIONS = {
    "officer": [
        "privacy.view_personalinformationfile",
        "privacy.view_fileregisterversion",
        "privacy.approve_fileregisterversion",
    ],
    "clerk": ["privacy.view_personalinformationfile", "privacy.view_fileregisterversion"],
    "auditor": ["privacy.view_personalinformationfile", "privacy.view_fileregisterversion"],
}


def forward(apps, schema_editor):
    PersonalInformationFile = apps.get_model("privacy", "PersonalInformationFile")
    for order, values in enumerate(FILES):
        code = values["code"]
        PersonalInformationFile.objects.get_or_create(
            code=code, defaults={**values, "organisation": OFFICE, "order": order}
        )
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0029_file_register")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
