"""The review of staff access (職員のアクセス点検, §4(1)–(2), APPI art. 66): what it flags and what it does not,
run again without duplicates, each flag closed by a second person, who may see it, the reason prompt, the PDF."""

import logging
from datetime import date, datetime, time

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog, AccessReview, AccessReviewFlag, AccessReviewSettings, WorkKind
from privacy.roles import Role
from privacy.services.access_review import access_review_close, access_review_flag_close, access_review_run
from privacy.services.work_orders import work_order_create
from privacy.tasks import review_staff_access
from subscribers.services import subscriber_update
from tests.factories import AgreementFactory, DepartmentFactory, SubscriberFactory, UserFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

OCTOBER = date(2026, 10, 1)
Kind = AccessReviewFlag.Kind


def _at(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 10, day, hour, minute, second))


def _viewed(user, subscriber, at: datetime, action=AccessLog.Action.VIEW) -> None:
    AccessLog.objects.create(
        at=at, user=user, subscriber_id=subscriber.pk, subscriber_number=subscriber.number, action=action
    )


def _staff(role: Role, username: str, department):
    user = UserFactory.create(username=username, department=department)
    user.groups.add(Group.objects.get(name=role))
    return user


def _flags(review, kind=None) -> set[tuple[str, str, str]]:
    rows = review.flags.all() if kind is None else review.flags.filter(kind=kind)
    return {(f.kind, f.user.username, f.subscriber_number) for f in rows}


def _work_order(subscriber, *, by, day: int):
    with time_machine.travel(_at(day, 9), tick=False):
        return work_order_create(
            subscriber=subscriber,
            contractor=AgreementFactory.create(signed_on=date(2026, 1, 1), expires_on=date(2027, 12, 31)).contractor,
            kind=WorkKind.objects.get(code="repair"),
            scheduled_on=date(2026, 10, day),
            access_from=date(2026, 10, day),
            access_until=date(2026, 10, day + 1),
            user=by,
        )


@pytest.fixture
def colleague(department):
    """A clerk of the same department."""
    return _staff(Role.CLERK, "colleague", department)


@pytest.fixture
def outsider():
    """A clerk of another department."""
    return _staff(Role.CLERK, "outsider", DepartmentFactory.create(code="billing", name="料金係"))


@pytest.mark.parametrize(
    ("made_by", "day", "flagged"),
    [
        ("colleague", 14, False),  # the same department, inside the window
        ("clerk", 14, False),  # the viewer's own work order
        ("outsider", 14, True),  # another department's work order explains nothing
        ("colleague", None, True),  # no work order at all
    ],
)
def test_a_view_is_flagged_unless_the_person_or_department_has_business_on_the_subscriber_within_the_window(
    clerk, colleague, outsider, officer, made_by, day, flagged
):
    # Given a clerk who opens a subscriber's record on a weekday morning
    subscriber = SubscriberFactory.create()
    _viewed(clerk, subscriber, _at(15))
    # and (perhaps) a work order on that subscriber made by someone
    if day is not None:
        _work_order(subscriber, by={"clerk": clerk, "colleague": colleague, "outsider": outsider}[made_by], day=day)
    # When the officer reviews October
    review = access_review_run(month=OCTOBER, user=officer)
    # Then the view is flagged only when no business of the clerk or the department explains it
    expected = {(Kind.NO_BUSINESS, "clerk", subscriber.number)} if flagged else set()
    assert _flags(review, Kind.NO_BUSINESS) == expected
    assert review.views == 1


def test_business_outside_the_window_explains_nothing_and_the_window_is_configuration(clerk, officer):
    # Given an edit of the record by the clerk on 1 October, and the clerk opening it again on 20 October
    subscriber = SubscriberFactory.create()
    with time_machine.travel(_at(1, 9), tick=False):
        subscriber_update(subscriber=subscriber, user=clerk, occupation="会社員")
    _viewed(clerk, subscriber, _at(20))
    # When the window is 10 days, the view is flagged (the edit is 19 days before it)
    AccessReviewSettings.objects.update(window_days=10)
    review = access_review_run(month=OCTOBER, department=clerk.department, user=officer)
    assert _flags(review, Kind.NO_BUSINESS) == {(Kind.NO_BUSINESS, "clerk", subscriber.number)}
    # When it is 30 days, the same view of another month's review is explained
    AccessReviewSettings.objects.update(window_days=30)
    again = access_review_run(month=OCTOBER, user=officer)
    assert _flags(again, Kind.NO_BUSINESS) == set()
    assert again.thresholds["window_days"] == 30


