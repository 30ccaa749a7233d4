"""No silent loss: every field a user posts either saves what was typed or says why not.

Every form the apps define is covered (``tests/silent_loss.py`` says how); a new form no test covers fails here.
"""

import inspect
import re
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy.models import Consultation, Provision, RequestEvent, SubjectRequest, WorkOrder
from privacy.services import requests as request_services
from subscribers.models import Subscriber
from tests import silent_loss
from tests.factories import SubscriberFactory, WorkOrderFactory

TODAY = timezone.localdate
ROOT = Path(__file__).resolve().parent.parent

# Every field of the subscriber form, as typed, and as the record keeps it.
SUBSCRIBER_TYPED = {
    "family_name": "山田",
    "given_name": "花子",
    "family_name_kana": "やまだ",
    "given_name_kana": "ﾊﾅｺ",
    "birth_date": "1980-04-01",
    "sex": "female",
    "occupation": "会社員",
    "postal_code": "〒０３３－０００１",
    "prefecture": "青森県",
    "municipality": "三沢市",
    "street_address": "中央町１丁目２－３",
    "building": "コーポ三沢 101",
    "phone": "０１７６－５１－１３４９",
    "mobile_phone": "090-1234-5678",
    "email": "Hanako@Example.JP",
    "applied_on": "2026-11-01",
    "services": ["tv", "internet"],
    "confirm_address": "",
}
SUBSCRIBER_KEPT = {
    "family_name": "山田",
    "given_name": "花子",
    "family_name_kana": "ヤマダ",
    "given_name_kana": "ハナコ",
    "birth_date": "1980-04-01",
    "sex": "female",
    "occupation": "会社員",
    "postal_code": "0330001",
    "prefecture": "青森県",
    "municipality": "三沢市",
    "street_address": "中央町1丁目2-3",
    "building": "コーポ三沢 101",
    "phone": "0176511349",
    "mobile_phone": "09012345678",
    "email": "hanako@example.jp",
    "applied_on": "2026-11-01",
}


# --- every form is covered -------------------------------------------------------------------------------------


def test_every_form_is_covered_and_every_form_named_exists():
    # Given every form the apps define, and the ways the tests below cover them
    forms = {silent_loss.name_of(f) for f in silent_loss.project_forms()}
    covered = {
        "step of a page": silent_loss.step_forms(),
        "round trip": silent_loss.ROUND_TRIPS,
        "passes all to a service": set(silent_loss.PASSES_ALL),
        "model form": silent_loss.MODEL_FORMS,
        "named in its view": set(silent_loss.NAMED_IN_VIEW),
        "filter": silent_loss.FILTERS,
    }
    # Then each form is covered, and no name is left over from a form since removed
    uncovered = forms - set().union(*covered.values())
    assert not uncovered, f"forms no no-silent-loss test covers: {sorted(uncovered)}"
    stale = {how: names - forms - silent_loss.step_forms() for how, names in covered.items()}
    assert not any(stale.values()), stale
    assert len(forms) > 50


STEPS = [(page, name) for page, steps in silent_loss.step_maps().items() for name in steps]


@pytest.mark.parametrize(("page", "name"), STEPS)
def test_a_page_step_hands_every_field_of_its_form_to_its_service(page, name, monkeypatch):
    # Given a step of a page, its services replaced by a recorder, and a value in every field of its form
    step = silent_loss.step_maps()[page][name]
    module = inspect.getmodule(step.call)
    recorder = MagicMock()
    monkeypatch.setattr(module, "service", recorder)
    data = silent_loss.TrackingData(step.form.base_fields)

    # When the step is taken
    step.call(MagicMock(), MagicMock(), data)

    # Then each field's value reached the service
    passed = silent_loss.values_passed(recorder)
    dropped = [field for field in step.form.base_fields if not any(value is data[field] for value in passed)]
    assert not dropped, f"{page} step {name!r} drops {dropped}"


@pytest.mark.parametrize("form_name", sorted(silent_loss.PASSES_ALL))
def test_a_form_passed_whole_to_a_service_names_only_what_it_takes(form_name):
    # Given a form its view passes whole to a keyword-only service
    form = next(f for f in silent_loss.project_forms() if f.__name__ == form_name)
    service = silent_loss.PASSES_ALL[form_name]
    parameters = inspect.signature(service).parameters

    # Then the service takes no catch-all, and takes every field (as itself or what it becomes)
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    renamed = silent_loss.RENAMED.get(form_name, {})
    missing = [f for f in form.base_fields if renamed.get(f, f) not in parameters]
    assert not missing, f"{form_name}: {service.__qualname__} does not take {missing}"


