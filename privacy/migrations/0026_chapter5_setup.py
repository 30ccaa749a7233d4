"""APPI chapter 5: existing requests read as written requests, the law's grounds for withholding, complaint
categories, retention rules for the new files, and the roles' permissions (docs/requests.md)."""

from datetime import timedelta

from django.db import migrations

from privacy.roles import grant_permissions

# Art. 78(1) i–vii (summaries; the article is what the letter cites).
GROUNDS = [
    ("78-1-1", "法第78条第1項第1号", "開示請求者の生命、健康、生活又は財産を害するおそれがある情報"),
    ("78-1-2", "法第78条第1項第2号", "開示請求者以外の個人に関する情報"),
    ("78-1-3", "法第78条第1項第3号", "法人その他の団体に関する情報"),
    ("78-1-4", "法第78条第1項第4号", "国の安全等に関する情報"),
    ("78-1-5", "法第78条第1項第5号", "公共の安全と秩序の維持に関する情報"),
    ("78-1-6", "法第78条第1項第6号", "審議、検討又は協議に関する情報"),
    ("78-1-7", "法第78条第1項第7号", "事務又は事業の適正な遂行に支障を及ぼすおそれがある情報"),
]
CATEGORIES = [
    "取得・利用目的",
    "第三者・業者への提供",
    "安全管理・漏えい",
    "開示等の請求の対応",
    "職員の対応",
    "その他",
]
HANDLE = ["view", "add", "change"]
ROLE_PERMISSIONS = {
    "clerk": [
        *(f"privacy.{p}_consultation" for p in HANDLE),
        *(f"privacy.{p}_complaint" for p in HANDLE),
        "privacy.view_correctionnotice",
        "privacy.change_correctionnotice",
        "privacy.view_withholdingground",
        "privacy.view_requestsettings",
        "privacy.view_complaintcategory",
    ],
    "officer": [
        *(f"privacy.{p}_consultation" for p in HANDLE),
        *(f"privacy.{p}_complaint" for p in HANDLE),
        *(f"privacy.{p}_appeal" for p in HANDLE),
        "privacy.view_correctionnotice",
        "privacy.change_correctionnotice",
        "privacy.view_withholdingground",
        "privacy.view_requestsettings",
        "privacy.view_complaintcategory",
    ],
    "auditor": [
        "privacy.view_consultation",
        "privacy.view_complaint",
        "privacy.view_appeal",
        "privacy.view_correctionnotice",
        "privacy.view_withholdingground",
        "privacy.view_requestsettings",
        "privacy.view_complaintcategory",
    ],
}


def forward(apps, schema_editor):
    SubjectRequest = apps.get_model("privacy", "SubjectRequest")
    RequestRule = apps.get_model("privacy", "RequestRule")
    # A call or an email was never a written request; the form behind it arrived at the counter or online.
    SubjectRequest.objects.filter(channel="phone").update(channel="counter")
    SubjectRequest.objects.filter(channel="email").update(channel="online")
    for request in SubjectRequest.objects.select_related("subscriber").iterator():
        subscriber = request.subscriber
        registered = f"{subscriber.family_name} {subscriber.given_name}".strip() if subscriber else ""
        request.subject_name = registered or request.requester_name
        if request.by_agent and not request.agent_kind:
            legal = any(word in request.agent_relation for word in ("法定", "親権", "後見"))
            request.agent_kind = "statutory" if legal else "appointed"
        request.period_ends_on = request.received_on + timedelta(
            days=request.days + request.extension_days + request.paused_days
        )
        request.save(update_fields=["subject_name", "agent_kind", "period_ends_on"])
    # Art. 89: only a disclosure costs a fee; the law's periods are at most 30 days.
    RequestRule.objects.exclude(kind="disclosure").update(fee_yen=0, copy_yen_per_sheet=0)
    RequestRule.objects.filter(days__gt=30).update(days=30)

    WithholdingGround = apps.get_model("privacy", "WithholdingGround")
    for order, (code, article, title) in enumerate(GROUNDS):
        WithholdingGround.objects.get_or_create(
            code=code, defaults={"article": article, "title": title, "order": order}
        )
    ComplaintCategory = apps.get_model("privacy", "ComplaintCategory")
    for order, name in enumerate(CATEGORIES):
        ComplaintCategory.objects.get_or_create(name=name, defaults={"order": order})
    RequestSettings = apps.get_model("privacy", "RequestSettings")
    if not RequestSettings.objects.exists():
        RequestSettings.objects.create()

    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.get_or_create(
        record_class="complaint_file",
        defaults={
            "years": 3,
            "action": "delete",
            "auto_approve": False,
            "basis": "苦情処理の記録は完結の翌年度から3年（三沢市文書管理規程の3年保存文書に準じた既定値）。",
        },
    )
    RetentionRule.objects.get_or_create(
        record_class="consultation",
        defaults={
            "years": 1,
            "action": "delete",
            "auto_approve": False,
            "basis": "請求に至らなかった相談の記録は受付の翌年度から1年（一時的な記録としての既定値）。",
        },
    )
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0025_chapter5_requests_appeals_complaints"), ("subscribers", "0007_plausible_days")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
