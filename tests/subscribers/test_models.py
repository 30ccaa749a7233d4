"""The database refuses what the forms refuse: constraints hold even when the form is bypassed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from subscribers.models import NumberSequence, Subscriber, SubscriberService
from tests.factories import SubscriberFactory, SubscriberServiceFactory

pytestmark = pytest.mark.django_db


def _valid_fields(**overrides):
    fields = dict(
        number="00000001",
        family_name="山田",
        given_name="太郎",
        family_name_kana="ヤマダ",
        given_name_kana="タロウ",
        postal_code="0330001",
        street_address="中央町1丁目1-1",
        applied_on=date(2025, 4, 1),
    )
    return {**fields, **overrides}


@pytest.mark.parametrize(
    "overrides",
    [
        {"postal_code": "033000X"},
        {"postal_code": "03300"},
        {"number": "ABC"},
        {"family_name_kana": ""},
        {"status": "deleted"},
        {"sex": "unknown"},
        {"status": "active"},  # no activation date
        {"status": "terminated", "activated_on": date(2025, 4, 2)},  # no termination date
        {"terminated_on": date(2025, 3, 1)},  # before applied_on
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()),
)
def test_database_refuses_invalid_rows(overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(**_valid_fields(**overrides))


@pytest.mark.parametrize(
    ("column", "value"),
    [("phone", "0176-5113"), ("mobile_phone", "090 12345"), ("postal_code", "033-000")],
)
def test_database_refuses_unnormalised_values_written_around_the_orm(column, value):
    """The ORM normalises on every save; raw SQL is refused by the CHECK constraints."""
    subscriber = Subscriber.objects.create(**_valid_fields())
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE subscribers_subscriber SET {column} = %s WHERE id = %s", [value, subscriber.pk])


def test_orm_writes_are_normalised_even_without_full_clean():
    subscriber = Subscriber.objects.create(**_valid_fields(postal_code="〒033-0001", phone="0176-51-1349"))
    subscriber.refresh_from_db()
    assert (subscriber.postal_code, subscriber.phone) == ("0330001", "0176511349")


def test_subscriber_numbers_are_unique():
    Subscriber.objects.create(**_valid_fields())
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(**_valid_fields())


def test_one_open_service_per_kind_but_ended_ones_may_repeat():
    service = SubscriberServiceFactory.create(ended_on=date(2025, 5, 1), started_on=date(2025, 4, 1))
    SubscriberServiceFactory.create(subscriber=service.subscriber)  # the same kind again, the old one ended
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriberServiceFactory.create(subscriber=service.subscriber)


def test_full_clean_normalises_typed_values_before_validating():
    subscriber = Subscriber(
        **_valid_fields(
            postal_code="〒０３３－０００１",
            family_name_kana="やまだ",
            given_name_kana="ﾀﾛｳ",
            phone="０１７６－５１－１３４９",
            family_name="山田　",
        )
    )
    subscriber.full_clean()
    assert (subscriber.postal_code, subscriber.family_name_kana, subscriber.given_name_kana) == (
        "0330001",
        "ヤマダ",
        "タロウ",
    )
    assert (subscriber.phone, subscriber.family_name) == ("0176511349", "山田")


def test_full_clean_gives_a_message_per_bad_field():
    subscriber = Subscriber(**_valid_fields(postal_code="12345", family_name_kana="yamada", phone="12"))
    with pytest.raises(ValidationError) as caught:
        subscriber.full_clean()
    assert set(caught.value.message_dict) == {"postal_code", "family_name_kana", "phone"}


def test_saving_keeps_the_search_column_in_step():
    subscriber = SubscriberFactory.create(family_name="山田", family_name_kana="ヤマダ")
    subscriber.family_name = "佐藤"
    subscriber.save(update_fields=["family_name"])
    subscriber.refresh_from_db()
    assert "佐藤" in subscriber.search_text and "山田" not in subscriber.search_text


def test_number_sequence_never_repeats():
    first = NumberSequence.reserve("test", 3)
    second = NumberSequence.reserve("test", 2)
    assert list(first) == [1, 2, 3] and list(second) == [4, 5]


def test_every_change_leaves_a_history_row_with_before_and_after():
    subscriber = SubscriberFactory.create(family_name="山田")
    subscriber.family_name = "佐藤"
    subscriber.save()
    newest, older = subscriber.history.all()[:2]
    delta = newest.diff_against(older)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("family_name", "山田", "佐藤")]


def test_services_keep_history_too():
    service = SubscriberServiceFactory.create()
    service.ended_on = service.started_on
    service.save()
    assert SubscriberService.history.filter(id=service.pk).count() == 2


def test_search_column_is_built_from_the_stored_form_even_without_full_clean():
    subscriber = Subscriber.objects.create(**_valid_fields(phone="(0176) 51-1349", postal_code="〒033-0001"))
    assert list(Subscriber.objects.search("0176511349")) == [subscriber]
    assert list(Subscriber.objects.search("0330001")) == [subscriber]


def test_database_refuses_a_reading_that_is_not_katakana():
    subscriber = Subscriber.objects.create(**_valid_fields())
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE subscribers_subscriber SET family_name_kana = 'yamada' WHERE id = %s", [subscriber.pk])


def test_application_date_cannot_be_in_the_future():
    subscriber = Subscriber(**_valid_fields(applied_on=date(2099, 1, 1)))
    with pytest.raises(ValidationError) as caught:
        subscriber.full_clean()
    assert "applied_on" in caught.value.message_dict


@pytest.mark.parametrize("status", [*Subscriber.Status.values, "unknown"])
def test_the_status_label_is_the_one_django_gives(status):
    subscriber = Subscriber(status=status)
    field = Subscriber._meta.get_field("status")

    assert subscriber.get_status_display() == subscriber._get_FIELD_display(field)
    assert subscriber.get_status_display() == (str(Subscriber.Status(status).label) if status != "unknown" else status)