@pytest.mark.parametrize("form_name", sorted(silent_loss.MODEL_FORMS))
def test_a_model_form_has_only_columns_of_its_model(form_name):
    form = next(f for f in silent_loss.project_forms() if f.__name__ == form_name)
    columns = {field.name for field in form._meta.model._meta.get_fields()}
    renamed = silent_loss.RENAMED.get(form_name, {})
    saved = {renamed.get(f, f) for f in form.base_fields}
    assert saved <= columns, saved - columns


@pytest.mark.parametrize("form_name", sorted(silent_loss.NAMED_IN_VIEW))
def test_a_view_reads_every_field_of_its_form(form_name):
    # Given a form whose view reads its fields by name
    form = next(f for f in silent_loss.project_forms() if f.__name__ == form_name)
    source = "".join((ROOT / path).read_text() for path in silent_loss.NAMED_IN_VIEW[form_name].split())
    renamed = silent_loss.RENAMED.get(form_name, {})
    # Then the view reads each one (or what the form turned it into)
    unread = [f for f in form.base_fields if not re.search(rf"""(\[|get\()["']{renamed.get(f, f)}["']""", source)]
    assert not unread, f"{form_name}: its view never reads {unread}"


# --- round trips: typed, posted through the page, read back ----------------------------------------------------


@pytest.mark.django_db
def test_the_subscriber_form_keeps_every_field_typed(clerk_client):
    # When a clerk registers a subscriber with a value in every field
    response = clerk_client.post(reverse("subscribers:create"), SUBSCRIBER_TYPED)

    # Then every field is on the record as typed (normalised), and the services are contracted
    assert response.status_code == 302, response.context and response.context["form"].errors
    subscriber = Subscriber.objects.get()
    kept = {name: str(getattr(subscriber, name)) for name in SUBSCRIBER_KEPT}
    assert kept == SUBSCRIBER_KEPT
    assert set(subscriber.services.values_list("service", flat=True)) == {"tv", "internet"}
    # And the edit page draws each value back
    page = clerk_client.get(reverse("subscribers:edit", args=[subscriber.pk])).content.decode()
    for shown in ("山田", "花子", "ヤマダ", "ハナコ", "S55.4.1", "会社員", "コーポ三沢 101", "hanako@example.jp"):
        assert shown in page, shown


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["phone", "mobile_phone"])
@pytest.mark.parametrize("typed", ["abc", "でんわ", "-", "TEL"])
def test_a_phone_that_is_not_a_phone_is_refused_in_japanese_and_kept_as_typed(clerk_client, field, typed):
    # When a clerk types something that is not a phone number
    response = clerk_client.post(reverse("subscribers:create"), SUBSCRIBER_TYPED | {field: typed})

    # Then nothing is saved, the field says why in Japanese, and what was typed is still in it
    assert response.status_code == 200 and not Subscriber.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert "電話番号" in errors[field][0]
    assert f'value="{typed}"' in response.content.decode()


@pytest.mark.django_db
def test_a_blank_phone_is_blank(clerk_client):
    response = clerk_client.post(reverse("subscribers:create"), SUBSCRIBER_TYPED | {"mobile_phone": "  "})
    assert response.status_code == 302
    assert Subscriber.objects.get().mobile_phone == ""


@pytest.mark.django_db
def test_a_service_refuses_a_phone_that_is_not_a_phone(clerk):
    # Given a record whose phone was set to letters by a path that skips the form
    subscriber = SubscriberFactory.create()
    subscriber.phone = "abc"
    # Then validation refuses it rather than storing a blank
    with pytest.raises(ValidationError) as refused:
        subscriber.full_clean()
    assert "phone" in refused.value.message_dict


@pytest.mark.django_db
def test_a_postal_code_of_letters_is_refused_not_blanked(clerk_client):
    response = clerk_client.post(reverse("subscribers:create"), SUBSCRIBER_TYPED | {"postal_code": "〒"})
    assert response.status_code == 200 and not Subscriber.objects.exists()
    assert "郵便番号" in response.context["form"].errors["postal_code"][0]


@pytest.mark.django_db
def test_the_status_form_keeps_its_reason(clerk_client):
    subscriber = SubscriberFactory.create(status="active")
    typed = {"status": "suspended", "on_date": TODAY().isoformat(), "reason": "長期不在のため休止"}

    response = clerk_client.post(reverse("subscribers:status", args=[subscriber.pk]), typed | {"confirmed": "1"})

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == "suspended"
    assert subscriber.history.order_by("-history_id").first().history_change_reason == "長期不在のため休止"