def test_a_burst_of_views_is_one_flag_and_a_slower_pace_is_none(clerk, colleague, officer):
    AccessReviewSettings.objects.update(burst_views=5, burst_minutes=10)
    subscribers = SubscriberFactory.create_batch(6)
    # Given the clerk opening 6 records in 5 minutes, and the colleague 6 records an hour apart
    for n, subscriber in enumerate(subscribers):
        _viewed(clerk, subscriber, _at(15, 10, n))
        _viewed(colleague, subscriber, _at(15, 8 + n, 45))
    # When October is reviewed
    review = access_review_run(month=OCTOBER, user=officer)
    # Then one burst of the clerk's, counting the six views from the first to the last
    bursts = list(review.flags.filter(kind=Kind.BURST))
    assert [(f.user.username, f.subscriber_number, f.views) for f in bursts] == [("clerk", "", 6)]
    assert (bursts[0].first_at, bursts[0].last_at) == (_at(15, 10, 0), _at(15, 10, 5))


def test_views_outside_office_hours_and_on_closed_days_are_flagged(clerk, officer):
    evening, saturday, morning = SubscriberFactory.create_batch(3)
    # Given views at 19:30 on a Thursday, at 10:00 on Saturday 17 October, and at 10:00 on a Thursday
    _viewed(clerk, evening, _at(15, 19, 30))
    _viewed(clerk, saturday, _at(17, 10))
    _viewed(clerk, morning, _at(15, 10))
    # When October is reviewed
    review = access_review_run(month=OCTOBER, user=officer)
    # Then the evening and the Saturday are outside office hours, the Thursday morning is not
    assert _flags(review, Kind.OFF_HOURS) == {
        (Kind.OFF_HOURS, "clerk", evening.number),
        (Kind.OFF_HOURS, "clerk", saturday.number),
    }


def test_closed_days_count_as_office_hours_where_the_office_says_so(clerk, officer):
    AccessReviewSettings.objects.update(closed_days_outside=False, office_opens=time(8), office_closes=time(20))
    subscriber = SubscriberFactory.create()
    _viewed(clerk, subscriber, _at(17, 10))  # Saturday
    _viewed(clerk, subscriber, _at(15, 19, 30))
    review = access_review_run(month=OCTOBER, user=officer)
    assert _flags(review, Kind.OFF_HOURS) == set()


def test_a_staff_members_own_record_and_one_at_the_same_address_are_flagged(clerk, colleague, officer):
    # Given the clerk, a subscriber, linked to their own record; a family member at the same address; a neighbour
    own = SubscriberFactory.create(street_address="中央町1丁目1-1", building="")
    family = SubscriberFactory.create(street_address="中央町1丁目1-1", building="")
    neighbour = SubscriberFactory.create(street_address="中央町1丁目1-2", building="")
    clerk.own_subscriber = own
    clerk.save()
    for subscriber in (own, family, neighbour):
        _viewed(clerk, subscriber, _at(15))
        _viewed(colleague, subscriber, _at(15, 11))
    # When October is reviewed
    review = access_review_run(month=OCTOBER, user=officer)
    # Then the clerk's own and family records are flagged as such; the neighbour, and the colleague's views, are not
    flagged = _flags(review, Kind.OWN_RECORD) | _flags(review, Kind.SAME_ADDRESS)
    assert flagged == {(Kind.OWN_RECORD, "clerk", own.number), (Kind.SAME_ADDRESS, "clerk", family.number)}


