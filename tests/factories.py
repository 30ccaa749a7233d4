from datetime import date, timedelta

import factory
from django.utils import timezone
from faker import Faker

from privacy.models import ConfidentialityAgreement, Contractor, Department, User, WorkKind, WorkOrder
from subscribers.models import Subscriber, SubscriberService

PASSWORD = "correct-horse-battery-staple"

# The one person the duplicate checks meet twice (tests/subscribers/test_duplicates.py and the browser flow).
YAMADA_TARO = {
    "family_name": "山田",
    "given_name": "太郎",
    "family_name_kana": "ヤマダ",
    "given_name_kana": "タロウ",
    "birth_date": date(1980, 4, 1),
}
_fake = Faker("ja_JP")


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "catv"
    name = "広報広聴課CATV情報室"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Faker("last_name", locale="ja_JP")
    first_name = factory.Faker("first_name", locale="ja_JP")
    password = factory.django.Password(PASSWORD)


def _name_pair():
    return _fake.last_name_pair()


class SubscriberFactory(factory.django.DjangoModelFactory[Subscriber]):
    """Rows straight into the table; numbers from 95000000 up so they never meet the service's sequence, nor the
    numbers tests write out (9000xxxx): a test's 90001234 met the sequence's 1,234th subscriber of the session."""

    class Meta:
        model = Subscriber

    class Params:
        family = factory.LazyFunction(_name_pair)
        given = factory.LazyFunction(_fake.first_name_male_pair)

    number = factory.Sequence(lambda n: f"95{n:06d}")
    family_name = factory.LazyAttribute(lambda o: o.family[0])
    family_name_kana = factory.LazyAttribute(lambda o: o.family[1])
    given_name = factory.LazyAttribute(lambda o: o.given[0])
    given_name_kana = factory.LazyAttribute(lambda o: o.given[1])
    sex = "male"
    postal_code = "0330001"
    prefecture = "青森県"
    municipality = "三沢市"
    street_address = factory.Sequence(lambda n: f"中央町{n % 4 + 1}丁目{n % 40 + 1}-{n % 9 + 1}")
    phone = factory.Sequence(lambda n: f"017651{n % 10000:04d}")
    status = Subscriber.Status.ACTIVE
    applied_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    activated_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=390))


class SubscriberServiceFactory(factory.django.DjangoModelFactory[SubscriberService]):
    class Meta:
        model = SubscriberService

    subscriber = factory.SubFactory(SubscriberFactory)
    service = SubscriberService.Service.TV
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=390))


class ContractorFactory(factory.django.DjangoModelFactory[Contractor]):
    class Meta:
        model = Contractor

    name = factory.Sequence(lambda n: f"三沢電設{n}株式会社")
    address = "青森県三沢市中央町1丁目1-1"
    representative = "代表 太郎"
    phone = "0176-00-0000"


ALL_ITEMS = ["number", "name", "reading", "address", "phone", "email", "birth_date", "sex", "occupation", "services"]


class AgreementFactory(factory.django.DjangoModelFactory[ConfidentialityAgreement]):
    class Meta:
        model = ConfidentialityAgreement

    contractor = factory.SubFactory(ContractorFactory)
    reference = factory.Sequence(lambda n: f"MCTV-{n:04d}")
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=265))
    items = factory.LazyFunction(lambda: ["number", "name", "reading", "address", "phone", "services"])
    clause_safety_measures = True
    clause_no_use_beyond_contract = True
    clause_return_or_destroy = True
    redelegation_allowed = False
    clause_responsibility_allocation = True
    clause_subcontractor_supervision = factory.LazyAttribute(lambda agreement: agreement.redelegation_allowed)


class WorkOrderFactory(factory.django.DjangoModelFactory[WorkOrder]):
    """A live work order: its contractor has an agreement in force, today is inside the window."""

    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"T{n:07d}")
    subscriber = factory.SubFactory(SubscriberFactory)
    contractor = factory.LazyFunction(lambda: AgreementFactory.create().contractor)
    kind = factory.LazyFunction(lambda: WorkKind.objects.get(code="repair"))
    scheduled_on = factory.LazyFunction(timezone.localdate)
    access_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    access_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    items = factory.LazyFunction(lambda: ["number", "name", "address", "phone"])


def contractor_user(contractor, username=None):
    from django.contrib.auth.models import Group

    user = UserFactory.create(
        username=username or f"c{contractor.pk}", contractor=contractor, last_name="工事", first_name="担当"
    )
    user.groups.add(Group.objects.get(name="contractor"))
    return user


def granted_disclosure(clerk, officer, lines: int = 5, **decision):
    """A disclosure request granted (in full unless ``decision`` says otherwise) for a subscriber with ``lines``
    provision records, recorded through the gate for one work order: 修理（W0）, 修理（W1）…"""
    from privacy.services.provision import provision_record

    order = WorkOrderFactory.create()
    for n in range(lines):
        provision_record(
            subscriber=order.subscriber,
            items=order.items,
            method="server_access",
            basis="contracted_work",
            purpose=f"修理（W{n}）",
            user=clerk,
            work_order=order,
        )
    return decided_disclosure(clerk, officer, order.subscriber, **decision)


def decided_disclosure(clerk, officer, subscriber, **decision):
    """A disclosure request about ``subscriber`` received, checked and decided (in full unless ``decision`` says
    otherwise) through the services."""
    from privacy.services import requests as svc

    request = svc.request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="counter",
        details="保有する個人情報の全部",
        user=clerk,
    )
    svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    svc.request_start_review(request=request, user=clerk)
    svc.request_decide(request=request, **({"decision": "full", "reasons": ""} | decision), user=officer)
    request.refresh_from_db()
    return request


def carried_out_disclosure(clerk, officer, subscriber, *, disclosed_days_ago: int = 0):
    """A disclosure request about ``subscriber`` taken through the services to its carrying out (art. 87); the
    day it was carried out is then set ``disclosed_days_ago`` back, as if it had happened then."""
    from privacy.models import SubjectRequest
    from privacy.services import requests as svc

    request = decided_disclosure(clerk, officer, subscriber)
    svc.request_carry_out_disclosure(request=request, on=timezone.localdate(), method="inspection", user=clerk)
    if disclosed_days_ago:
        SubjectRequest.objects.filter(pk=request.pk).update(
            disclosed_on=timezone.localdate() - timedelta(days=disclosed_days_ago)
        )
    request.refresh_from_db()
    return request