def _verified_request(clerk, subscriber) -> SubjectRequest:
    request = request_services.request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=TODAY(),
        channel="counter",
        details="保有する個人情報の全部",
        user=clerk,
    )
    return request_services.request_verify_identity(request=request, method="drivers_licence", user=clerk)


@pytest.mark.django_db
def test_the_note_typed_when_starting_a_review_is_saved_and_shown(clerk_client, clerk):
    # Given a request whose identity is checked
    request = _verified_request(clerk, SubscriberFactory.create())

    # When the clerk starts the review with a note
    url = reverse("privacy:request_action", args=[request.pk, "review"])
    response = clerk_client.post(url, {"review-note": "担当：総務課 佐藤。台帳の写しを用意する。"})

    # Then the request is under review, the note is in its history, and the request page shows it
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SubjectRequest.Status.UNDER_REVIEW
    event = request.events.get(kind=RequestEvent.Kind.REVIEW_STARTED)
    assert event.note == "担当：総務課 佐藤。台帳の写しを用意する。"
    page = clerk_client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    assert "台帳の写しを用意する。" in page


REQUEST_TYPED = {
    "kind": "disclosure",
    "received_on": "",
    "channel": "mail",
    "subscriber_number": "",
    "subject_name": "三沢 一郎",
    "subject_postal_code": "033-0001",
    "subject_address": "青森県三沢市中央町1-2-3",
    "based_on_number": "",
    "details": "保有する個人情報の全部",
    "reason": "契約内容の確認のため",
    "by_agent": "on",
    "agent_kind": "appointed",
    "agent_name": "弁護士 田中",
    "agent_relation": "代理人弁護士",
    "agent_postal_code": "033-0002",
    "agent_address": "青森県三沢市桜町2-3-4",
    "agent_phone": "0176-00-0000",
}


@pytest.mark.django_db
def test_the_request_intake_keeps_every_field_typed(clerk_client):
    # When a request by an agent about someone not in the registry is recorded with every field filled
    typed = REQUEST_TYPED | {"received_on": TODAY().isoformat()}
    response = clerk_client.post(reverse("privacy:request_create"), typed)

    # Then each field is on the request
    assert response.status_code == 302, response.context and response.context["form"].errors
    request = SubjectRequest.objects.get()
    kept = {
        name: str(getattr(request, name))
        for name in ("kind", "channel", "subject_name", "subject_address", "details", "reason", "agent_kind")
    } | {name: getattr(request, name) for name in ("agent_name", "agent_relation", "agent_address", "agent_phone")}
    assert kept == {name: REQUEST_TYPED[name] for name in kept}
    assert (request.received_on, request.by_agent, request.agent_postal_code) == (TODAY(), True, "0330002")
    assert request.requester_postal_code == "0330002"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changed", "refused"),
    [
        ({"by_agent": ""}, {"agent_kind", "agent_name", "agent_relation", "agent_postal_code", "agent_address"}),
        ({"subscriber_number": "subscriber"}, {"subject_name", "subject_postal_code", "subject_address"}),
    ],
)
def test_request_details_the_request_would_not_keep_are_refused_with_the_reason(clerk_client, changed, refused):
    # Given a subscriber, and an intake with details the request would replace or ignore
    subscriber = SubscriberFactory.create()
    typed = REQUEST_TYPED | {"received_on": TODAY().isoformat()} | changed
    if typed["subscriber_number"] == "subscriber":
        typed["subscriber_number"] = subscriber.number

    # When it is posted
    response = clerk_client.post(reverse("privacy:request_create"), typed)

    # Then nothing is recorded, and each detail that would be dropped says why
    assert response.status_code == 200 and not SubjectRequest.objects.exists()
    assert refused <= set(response.context["form"].errors)


@pytest.mark.django_db
def test_the_consultation_form_keeps_every_field_typed(clerk_client):
    subscriber = SubscriberFactory.create()
    typed = {
        "received_on": TODAY().isoformat(),
        "channel": Consultation.Channel.values[0],
        "name": "三沢 一郎",
        "contact": "0176-00-0000",
        "subscriber_number": subscriber.number,
        "kind": "disclosure",
        "summary": "開示請求の方法を知りたい",
        "answer": "請求書の様式を郵送すると伝えた",
    }

    response = clerk_client.post(reverse("privacy:consultation_create"), typed)

    assert response.status_code == 302, response.context and response.context["form"].errors
    consultation = Consultation.objects.get()
    assert consultation.subscriber == subscriber and consultation.received_on == TODAY()
    names = ("channel", "name", "contact", "kind", "summary", "answer")
    assert {name: getattr(consultation, name) for name in names} == {name: typed[name] for name in names}