def test_running_the_same_month_again_adds_no_flag_and_keeps_the_outcomes(clerk, officer, department):
    second = _staff(Role.OFFICER, "officer2", department)
    subscriber = SubscriberFactory.create()
    _viewed(clerk, subscriber, _at(15, 21))
    # Given the monthly job's review of October, one flag closed since
    with time_machine.travel(date(2026, 11, 1), tick=False):
        review_id = review_staff_access()
    review = AccessReview.objects.get(pk=review_id)
    assert review.month == OCTOBER and review.run_by is None
    flags = {f.kind: f for f in review.flags.all()}
    assert set(flags) == {Kind.NO_BUSINESS, Kind.OFF_HOURS}
    access_review_flag_close(flag=flags[Kind.OFF_HOURS], user=officer, outcome="business_reason", note="夜間の障害対応")
    # When it runs again, by the task and by an officer
    assert review_staff_access(month="2026-10-20") == review_id
    assert access_review_run(month=OCTOBER, user=second).pk == review_id
    # Then there is still one review with the same two flags, the outcome kept, the first runner named
    review.refresh_from_db()
    assert AccessReview.objects.count() == 1 and review.flags.count() == 2 and review.run_by is None
    assert review.flags.get(kind=Kind.OFF_HOURS).outcome_note == "夜間の障害対応"


