"""What cannot be undone asks first: the first post shows what the step will do and touch and writes nothing;
the confirmed post, carrying the same form, does it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import Consent, IncidentSubscriber, PolicyVersion, Purpose, SubjectRequest
from privacy.services.purposes import consent_record
from tests.factories import SubscriberFactory
from tests.privacy.test_incidents import record
from tests.test_submissions import intake

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def asks_first(client, url: str, typed: dict) -> str:
    """Post ``typed``: the answer is the confirmation page (nothing done); returns its text."""
    asked = client.post(url, typed)
    assert asked.status_code == 200, asked
    page = asked.content.decode()
    assert "この操作は取り消せません" in page and 'name="confirmed" value="1"' in page
    return page


def test_a_withdrawal_of_consent_asks_first_and_names_the_purpose(clerk_client, clerk):
    # Given a consent to a purpose beyond the declaration
    subscriber = SubscriberFactory.create()
    survey = Purpose.objects.create(
        code="survey", title="視聴動向アンケート", description="調査", items=["number", "name"], since=TODAY()
    )
    consent = consent_record(
        subscriber=subscriber,
        purpose=survey,
        user_told="三沢市",
        use_told="アンケート",
        method="paper",
        given_on=TODAY(),
        policy_version=PolicyVersion.objects.current(),
        user=clerk,
    )
    url = reverse("privacy:consent_withdraw", args=[consent.pk])
    typed = {"withdrawn_on": TODAY().isoformat()}

    # When the clerk records the withdrawal, the page says what it does and names the purpose
    page = asks_first(clerk_client, url, typed)
    assert "視聴動向アンケート" in page and "撤回を記録する" in page
    assert Consent.objects.get().withdrawn_on is None

    # When confirmed, it is recorded
    assert clerk_client.post(url, typed | {"confirmed": "1"}).status_code == 302
    assert Consent.objects.get().withdrawn_on == TODAY()


def test_marking_notices_sent_lists_the_people_it_records_and_the_button_says_how_many(client, officer):
    # Given an incident affecting three people
    people = [SubscriberFactory.create(family_name=f"通知{n}") for n in range(3)]
    incident = record(officer, people)
    client.force_login(officer)
    url = reverse("privacy:incident_notices_sent", args=[incident.pk])
    typed = {
        "subscriber_ids": [people[0].pk, people[1].pk],
        "sent_on": TODAY().isoformat(),
        "method": "mail",
        "outcome": "sent",
    }

    # When two are marked as sent, the page lists exactly those two
    page = asks_first(client, url, typed)
    assert people[0].number in page and people[1].number in page and people[2].number not in page
    assert "2人への通知を送付済みとして記録する" in page
    assert not IncidentSubscriber.objects.exclude(notice_sent_on=None).exists()

    # When confirmed, those two are recorded
    client.post(url, typed | {"confirmed": "1"})
    assert set(IncidentSubscriber.objects.exclude(notice_sent_on=None).values_list("subscriber_id", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }


def test_a_step_that_can_be_undone_does_not_ask(client, clerk):
    # The identity check is corrected by the next steps: it is done at once
    client.force_login(clerk)
    client.post(reverse("privacy:request_create"), intake(SubscriberFactory.create()))
    request = SubjectRequest.objects.get()
    url = reverse("privacy:request_action", args=[request.pk, "verify"])
    assert client.post(url, {"verify-identity_method": "passport"}).status_code == 302