@pytest.mark.django_db
def test_the_provision_form_keeps_every_field_its_basis_records(clerk_client):
    # Given a subscriber with an open work order
    subscriber = SubscriberFactory.create()
    order = WorkOrderFactory.create(subscriber=subscriber)
    typed = {
        "work_order": order.pk,
        "items": ["number", "name"],
        "method": "paper",
        "basis": "contracted_work",
        "purpose": "引込線工事",
        "note": "工事票を手渡し",
    }

    # When a paper provision on basis (2) is recorded
    response = clerk_client.post(reverse("privacy:provision_record", args=[subscriber.pk]), typed)

    # Then every field is on the provision
    assert response.status_code == 302, response.context and response.context["form"].errors
    provision = Provision.objects.get(subscriber=subscriber, method="paper")
    assert provision.work_order == order and sorted(provision.items) == ["name", "number"]
    assert (provision.basis, provision.purpose, provision.note) == ("contracted_work", "引込線工事", "工事票を手渡し")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("basis", "extra", "refused"),
    [
        ("contracted_work", {"reason": "理由"}, "reason"),
        ("contracted_work", {"recipient_name": "別の会社"}, "recipient_name"),
        ("law", {"recipient_name": "三沢警察署", "reason": "刑事訴訟法第197条", "note": "メモ"}, "note"),
        ("law", {"recipient_name": "三沢警察署", "reason": "刑事訴訟法第197条", "work_order": "order"}, "work_order"),
    ],
)
def test_a_provision_field_its_basis_does_not_record_is_refused_with_the_reason(clerk_client, basis, extra, refused):
    subscriber = SubscriberFactory.create()
    order = WorkOrderFactory.create(subscriber=subscriber)
    typed = {"work_order": order.pk if basis == "contracted_work" else "", "items": ["number"], "method": "paper"}
    typed |= {"basis": basis, "purpose": "照会への回答"} | extra
    if typed.get("work_order") == "order":
        typed["work_order"] = order.pk

    response = clerk_client.post(reverse("privacy:provision_record", args=[subscriber.pk]), typed)

    assert response.status_code == 200 and not Provision.objects.filter(subscriber=subscriber).exists()
    assert refused in response.context["form"].errors
    assert WorkOrder.objects.filter(pk=order.pk).exists()


@pytest.mark.django_db
def test_an_incident_scope_parameter_its_kind_does_not_use_is_refused_with_the_reason(officer):
    from privacy.forms.incident_scope import IncidentScopeForm

    # Given a derivation from an export file, with a period typed as well
    typed = {"kind": "export", "export_no": "3", "since": TODAY().isoformat()}
    form = IncidentScopeForm(typed)
    # Then the period is refused, not dropped unsaid
    assert not form.is_valid()
    assert list(form.errors) == ["since"]
    assert IncidentScopeForm({"kind": "export", "export_no": "3"}).is_valid()


@pytest.mark.django_db
def test_the_work_order_form_keeps_every_field_typed(clerk_client):
    from datetime import timedelta

    from privacy.models import WorkKind
    from tests.factories import AgreementFactory

    # Given a subscriber and a contractor whose agreement allows the items
    subscriber = SubscriberFactory.create()
    agreement = AgreementFactory.create(items=["number", "name", "address", "phone"])
    until = TODAY() + timedelta(days=3)
    typed = {
        "subscriber_number": subscriber.number,
        "contractor": agreement.contractor.pk,
        "kind": WorkKind.objects.get(code="repair").pk,
        "scheduled_on": TODAY().isoformat(),
        "access_from": TODAY().isoformat(),
        "access_until": until.isoformat(),
        "items": ["number", "name", "address"],
        "note": "裏口から入ること",
    }

    # When a clerk orders the work with every field filled
    response = clerk_client.post(reverse("privacy:work_order_create"), typed)

    # Then each field is on the work order
    assert response.status_code == 302, response.context and response.context["form"].errors
    order = WorkOrder.objects.get(subscriber=subscriber)
    assert (order.contractor, order.kind.code, order.note) == (agreement.contractor, "repair", "裏口から入ること")
    assert (order.scheduled_on, order.access_from, order.access_until) == (TODAY(), TODAY(), until)
    assert sorted(order.items) == ["address", "name", "number"]
