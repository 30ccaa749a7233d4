"""The import of an office's register (issue 19): the default profile 標準 with the headers registers commonly use,
and who may import — the privacy officer, who answers for what enters the registry."""

from django.db import migrations

from privacy.roles import grant_permissions

STANDARD_COLUMNS = {
    "旧番号": "legacy_key",
    "氏名": "full_name",
    "フリガナ": "full_name_kana",
    "姓": "family_name",
    "名": "given_name",
    "セイ": "family_name_kana",
    "メイ": "given_name_kana",
    "生年月日": "birth_date",
    "性別": "sex",
    "職業": "occupation",
    "〒": "postal_code",
    "郵便番号": "postal_code",
    "都道府県": "prefecture",
    "市区町村": "municipality",
    "住所": "street_address",
    "契約サービス": "services",
    "サービス": "services",
    "建物": "building",
    "電話": "phone",
    "電話番号": "phone",
    "携帯": "mobile_phone",
    "携帯電話": "mobile_phone",
    "メール": "email",
    "加入日": "applied_on",
    "状態": "status",
    "状態日": "status_on",
}


def setup(apps, schema_editor):
    ImportProfile = apps.get_model("subscribers", "ImportProfile")
    ImportProfile.objects.get_or_create(
        name="標準",
        defaults={
            "columns": STANDARD_COLUMNS,
            "description": "よく使われる見出し（氏名・フリガナ・〒・住所・電話・生年月日・旧番号 …）。",
        },
    )
    grant_permissions(apps, {"officer": ["subscribers.import_register", "subscribers.view_registerimport"]})


def remove_profile(apps, schema_editor):
    apps.get_model("subscribers", "ImportProfile").objects.filter(name="標準").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_roles"),
        ("subscribers", "0010_register_import"),
    ]

    operations = [migrations.RunPython(setup, remove_profile)]
