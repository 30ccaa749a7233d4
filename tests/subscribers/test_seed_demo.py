import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from privacy.fiscal_years import fiscal_year
from privacy.models import Consent, Department, Purpose, SubjectRequest, User
from privacy.selectors.purposes import subscribers_usable_for
from privacy.selectors.work_orders import work_orders_visible_to
from subscribers.demo import DEMO_PASSWORD, build_subscribers
from subscribers.models import Subscriber, SubscriberService
from subscribers.normalize import KATAKANA_READING

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_realistic_subscribers_and_the_demo_accounts(capsys):
    call_command("seed_demo", subscribers=60, seed=7, force=True)

    assert Subscriber.objects.count() == 60
    for subscriber in Subscriber.objects.all():
        subscriber.full_clean()  # every generated row passes the same validation as typed input
        assert KATAKANA_READING.match(subscriber.family_name_kana)
        assert (subscriber.prefecture, subscriber.municipality) == ("青森県", "三沢市")
        assert subscriber.search_text == subscriber.build_search_text()
    assert SubscriberService.objects.filter(subscriber__status="active", ended_on__isnull=True).exists()
    assert Subscriber.history.count() == 60
    roles = {u.username: set(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    assert roles == {
        "admin": set(),
        "officer": {"officer"},
        "clerk": {"clerk"},
        "auditor": {"auditor"},
        "contractor": {"contractor"},
        "contractor2": {"contractor"},
    }
    # Two contractors, each with an agreement in force and live work orders its portal account can open.
    today = timezone.localdate()
    for username in ["contractor", "contractor2"]:
        user = User.objects.get(username=username)
        assert user.contractor.agreement_in_force(today)
        assert work_orders_visible_to(user).exists()
    assert Department.objects.get().responsible_officer.username == "officer"
    # Open requests at different stages, so the officer's dashboard has something to show.
    assert SubjectRequest.objects.open().count() == 4
    assert set(SubjectRequest.objects.values_list("status", flat=True)) == {
        "received",
        "identity_verified",
        "under_review",
    }
    # An unstated purpose whose export reaches the consenting subscribers only.
    survey = Purpose.objects.get(code="survey")
    assert not survey.stated_in_declaration
    assert subscribers_usable_for(survey).count() == Consent.objects.filter(purpose=survey).count() > 0
    # The file register published once, the survey purpose in it, the people counted.
    from privacy.models import FileRegisterVersion, PersonalInformationFile

    published = FileRegisterVersion.objects.get(status=FileRegisterVersion.Status.IN_FORCE)
    registry = next(e for e in published.entries if e["code"] == "subscribers")
    assert "視聴動向アンケート" in registry["purposes"]
    assert PersonalInformationFile.objects.get(code="subscribers").people == Subscriber.objects.count()
    # Training recorded for two years, the administrator untrained this year (the dashboard's warning), and this
    # year's self-inspection started.
    from privacy.models import SelfInspection, TrainingSession
    from privacy.selectors.accountability import staff_untrained

    assert TrainingSession.objects.count() == 2
    assert [u.username for u in staff_untrained(fiscal_year(today))] == ["admin"]
    assert SelfInspection.objects.get().fiscal_year == fiscal_year(today)
    output = capsys.readouterr().out
    assert "clerk" in output and DEMO_PASSWORD in output


def test_demo_password_works_for_the_accounts():
    call_command("seed_demo", subscribers=0, force=True)
    assert User.objects.get(username="clerk").check_password(DEMO_PASSWORD)


def test_if_empty_adds_no_subscribers_to_a_filled_registry():
    call_command("seed_demo", subscribers=5, force=True)
    call_command("seed_demo", subscribers=5, if_empty=True, force=True)
    assert Subscriber.objects.count() == 5


def test_same_seed_gives_the_same_people():
    today = timezone.localdate()
    first, _ = build_subscribers(5, seed=3, today=today)
    second, _ = build_subscribers(5, seed=3, today=today)
    assert [s.full_name for s in first] == [s.full_name for s in second]


def test_refuses_to_reset_accounts_outside_debug_without_force():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", subscribers=1)
    assert not User.objects.exists()
