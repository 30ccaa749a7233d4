"""Demo contractors with agreements and live work orders, and their portal accounts."""

from datetime import date, timedelta

from django.contrib.auth.models import Group

from privacy.models import ConfidentialityAgreement, Contractor, User, WorkKind
from privacy.roles import Role
from privacy.services.work_orders import work_order_create
from subscribers.models import Subscriber

DEMO_CONTRACTORS = [
    # username, company, items its agreement allows, kinds of work it does
    (
        "contractor",
        "三沢電設株式会社",
        ["number", "name", "reading", "address", "phone", "services"],
        ["new_connection", "in_home", "repair"],
    ),
    ("contractor2", "北奥羽ケーブル工業株式会社", ["number", "name", "address", "phone"], ["removal", "inspection"]),
]


def seed_demo_contractors(
    *, password: str, today: date, admin: User, orders_each: int = 5
) -> list[tuple[str, str, str]]:
    accounts = []
    subscribers = list(Subscriber.objects.active().order_by("number")[: orders_each * len(DEMO_CONTRACTORS)])
    for index, (username, name, items, kinds) in enumerate(DEMO_CONTRACTORS):
        contractor, created = Contractor.objects.get_or_create(
            name=name,
            defaults={
                "address": "青森県三沢市中央町2丁目8-1",
                "representative": "代表取締役 三沢一郎",
                "contact_person": "工事課 八戸次郎",
                "phone": f"017655{1000 + index:04d}",
            },
        )
        if created:
            ConfidentialityAgreement.objects.create(
                contractor=contractor,
                reference=f"MCTV-{today.year}-{index + 1:03d}",
                signed_on=today - timedelta(days=60),
                expires_on=today + timedelta(days=305),
                items=items,
                clause_safety_measures=True,
                clause_no_use_beyond_contract=True,
                clause_return_or_destroy=True,
                clause_responsibility_allocation=True,
            )
            for offset, subscriber in enumerate(subscribers[index :: len(DEMO_CONTRACTORS)]):
                kind = WorkKind.objects.get(code=kinds[offset % len(kinds)])
                work_order_create(
                    subscriber=subscriber,
                    contractor=contractor,
                    kind=kind,
                    scheduled_on=today + timedelta(days=offset),
                    access_from=today - timedelta(days=1),
                    access_until=today + timedelta(days=offset + 7),
                    items=[i for i in kind.default_items if i in items],
                    user=admin,
                )
        user, _created = User.objects.get_or_create(username=username)
        user.last_name, user.first_name, user.contractor, user.department = "工事", f"担当{index + 1}", contractor, None
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=Role.CONTRACTOR)])
        accounts.append((username, password, f"{Role.CONTRACTOR.label}（{name}）"))
    return accounts


# (kind, days ago received, how far it has gone, what the subscriber asked)
DEMO_REQUESTS = [
    ("disclosure", 20, "under_review", "保有している個人情報と提供記録の開示"),
    ("correction", 12, "identity_verified", "転居に伴う住所の訂正"),
    ("stop_contractors", 6, "received", "工事業者への情報提供の停止"),
    ("suspension", 2, "received", "お知らせ送付への利用の停止"),
]


def seed_demo_requests(*, today: date) -> int:
    """A few open requests at different distances from their due dates, so the dashboard has something to show."""
    from privacy.models import SubjectRequest
    from privacy.services.requests import request_receive, request_start_review, request_verify_identity

    if SubjectRequest.objects.exists():
        return 0
    clerk = User.objects.get(username="clerk")
    subscribers = list(Subscriber.objects.active().order_by("-number")[: len(DEMO_REQUESTS)])
    for (kind, days_ago, reached, details), subscriber in zip(DEMO_REQUESTS, subscribers, strict=False):
        request = request_receive(
            subscriber=subscriber,
            kind=kind,
            received_on=today - timedelta(days=days_ago),
            channel="counter",
            details=details,
            user=clerk,
        )
        if reached in ("identity_verified", "under_review"):
            request = request_verify_identity(request=request, method="drivers_licence", user=clerk)
        if reached == "under_review":
            request_start_review(request=request, user=clerk)
    return len(subscribers)


def seed_demo_consents(*, today: date) -> int:
    """A purpose the declaration does not state, and a handful of subscribers who consented to it (§2(3))."""
    from privacy.models import Consent, Purpose
    from privacy.services.purposes import consent_record

    survey, _created = Purpose.objects.get_or_create(
        code="survey",
        defaults={
            "title": "視聴動向アンケート",
            "description": "番組改善のためのアンケートの送付（同意された方のみ）",
            "items": ["number", "name", "address"],
            "since": today - timedelta(days=365),
        },
    )
    if Consent.objects.filter(purpose=survey).exists():
        return 0
    clerk = User.objects.get(username="clerk")
    subscribers = list(Subscriber.objects.active().order_by("number")[20:32])
    for subscriber in subscribers:
        consent_record(
            subscriber=subscriber,
            purpose=survey,
            user_told="三沢市ケーブルテレビジョン",
            use_told="番組改善のためのアンケートの送付",
            method="paper",
            given_on=today - timedelta(days=30),
            user=clerk,
        )
    return len(subscribers)


def seed_demo_file_register(*, today: date) -> int | None:
    """The 個人情報ファイル簿 counted and its first version approved by the demo officer, so /privacy/files/ shows
    what a published register looks like; returns the version published, or None when one already is."""
    from privacy.models import FileRegisterVersion
    from privacy.services.file_register import file_people_count, file_register_approve, file_register_refresh

    file_people_count(today=today)
    if FileRegisterVersion.objects.filter(status=FileRegisterVersion.Status.IN_FORCE).exists():
        return None
    draft = file_register_refresh(today=today)
    if draft is None:
        return None
    return file_register_approve(version=draft, user=User.objects.get(username="officer")).number


def seed_demo_accountability(*, today: date) -> None:
    """Last year's training for everyone and this year's for all but the administrator (so the dashboard shows the
    warning), and this year's self-inspection started (§4(1), ■17)."""
    from privacy.fiscal_years import fiscal_year, fiscal_year_bounds
    from privacy.models import Department, SelfInspection, TrainingSession
    from privacy.selectors.accountability import staff_handling_personal_data
    from privacy.services.inspections import inspection_start
    from privacy.services.training import training_record

    if TrainingSession.objects.exists():
        return
    officer = User.objects.get(username="officer")
    staff = list(staff_handling_personal_data())
    year = fiscal_year(today)
    training_record(
        user=officer,
        held_on=fiscal_year_bounds(year - 1)[0].replace(month=6, day=10),
        title="個人情報保護研修（前年度）",
        materials="個人情報保護研修資料（情報室書庫）",
        instructor="情報室長",
        attendees=staff,
    )
    training_record(
        user=officer,
        held_on=max(fiscal_year_bounds(year)[0], today - timedelta(days=20)),
        title="窓口での本人確認と個人情報の取扱い",
        content="開示請求等の本人確認、工事業者への提供の記録",
        materials="本人確認マニュアル（情報室書庫）",
        instructor="情報室長",
        attendees=[u for u in staff if u.username != "admin"],
    )
    department = Department.objects.order_by("code").first()
    if department is not None and not SelfInspection.objects.filter(fiscal_year=year).exists():
        inspection_start(user=officer, department=department, fiscal_year=year)
