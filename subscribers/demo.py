"""Realistic demo data: Faker ``ja_JP`` people with readings, at Misawa (Aomori) addresses."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from faker import Faker
from simple_history.utils import bulk_create_with_history

from privacy.demo import (
    seed_demo_accountability,
    seed_demo_consents,
    seed_demo_contractors,
    seed_demo_file_register,
    seed_demo_requests,
)
from privacy.models import Department, User
from privacy.roles import Role

from .models import Subscriber, SubscriberService
from .services import subscriber_next_numbers

# Town names of Misawa with their postal codes (Japan Post's, as subscribers/postal.py has them: a demo record's
# address matches its code, so editing one shows no warning the real data would not).
MISAWA_TOWNS = [
    ("中央町", "0330001"),
    ("幸町", "0330011"),
    ("平畑", "0330012"),
    ("松園町", "0330037"),
    ("桜町", "0330031"),
    ("大字三沢", "0330022"),
    ("大町", "0330041"),
    ("東町", "0330034"),
    ("堀口", "0330123"),
    ("美野原", "0330033"),
    ("南山", "0330151"),
    ("岡三沢", "0330021"),
    ("古間木山", "0330044"),
    ("下久保", "0330023"),
    ("古間木", "0330051"),
    ("三川目", "0330142"),
    ("淋代", "0330113"),
    ("天ケ森", "0330101"),
    ("六川目", "0330111"),
    ("新町", "0330062"),
]
BUILDINGS = ["コーポ三沢", "メゾン中央", "ハイツ松園", "サンライズ岡三沢", "グランドール桜町", "レジデンス幸町"]
OCCUPATIONS = [
    "会社員",
    "公務員",
    "自営業",
    "農業",
    "漁業",
    "パート・アルバイト",
    "学生",
    "無職",
    "団体職員",
    "医療従事者",
]

DEMO_PASSWORD = "mctv-demo-2026"
DEMO_ACCOUNTS = [
    # username, family name, given name, role (None: superuser)
    ("admin", "管理", "太郎", None),
    ("officer", "佐藤", "花子", Role.OFFICER),
    ("clerk", "鈴木", "一郎", Role.CLERK),
    ("auditor", "高橋", "監査", Role.AUDITOR),
]


@dataclass
class DemoResult:
    accounts: list[tuple[str, str, str]]
    subscribers_created: int


def seed_demo_users() -> list[tuple[str, str, str]]:
    department, _created = Department.objects.get_or_create(code="catv", defaults={"name": "広報広聴課CATV情報室"})
    accounts = []
    for username, family, given, role in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = family, given
        user.department = department
        user.is_superuser = user.is_staff = role is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
        accounts.append((username, DEMO_PASSWORD, str(role.label) if role else "admin"))
    department.responsible_officer = User.objects.get(username="officer")
    department.save()
    return accounts


def build_subscribers(count: int, seed: int, today: date) -> tuple[list[Subscriber], list[list[str]]]:
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    numbers = subscriber_next_numbers(count)
    subscribers, services = [], []
    for number in numbers:
        sex = rng.choices(["male", "female", "other", "not_stated"], weights=[48, 48, 1, 3])[0]
        family, family_kana, _romaji = fake.last_name_pair()
        given, given_kana, _romaji = fake.first_name_female_pair() if sex == "female" else fake.first_name_male_pair()
        town, postal_code = rng.choice(MISAWA_TOWNS)
        applied_on = today - timedelta(days=rng.randint(30, 365 * 25))
        status = rng.choices(["active", "applied", "suspended", "terminated"], weights=[80, 4, 4, 12])[0]
        subscriber = Subscriber(
            number=number,
            family_name=family,
            given_name=given,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            birth_date=today - timedelta(days=rng.randint(18 * 365, 95 * 365)),
            sex=sex,
            occupation=rng.choice(OCCUPATIONS),
            postal_code=postal_code,
            prefecture="青森県",
            municipality="三沢市",
            street_address=f"{town}{rng.randint(1, 4)}丁目{rng.randint(1, 40)}-{rng.randint(1, 30)}"
            if rng.random() < 0.6
            else f"{town}{rng.randint(1, 300)}-{rng.randint(1, 12)}",
            building=f"{rng.choice(BUILDINGS)} {rng.randint(1, 4)}0{rng.randint(1, 8)}号室"
            if rng.random() < 0.2
            else "",
            phone=f"0176{rng.randint(50, 59)}{rng.randint(0, 9999):04d}" if rng.random() < 0.7 else "",
            mobile_phone=f"0{rng.choice([70, 80, 90])}{rng.randint(0, 99999999):08d}" if rng.random() < 0.6 else "",
            email=fake.email() if rng.random() < 0.4 else "",
            status=status,
            applied_on=applied_on,
        )
        activated_on = applied_on + timedelta(days=rng.randint(3, 30))
        if status != "applied":
            subscriber.activated_on = activated_on
        if status == "suspended":
            subscriber.suspended_on = activated_on + timedelta(days=rng.randint(1, 300))
        if status == "terminated":
            subscriber.terminated_on = min(today, activated_on + timedelta(days=rng.randint(30, 3000)))
        subscriber.set_search_columns()
        subscribers.append(subscriber)
        kinds = ["tv"] if rng.random() < 0.9 else []
        kinds += ["internet"] if rng.random() < 0.45 else []
        kinds += ["phone"] if rng.random() < 0.1 else []
        services.append(kinds or ["tv"])
    return subscribers, services


def seed_demo(*, subscribers: int, seed: int, today: date, batch_size: int = 2000) -> DemoResult:
    """Create the demo accounts and ``subscribers`` subscribers with bulk inserts (history rows included)."""
    accounts = seed_demo_users()
    admin = User.objects.get(username="admin")
    created = 0
    for start in range(0, subscribers, batch_size):
        chunk = min(batch_size, subscribers - start)
        with transaction.atomic():
            rows, kinds = build_subscribers(chunk, seed + start, today)
            saved = bulk_create_with_history(
                rows, Subscriber, batch_size=batch_size, default_user=admin, default_change_reason=_("Demo data")
            )
            if saved and saved[0].pk is None:  # backends that do not return ids
                by_number = dict(
                    Subscriber.objects.filter(number__in=[r.number for r in rows]).values_list("number", "pk")
                )
                for row in saved:
                    row.pk = by_number[row.number]
            service_rows = [
                SubscriberService(
                    subscriber_id=row.pk,
                    service=kind,
                    started_on=row.activated_on or row.applied_on,
                    ended_on=row.terminated_on,
                )
                for row, row_kinds in zip(saved, kinds, strict=True)
                for kind in row_kinds
            ]
            bulk_create_with_history(service_rows, SubscriberService, batch_size=batch_size, default_user=admin)
        created += chunk
    accounts += seed_demo_contractors(password=DEMO_PASSWORD, today=today, admin=admin)
    seed_demo_requests(today=today)
    seed_demo_consents(today=today)
    seed_demo_file_register(today=today)
    seed_demo_accountability(today=today)
    return DemoResult(accounts=accounts, subscribers_created=created)
