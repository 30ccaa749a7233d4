"""Purposes of use and consent (§2(2)–(3)), the public declaration page (§9, §10, §12), statistics."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog, BulkUse, Consent, PolicyAnnouncement, PolicyVersion, Purpose
from privacy.selectors.purposes import subscribers_usable_for
from privacy.services.purposes import consent_record, consent_withdraw
from privacy.statistics import SUPPRESSED, age_band, cross_table, district_of, one_way_table, suppress
from tests.downloads import download_text
from tests.factories import SubscriberFactory
from tests.pdf import assert_japanese_font_embedded, needs_poppler, pdf_text

TODAY = timezone.localdate


@pytest.fixture
def survey(db):
    """A purpose the declaration does not state: usable only with consent."""
    return Purpose.objects.create(
        code="survey",
        title="視聴動向アンケート",
        description="番組改善のための調査",
        items=["number", "name", "address"],
        since=date(2026, 1, 1),
    )


def _consent(subscriber, purpose, user, **kwargs):
    return consent_record(
        subscriber=subscriber,
        purpose=purpose,
        user_told="三沢市ケーブルテレビジョン",
        use_told="視聴動向アンケートの送付",
        method="paper",
        given_on=kwargs.pop("given_on", TODAY()),
        user=user,
        **kwargs,
    )


# --- the one selector -------------------------------------------------------------------------------------


def _plain(purpose, clerk):
    return SubscriberFactory.create()


def _consented(purpose, clerk):
    subscriber = SubscriberFactory.create()
    _consent(subscriber, purpose, clerk)
    return subscriber


def _withdrawn(purpose, clerk):
    subscriber = SubscriberFactory.create()
    consent_withdraw(
        consent=_consent(subscriber, purpose, clerk, given_on=TODAY() - timedelta(days=10)),
        withdrawn_on=TODAY(),
        user=clerk,
    )
    return subscriber


def _use_suspended(purpose, clerk):
    return SubscriberFactory.create(use_suspended_on=TODAY())


def _consented_then_suspended(purpose, clerk):
    subscriber = _consented(purpose, clerk)
    subscriber.use_suspended_on = TODAY()
    subscriber.save()
    return subscriber


def _terminated(purpose, clerk):
    return SubscriberFactory.create(status="terminated", terminated_on=TODAY())


def _erased(purpose, clerk):
    return SubscriberFactory.create(status="terminated", terminated_on=TODAY(), erased_on=TODAY())


def _service_suspended(purpose, clerk):
    return SubscriberFactory.create(status="suspended", suspended_on=TODAY())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("purpose_code", "arrange", "usable"),
    [
        ("notices", _plain, True),  # a stated purpose needs no consent
        ("survey", _plain, False),  # an unstated one does
        ("survey", _consented, True),
        ("survey", _withdrawn, False),
        ("notices", _use_suspended, False),  # suspension of use (§5) wins over a stated purpose
        ("survey", _consented_then_suspended, False),  # and over consent
        ("notices", _terminated, False),  # notices do not reach former subscribers
        ("statistics", _terminated, True),  # statistics over the years count them
        ("statistics", _erased, False),
        ("notices", _service_suspended, True),  # a paused TV contract is not a suspension of use
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else v,
)
def test_who_may_be_used_for_a_purpose(survey, clerk, purpose_code, arrange, usable):
    purpose = Purpose.objects.get(code=purpose_code)
    subscriber = arrange(purpose, clerk)
    assert subscribers_usable_for(purpose).filter(pk=subscriber.pk).exists() is usable


@pytest.mark.django_db
def test_a_purpose_out_of_force_reaches_nobody(survey, clerk):
    subscriber = _consented(survey, clerk)
    survey.until = TODAY() - timedelta(days=1)
    survey.since = TODAY() - timedelta(days=30)
    survey.save()
    assert not subscribers_usable_for(survey).filter(pk=subscriber.pk).exists()


@pytest.mark.django_db
def test_the_three_stated_purposes_are_seeded():
    assert set(Purpose.objects.filter(stated_in_declaration=True).values_list("code", flat=True)) == {
        "service",
        "notices",
        "statistics",
    }


# --- consent ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_consent_records_what_was_told_the_version_shown_and_who(survey, clerk):
    consent = _consent(SubscriberFactory.create(), survey, clerk)
    assert consent.policy_version == PolicyVersion.objects.current()
    assert (consent.user_told, consent.recorded_by, consent.method) == ("三沢市ケーブルテレビジョン", clerk, "paper")


@pytest.mark.django_db
def test_stated_purposes_take_no_consent_and_one_consent_is_in_force_at_a_time(survey, clerk):
    subscriber = SubscriberFactory.create()
    with pytest.raises(ValidationError):
        _consent(subscriber, Purpose.objects.get(code="notices"), clerk)
    _consent(subscriber, survey, clerk)
    with pytest.raises(ValidationError):
        _consent(subscriber, survey, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            subscriber=subscriber,
            purpose=survey,
            user_told="x",
            use_told="y",
            policy_version=PolicyVersion.objects.current(),
            method="web",
            given_on=TODAY(),
            recorded_by=clerk,
        )


@pytest.mark.django_db
def test_withdrawal_keeps_the_history_and_a_new_consent_is_a_new_row(survey, clerk):
    subscriber = SubscriberFactory.create()
    first = _consent(subscriber, survey, clerk, given_on=TODAY() - timedelta(days=20))
    consent_withdraw(consent=first, withdrawn_on=TODAY() - timedelta(days=5), user=clerk)
    second = _consent(subscriber, survey, clerk)

    first.refresh_from_db()
    assert first.withdrawn_on == TODAY() - timedelta(days=5) and first.withdrawal_recorded_by == clerk
    assert second.pk != first.pk and subscriber.consents.count() == 2
    assert first.history.count() == 2  # given, then withdrawn — nothing overwritten without a trace


@pytest.mark.django_db
def test_the_consent_form_refuses_a_future_date_in_japanese_and_saves_nothing(clerk_client, survey):
    subscriber = SubscriberFactory.create()
    response = clerk_client.post(
        reverse("privacy:consent_create", args=[subscriber.pk]),
        {
            "purpose": survey.pk,
            "user_told": "三沢市",
            "use_told": "アンケート",
            "method": "paper",
            "given_on": (TODAY() + timedelta(days=3)).isoformat(),
            "policy_version": PolicyVersion.objects.current().pk,
        },
    )
    assert response.status_code == 200 and not Consent.objects.exists()
    assert "未来" in str(response.context["form"].errors["given_on"])
    assert "アンケート" in response.content.decode()


# --- bulk uses --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_for_an_unstated_purpose_holds_only_consenting_subscribers_and_is_logged(clerk_client, clerk, survey):
    yes = _consented(survey, clerk)
    no = SubscriberFactory.create()
    gone = _withdrawn(survey, clerk)

    response = clerk_client.get(reverse("privacy:purpose_export", args=["survey"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["加入者番号", "氏名", "住所"]
    assert [r[0] for r in rows[1:]] == [yes.number]
    assert no.number not in response.content.decode() and gone.number not in response.content.decode()
    use = BulkUse.objects.get()
    assert (use.user, use.purpose, use.kind, use.count) == (clerk, survey, "export_csv", 1)
    assert list(AccessLog.objects.values_list("subscriber_number", "action")) == [(yes.number, "export")]


@pytest.mark.django_db
def test_a_mailing_for_notices_leaves_out_suspended_and_former_subscribers(clerk_client):
    active, suspended, former = (
        SubscriberFactory.create(),
        SubscriberFactory.create(use_suspended_on=TODAY()),
        SubscriberFactory.create(status="terminated", terminated_on=TODAY()),
    )

    body = clerk_client.get(reverse("privacy:purpose_export", args=["notices"]), {"status": ""}).content.decode()

    assert active.number in body and suspended.number not in body and former.number not in body
    assert BulkUse.objects.get().filters == {}


@needs_poppler
@pytest.mark.django_db
def test_address_labels_are_a_japanese_pdf_of_the_purposes_subscribers(clerk_client):
    SubscriberFactory.create(family_name="宛名", given_name="太郎", postal_code="0330031")
    SubscriberFactory.create(family_name="除外", given_name="花子", use_suspended_on=TODAY())

    response = clerk_client.get(reverse("privacy:purpose_labels", args=["notices"]))

    text = "".join(pdf_text(response.content).split())
    assert "〒033-0031" in text and "宛名太郎様" in text and "除外" not in text
    assert_japanese_font_embedded(response.content)
    assert BulkUse.objects.get().kind == "labels_pdf"


@pytest.mark.django_db
def test_statistics_never_leave_as_personal_data_and_auditors_export_nothing(client, clerk_client, auditor):
    SubscriberFactory.create()
    assert clerk_client.get(reverse("privacy:purpose_export", args=["statistics"])).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("privacy:purpose_export", args=["notices"])).status_code == 403
    assert not BulkUse.objects.exists()


# --- statistics -------------------------------------------------------------------------------------------


def test_small_cells_are_suppressed():
    # one column: 1 and 9 and their total 10 — the 1 is hidden, and so is the 9, or 10 − 9 would give it away
    assert suppress([[1], [9], [10]], 5) == [[SUPPRESSED], [SUPPRESSED], [10]]
    assert suppress([[0], [9], [9]], 5) == [[0], [9], [9]]  # zero people identify no one


def test_a_lone_suppressed_cell_gets_a_second_so_the_total_cannot_give_it_away():
    # rows: two districts and the total; columns: two bands and the row total
    matrix = [[3, 20, 23], [8, 30, 38], [11, 50, 61]]
    result = suppress(matrix, 5)
    # the 3 is suppressed; its row would reveal it (23 − 20), so 20 goes too; its column (11 − 8), so 8 goes too;
    # then row 2 and column 2 each have one hidden cell and need a second
    hidden = {(r, c) for r, row in enumerate(result) for c, v in enumerate(row) if v is SUPPRESSED}
    assert (0, 0) in hidden and (0, 1) in hidden and (1, 0) in hidden
    for line in [*result, *zip(*result, strict=True)]:
        assert sum(v is SUPPRESSED for v in line) != 1, result


def test_no_single_hidden_cell_in_any_line_for_random_tables():
    import random

    rng = random.Random(7)
    for _ in range(200):
        cells = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 15]) for _c in range(4)] for _r in range(5)]
        matrix = [[*row, sum(row)] for row in cells]
        matrix.append([sum(row[i] for row in matrix) for i in range(5)])
        result = suppress(matrix, 5)
        for line in [*result, *zip(*result, strict=True)]:
            assert sum(v is SUPPRESSED for v in line) != 1
        for r, row in enumerate(matrix):
            for c, v in enumerate(row):
                if 0 < v < 5:
                    assert result[r][c] is SUPPRESSED


def test_one_way_tables_and_the_helpers():
    table = one_way_table("t", "状態", ["加入中"] * 12 + ["休止中"] * 2 + ["解約"] * 7, ["加入中", "休止中", "解約"], 5)
    assert [row for _label, row in table.body] == [[12], [None], [None], [21]]  # 2 hidden, so 7 goes as well
    assert district_of("中央町1丁目2-3") == "中央町" and district_of("大字三沢字園沢230") == "大字三沢字園沢"
    assert age_band(date(1990, 6, 1), date(2026, 5, 31)) == "30〜39" and age_band(None, date(2026, 1, 1)) == "不明"
    assert cross_table("t", "x", [("a", "b")] * 6, ["a"], ["b"], 5).cells == [[6, 6], [6, 6]]


@pytest.mark.django_db
def test_the_statistics_page_shows_counts_only_with_small_cells_suppressed(clerk_client, clerk):
    # 中央町: 6 people in their forties and 2 in their seventies; 岡三沢: 5 in their forties and 1 in its seventies
    people = [
        SubscriberFactory.create(street_address=f"中央町1丁目{i}-1", birth_date=date(1980, 1, 1)) for i in range(6)
    ]
    people += [
        SubscriberFactory.create(street_address=f"中央町2丁目{i}-1", birth_date=date(1950, 1, 1)) for i in range(2)
    ]
    people += [
        SubscriberFactory.create(street_address=f"岡三沢1丁目{i}-1", birth_date=date(1980, 1, 1)) for i in range(5)
    ]
    lonely = SubscriberFactory.create(family_name="稀少", street_address="岡三沢5丁目1-1", birth_date=date(1950, 1, 1))

    response = clerk_client.get(reverse("privacy:statistics"))
    html = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    as_csv = clerk_client.get(reverse("privacy:statistics_csv")).content.decode("utf-8-sig")

    for subscriber in [*people, lonely]:
        assert subscriber.number not in html and subscriber.family_name not in html
        assert subscriber.number not in as_csv
    district_table = response.context["tables"][2]
    columns = district_table.columns
    forties, seventies, total = columns.index("40〜49"), columns.index("70〜79"), len(columns) - 1
    rows = dict(district_table.body)
    # the 1 and the 2 are hidden (primary); the seventies' column total 3 too; and the 5 and 6 in the forties,
    # or each district's total would give its hidden cell away (secondary)
    assert rows["岡三沢"][seventies] is SUPPRESSED and rows["中央町"][seventies] is SUPPRESSED
    assert rows["岡三沢"][forties] is SUPPRESSED or rows["岡三沢"][total] is SUPPRESSED
    for line in [*district_table.cells, *zip(*district_table.cells, strict=True)]:
        assert sum(v is SUPPRESSED for v in line) != 1
    (row,) = [line.split(",") for line in as_csv.splitlines() if line.startswith("岡三沢,")]
    assert "1" not in row[1:] and "＊" in row
    assert sorted(BulkUse.objects.values_list("kind", "count")) == [("statistics", 14), ("statistics_csv", 14)]


# --- the public page --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_privacy_page_needs_no_login_and_shows_the_current_version(client):
    newer = PolicyVersion.objects.create(
        version="2", text="改定後の宣言本文です。", effective_on=TODAY(), summary_of_changes="窓口の変更"
    )
    PolicyAnnouncement.objects.create(
        version=newer, channel="newsletter", announced_on=TODAY(), note="広報みさわ12月号"
    )
    PolicyVersion.objects.create(
        version="3", text="まだ施行されていない宣言。", effective_on=TODAY() + timedelta(days=30)
    )

    response = client.get("/privacy/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "改定後の宣言本文です。" in html and "まだ施行されていない" not in html
    assert "広報みさわ12月号" in html and "0176-51-1349" in html
    assert "sessionid" in html and "csrftoken" in html


@pytest.mark.django_db
def test_the_public_page_shows_the_seeded_declaration(client, contractor_user):
    html = client.get("/privacy/").content.decode()
    assert "個人情報の保護に関する宣言" in html and "三沢市文書取扱規程" in html
    client.force_login(contractor_user)  # contractors may read it too
    assert client.get("/privacy/").status_code == 200


# --- what the review asked for ----------------------------------------------------------------------------


def test_a_zero_is_never_the_second_hidden_cell():
    # a row of 3, 0, 0 and its total 3: hiding a known zero would protect nothing, so the total goes instead
    result = suppress([[3, 0, 0, 3], [6, 6, 6, 18], [9, 6, 6, 21]], 5)
    assert result[0][1] == 0 and result[0][2] == 0
    assert result[0][0] is SUPPRESSED and result[0][3] is SUPPRESSED


def test_small_districts_are_merged_so_no_label_carries_one_persons_address():
    from privacy.statistics import districts_with_enough_people

    addresses = ["中央町1丁目1-1"] * 5 + ["大字三沢字園沢二百三十番地一"]
    assert districts_with_enough_people(addresses, 5) == {"中央町": "中央町", "大字三沢字園沢二百三十番地一": "その他"}


@pytest.mark.django_db
def test_the_threshold_is_configuration(clerk_client, settings):
    settings.STATISTICS_MIN_CELL = 3
    for i in range(4):
        SubscriberFactory.create(
            street_address=f"中央町1丁目{i}-1", birth_date=date(1980, 1, 1), status="suspended", suspended_on=TODAY()
        )
    status_table = clerk_client.get(reverse("privacy:statistics")).context["tables"][0]
    assert dict(status_table.body)["休止"] == [4]  # 4 ≥ 3 is shown; with the default 5 it would be hidden


@pytest.mark.django_db
def test_invalid_filters_export_nothing(clerk_client):
    SubscriberFactory.create()
    response = clerk_client.get(reverse("privacy:purpose_export", args=["notices"]), {"status": "terminated"})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:purpose_list")
    assert not BulkUse.objects.exists() and not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_bulk_use_log_is_append_only_in_the_database(clerk_client):
    from django.db import DatabaseError, connection

    SubscriberFactory.create()
    clerk_client.get(reverse("privacy:purpose_export", args=["notices"]))
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    for sql in ("UPDATE privacy_bulkuse SET count = 0", "DELETE FROM privacy_bulkuse"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert BulkUse.objects.get().count == 1


@pytest.mark.django_db
def test_the_registry_export_names_its_purpose_and_leaves_out_suspended_use(clerk_client, clerk):
    kept, suspended = SubscriberFactory.create(), SubscriberFactory.create(use_suspended_on=TODAY())
    body = download_text(clerk_client.get(reverse("subscribers:export")))
    assert kept.number in body and suspended.number not in body
    use = BulkUse.objects.get()
    assert (use.purpose.code, use.count, use.user) == ("service", 1, clerk)


@needs_poppler
@pytest.mark.django_db
def test_labels_print_only_the_items_the_purpose_uses(clerk_client, clerk, survey):
    survey.items = ["name", "address"]
    survey.save()
    subscriber = _consented(survey, clerk)
    text = "".join(pdf_text(clerk_client.get(reverse("privacy:purpose_labels", args=["survey"])).content).split())
    assert subscriber.full_name.replace(" ", "") in text and subscriber.number not in text


@pytest.mark.django_db
def test_a_consent_records_the_version_on_the_form_signed(survey, clerk):
    old = PolicyVersion.objects.get(version="1")
    PolicyVersion.objects.create(version="2", text="改定版", effective_on=TODAY() - timedelta(days=3))
    consent = _consent(SubscriberFactory.create(), survey, clerk, policy_version=old)
    assert consent.policy_version == old
    with pytest.raises(ValidationError):
        _consent(
            SubscriberFactory.create(),
            survey,
            clerk,
            given_on=TODAY() - timedelta(days=10),
            policy_version=PolicyVersion.objects.get(version="2"),
        )


@pytest.mark.django_db
def test_flash_messages_set_no_cookie_of_their_own(clerk_client, survey):
    subscriber = SubscriberFactory.create()
    response = clerk_client.post(
        reverse("privacy:consent_create", args=[subscriber.pk]),
        {
            "purpose": survey.pk,
            "user_told": "三沢市",
            "use_told": "アンケート",
            "method": "paper",
            "given_on": TODAY().isoformat(),
            "policy_version": PolicyVersion.objects.current().pk,
        },
    )
    assert response.status_code == 302 and Consent.objects.exists()
    assert set(response.cookies) <= {"sessionid", "csrftoken"}