def test_a_flag_is_closed_by_a_second_person_and_the_database_refuses_otherwise(clerk, officer, department):
    second = _staff(Role.OFFICER, "officer2", department)
    subscriber = SubscriberFactory.create()
    _viewed(officer, subscriber, _at(15))
    _viewed(clerk, subscriber, _at(16))
    review = access_review_run(month=OCTOBER, user=officer)
    about_officer = review.flags.get(user=officer)
    about_clerk = review.flags.get(user=clerk)
    # The person who ran the review does not close its flags, nor does the staff member flagged close their own
    with pytest.raises(ValidationError):
        access_review_flag_close(flag=about_clerk, user=officer, outcome="referred", note="人事課へ")
    with pytest.raises(ValidationError):
        access_review_flag_close(flag=about_officer, user=officer, outcome="business_reason", note="自分で確認")
    # A clerk and an auditor close nothing
    with pytest.raises(PermissionDenied):
        access_review_flag_close(flag=about_clerk, user=clerk, outcome="business_reason", note="問合せ対応")
    # The database refuses the same, should anything bypass the service
    now = timezone.now()
    for flag, who in [(about_clerk, officer), (about_officer, officer), (about_clerk, clerk)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessReviewFlag.objects.filter(pk=flag.pk).update(
                outcome="referred", outcome_note="x", closed_by=who, closed_at=now
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessReviewFlag.objects.filter(pk=about_clerk.pk).update(outcome="referred", closed_by=second, closed_at=now)
    # A second officer closes both; the review closes with the last
    access_review_flag_close(flag=about_clerk, user=second, outcome="business_reason", note="電話での問合せ対応")
    review.refresh_from_db()
    assert review.status == AccessReview.Status.OPEN
    access_review_flag_close(flag=about_officer, user=second, outcome="referred", note="所属長へ報告")
    review.refresh_from_db()
    assert (review.status, review.closed_by) == (AccessReview.Status.CLOSED, second)
    # And a closed flag is not changed again, in Python or in the database
    with pytest.raises(ValidationError):
        access_review_flag_close(flag=about_clerk, user=second, outcome="referred", note="再")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessReviewFlag.objects.filter(pk=about_clerk.pk).update(outcome_note="書き換え")


def test_a_review_closes_only_without_open_flags(clerk, officer, department):
    second = _staff(Role.OFFICER, "officer2", department)
    _viewed(clerk, SubscriberFactory.create(), _at(15))
    review = access_review_run(month=OCTOBER, user=officer)
    with pytest.raises(ValidationError):
        access_review_close(review=review, user=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessReview.objects.filter(pk=review.pk).update(status="closed", closed_by=second, closed_at=timezone.now())
    # A month with nothing found is closed by an officer
    quiet = access_review_run(month=date(2026, 9, 1), user=officer)
    assert quiet.flags.count() == 0
    access_review_close(review=quiet, user=officer)
    quiet.refresh_from_db()
    assert quiet.status == AccessReview.Status.CLOSED
    assert quiet.history.first().status == AccessReview.Status.CLOSED


def test_a_month_not_yet_begun_cannot_be_reviewed_and_the_form_says_so_in_japanese(client, officer):
    with pytest.raises(ValidationError):
        access_review_run(month=date(2099, 1, 1), user=officer, today=date(2026, 12, 2))
    client.force_login(officer)
    for month in ["2099-01", "2026-13", "abc"]:
        response = client.post(reverse("privacy:access_review_run"), {"month": month})
        assert response.status_code == 400
        assert f'value="{month}"' in response.content.decode()
    assert AccessReview.objects.count() == 0


def test_a_clerk_is_refused_every_page_of_the_review_and_it_is_logged(client, clerk, officer, caplog):
    review = access_review_run(month=OCTOBER, user=officer)
    client.force_login(clerk)
    urls = [
        reverse("privacy:access_review_list"),
        reverse("privacy:access_review_detail", args=[review.pk]),
        reverse("privacy:access_review_pdf", args=[review.pk]),
    ]
    with caplog.at_level(logging.WARNING, logger="mctv.security"):
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("privacy:access_review_run"), {"month": "2026-10"}).status_code == 403
    assert "403 GET /audit/access-reviews/ user=clerk" in caplog.text
    assert "403 POST /audit/access-reviews/run/ user=clerk" in caplog.text


def test_the_auditor_reads_the_reviews_but_runs_and_closes_nothing(client, auditor, clerk, officer):
    _viewed(clerk, SubscriberFactory.create(), _at(15))
    review = access_review_run(month=OCTOBER, user=officer)
    flag = review.flags.first()
    client.force_login(auditor)
    assert client.get(reverse("privacy:access_review_detail", args=[review.pk])).status_code == 200
    close = reverse("privacy:access_review_flag_close", args=[review.pk, flag.pk])
    assert client.post(close, {"outcome": "referred", "note": "x"}).status_code == 403
    assert client.post(reverse("privacy:access_review_run"), {"month": "2026-09"}).status_code == 403
    with pytest.raises(PermissionDenied):
        access_review_run(month=OCTOBER, user=auditor)


def test_the_officer_sees_open_flags_on_the_dashboard(client, clerk, officer):
    _viewed(clerk, SubscriberFactory.create(), _at(15))
    access_review_run(month=OCTOBER, user=None)
    client.force_login(officer)
    page = client.get(reverse("privacy:dashboard")).content.decode()
    assert "職員のアクセス点検に結果の記録を待つ項目があります" in page


@pytest.mark.parametrize("path", ["subscribers:detail", "subscribers:history"])
def test_the_reason_prompt_writes_the_reason_into_the_access_log_row(client, clerk, path):
    AccessReviewSettings.objects.update(ask_reason=True)
    # A name no page shows but the record's own (a random one may be the clerk's, shown in the header)
    subscriber = SubscriberFactory.create(family_name="閲覧対象")
    client.force_login(clerk)
    url = reverse(path, args=[subscriber.pk])
    # When the clerk, with no business on the subscriber, opens the record, the reason is asked and nothing logged
    prompt = client.get(url)
    assert prompt.status_code == 200 and "閲覧の理由" in prompt.content.decode()
    assert subscriber.family_name not in prompt.content.decode()
    assert not AccessLog.objects.filter(subscriber_id=subscriber.pk).exists()
    # An empty reason keeps the record closed
    assert client.post(url, {"reason": "  "}).status_code == 400
    # Then the reason given opens the record, and the one row written carries it
    opened = client.post(url, {"reason": "電話で料金の問合せ"})
    assert opened.status_code == 200 and subscriber.family_name in opened.content.decode()
    [row] = AccessLog.objects.filter(subscriber_id=subscriber.pk)
    assert row.detail == {"reason": "電話で料金の問合せ"} and row.user == clerk


def test_the_edit_page_asks_for_the_reason_first_and_a_reason_holds_for_the_day(client, clerk):
    AccessReviewSettings.objects.update(ask_reason=True)
    subscriber = SubscriberFactory.create(family_name="閲覧対象")
    client.force_login(clerk)
    edit = reverse("subscribers:edit", args=[subscriber.pk])
    # When the clerk opens the edit form with no business, they are sent to the record's prompt and nothing is logged
    response = client.get(edit)
    assert response.status_code == 302 and response.url == reverse("subscribers:detail", args=[subscriber.pk])
    assert not AccessLog.objects.filter(subscriber_id=subscriber.pk).exists()
    # Once a reason is given, the record's other pages open that day without asking again
    client.post(reverse("subscribers:detail", args=[subscriber.pk]), {"reason": "電話で住所変更の届出"})
    assert "閲覧対象" in client.get(edit).content.decode()
    assert "閲覧対象" in client.get(reverse("subscribers:history", args=[subscriber.pk])).content.decode()


def test_no_reason_is_asked_with_business_on_the_subscriber_or_with_the_prompt_off(client, clerk):
    subscriber = SubscriberFactory.create()
    client.force_login(clerk)
    url = reverse("subscribers:detail", args=[subscriber.pk])
    assert subscriber.family_name in client.get(url).content.decode()  # the prompt is off by default
    AccessReviewSettings.objects.update(ask_reason=True)
    subscriber_update(subscriber=subscriber, user=clerk, occupation="自営業")  # business: the clerk's own edit
    assert subscriber.family_name in client.get(url).content.decode()
    assert AccessLog.objects.filter(subscriber_id=subscriber.pk, detail={}).count() == 2


@needs_poppler
def test_the_review_record_pdf_is_japanese_with_each_flag_and_outcome(client, clerk, officer, department):
    second = _staff(Role.OFFICER, "officer2", department)
    subscriber = SubscriberFactory.create()
    _viewed(clerk, subscriber, _at(15))
    review = access_review_run(month=OCTOBER, user=officer)
    access_review_flag_close(flag=review.flags.get(), user=second, outcome="referred", note="人事担当へ報告した")
    client.force_login(officer)
    response = client.get(reverse("privacy:access_review_pdf", args=[review.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = "".join(pdf_text(pdf).split())
    expected_texts = [
        "職員のアクセス点検記録",
        "令和8年10月1日",
        subscriber.number,
        "業務との関連",
        "人事担当へ報告した",
        "報告・引継ぎ",
        "完了",
    ]
    for expected in expected_texts:
        assert expected in text, expected
    assert "第66条" in text
    assert_japanese_font_embedded(pdf)


def test_a_month_is_reviewed_only_once_it_has_ended(officer):
    # On its last day October is still running: later views would go unreviewed
    with pytest.raises(ValidationError, match="終わってから"):
        access_review_run(month=OCTOBER, user=officer, today=date(2026, 10, 31))
    assert access_review_run(month=OCTOBER, user=officer, today=date(2026, 11, 1)).month == OCTOBER


def test_every_open_flag_about_one_staff_member_is_closed_at_once_by_a_second_person(
    client, clerk, officer, department
):
    # Given a month in which the clerk opened three records with no business, and another clerk one
    second = _staff(Role.OFFICER, "officer2", department)
    other_clerk = _staff(Role.CLERK, "clerk2", department)
    for _ in range(3):
        _viewed(clerk, SubscriberFactory.create(), _at(15))
    _viewed(other_clerk, SubscriberFactory.create(), _at(16))
    review = access_review_run(month=OCTOBER, user=officer)
    # The runner may not close them at once either
    client.force_login(officer)
    url = reverse("privacy:access_review_staff_close", args=[review.pk])
    refused = client.post(url, {"staff_member": clerk.pk, "outcome": "business_reason", "note": "窓口当番"})
    assert refused.status_code == 400 and "窓口当番" in refused.content.decode()
    # When a second officer closes the clerk's flags with one note
    client.force_login(second)
    client.post(url, {"staff_member": clerk.pk, "outcome": "business_reason", "note": "窓口当番の日の照会"})
    # Then exactly the clerk's are closed, by that officer, and the review waits for the other clerk's
    assert set(review.flags.filter(outcome="business_reason").values_list("user", flat=True)) == {clerk.pk}
    assert review.flags.filter(closed_by=second).count() == 3
    review.refresh_from_db()
    assert review.status == "open" and review.flags.filter(user=other_clerk, outcome="").count() == 1
