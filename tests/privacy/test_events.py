"""Typed events (privacy.events): one writer per kind, codes as parameters, sentences made when shown."""

import ast
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from mctv import dates
from privacy import events
from privacy.models import IncidentEvent, RequestEvent, SubjectRequest
from privacy.selectors.incident_scope import Derivation, derive
from privacy.services import requests as svc
from privacy.services.access_log import access_log_record
from privacy.services.incident_scope import incident_scope_add
from privacy.services.incidents import (
    incident_mark_notices_impossible,
    incident_mark_notices_sent,
    incident_record,
    incident_set_status,
    incident_update,
)
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
EVENT_MODELS = {"RequestEvent", "IncidentEvent"}


def a_request_the_whole_way(clerk, officer):
    """Every act on a request: intake, identity, pause and resume, extension, fee, decision with its effect,
    reply, close; a second one withdrawn; a disclosure handed over."""
    request = svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="stop_contractors",
        received_on=timezone.localdate(),
        channel="counter",
        details="工事業者への提供停止",
        user=clerk,
    )
    request.fee_yen = 300
    request.save()
    svc.request_verify_identity(request=request, method="drivers_licence", user=clerk)
    svc.request_pause(request=request, user=clerk, note="委任状の提出を依頼")
    svc.request_resume(request=request, user=clerk)
    svc.request_extend(request=request, days=10, reason="確認に時間を要する", user=clerk)
    svc.request_record_fee(request=request, paid_on=timezone.localdate(), user=clerk)
    svc.request_start_review(request=request, user=clerk)
    svc.request_decide(request=request, decision="full", reasons="", user=officer)
    svc.request_record_reply(request=request, replied_on=timezone.localdate(), method="mail", user=clerk)
    svc.request_close(request=request, user=clerk, note="完了")
    other = svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="mail",
        details="開示",
        user=clerk,
    )
    svc.request_withdraw(request=other, user=clerk, note="電話で取下げ")
    disclosure = svc.request_receive(
        subscriber=SubscriberFactory.create(),
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="counter",
        details="開示",
        user=clerk,
    )
    SubjectRequest.objects.filter(pk=disclosure.pk).update(fee_yen=300)
    svc.request_verify_identity(request=disclosure, method="drivers_licence", user=clerk)
    svc.request_start_review(request=disclosure, user=clerk)
    disclosure = svc.request_decide(request=disclosure, decision="full", reasons="", user=officer)
    svc.request_waive_fee(request=disclosure, reason="生活保護受給者", user=officer)
    svc.request_record_handover(request=disclosure, user=clerk, form="pdf")
    svc.request_carry_out_disclosure(request=disclosure, on=timezone.localdate(), method="inspection", user=clerk)
    a_chapter_5_request_the_whole_way(clerk, officer, disclosure)
    return request


def a_chapter_5_request_the_whole_way(clerk, officer, disclosure):
    """After the disclosure: a correction carried out and its recipient told, an appeal's ruling reopening it;
    a very large request under the special rule; a request transferred."""
    from privacy.models import CorrectionNotice
    from privacy.services.appeals import appeal_consult, appeal_receive, appeal_record_report, appeal_rule
    from privacy.services.correction_notices import correction_notice_mark_sent
    from privacy.services.provision import provision_record
    from tests.factories import WorkOrderFactory

    subscriber = disclosure.subscriber
    order = WorkOrderFactory.create(subscriber=subscriber, items=["number", "address"])
    provision_record(
        subscriber=subscriber,
        items=order.items,
        method="paper",
        basis="contracted_work",
        purpose="修理",
        user=clerk,
        contractor=order.contractor,
        work_order=order,
    )
    correction = svc.request_receive(
        subscriber=subscriber,
        kind="correction",
        received_on=timezone.localdate(),
        channel="counter",
        details="住所の訂正",
        based_on=disclosure,
        user=clerk,
    )
    svc.request_verify_identity(request=correction, method="drivers_licence", user=clerk)
    svc.request_start_review(request=correction, user=clerk)
    svc.request_decide(request=correction, decision="full", reasons="", user=officer)
    svc.request_apply_edit(request=correction, user=clerk, street_address="桜町1-1-1")
    correction_notice_mark_sent(
        notice=CorrectionNotice.objects.get(request=correction), on=timezone.localdate(), user=clerk
    )
    svc.request_record_reply(request=correction, replied_on=timezone.localdate(), method="mail", user=clerk)
    appeal = appeal_receive(
        request=correction,
        received_on=timezone.localdate(),
        learned_on=timezone.localdate(),
        grounds="不服",
        user=officer,
    )
    appeal_consult(appeal=appeal, on=timezone.localdate(), notified_on=None, user=officer)
    appeal_record_report(appeal=appeal, on=timezone.localdate(), summary="取り消すべき", user=officer)
    appeal_rule(appeal=appeal, ruling="upheld", reasons="答申のとおり", on=timezone.localdate(), user=officer)
    large = svc.request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="mail",
        details="過去10年分の提供記録",
        user=clerk,
    )
    svc.request_special_extend(
        request=large,
        reason="対象が著しく大量",
        rest_by=timezone.localdate() + timedelta(days=120),
        part="直近1年分",
        user=clerk,
    )
    elsewhere = svc.request_receive(
        subscriber=subscriber,
        kind="disclosure",
        received_on=timezone.localdate(),
        channel="online",
        details="水道料金の記録",
        user=clerk,
    )
    svc.request_transfer(
        request=elsewhere, to="三沢市上下水道部", reason="水道部が保有", on=timezone.localdate(), user=officer
    )


def an_incident_the_whole_way(officer):
    incident = incident_record(
        user=officer,
        subscribers=[SubscriberFactory.create()],
        discovered_at=timezone.now() - timedelta(hours=1),
        discovered_by="職員",
        description="誤送付",
        notice_text="お客様あての書類を誤って別の方に送付いたしました。",
        items=["name"],
        sensitive_data=True,
    )
    unreachable = SubscriberFactory.create()
    incident_update(
        incident=incident,
        user=officer,
        add_subscribers=[SubscriberFactory.create(), unreachable],
        cause="確認漏れ",
        published_on=timezone.localdate(),
        published_where="市ウェブサイト",
    )
    # The people an account saw today (one already affected), derived from the access log and added
    access_log_record(user=officer, subscribers=[unreachable], action="view")
    today = timezone.localdate()
    derivation = Derivation(kind="staff_views", user=officer.pk, since=today, until=today)
    fingerprint = derive(derivation).fingerprint
    incident_scope_add(incident=incident, user=officer, derivation=derivation, fingerprint=fingerprint)
    incident_mark_notices_impossible(
        incident=incident, subscriber_ids=[unreachable.pk], reason="住所不明", user=officer
    )
    incident_mark_notices_sent(
        incident=incident,
        subscriber_ids=incident.affected.exclude(subscriber=unreachable).values_list("subscriber_id", flat=True),
        sent_on=timezone.localdate(),
        method="mail",
        user=officer,
    )
    for status in ("preliminary_reported", "final_reported", "closed"):
        incident_set_status(incident=incident, status=status, user=officer, note="報告")
    return incident


def test_after_the_request_and_incident_flows_every_event_row_has_a_known_kind(clerk, officer):
    # Given every act on a request and on an incident has been taken
    a_request_the_whole_way(clerk, officer)
    an_incident_the_whole_way(officer)

    # Then the event tables hold only known kinds, with JSON parameters of codes, numbers and dates
    for model in (RequestEvent, IncidentEvent):
        kinds = set(model.objects.values_list("kind", flat=True))
        assert kinds and kinds <= set(model.Kind.values), model
        for parameters in model.objects.values_list("parameters", flat=True):
            assert all(isinstance(v, (str, int, bool)) for v in parameters.values()), parameters
    assert set(RequestEvent.objects.values_list("kind", flat=True)) == set(RequestEvent.Kind.values) - {
        "use_suspended",
        "erased",  # effects of other kinds of request
    }
    assert set(IncidentEvent.objects.values_list("kind", flat=True)) == set(IncidentEvent.Kind.values)


@pytest.mark.parametrize("model", [RequestEvent, IncidentEvent])
def test_the_database_refuses_an_event_of_an_unknown_kind(clerk, officer, model):
    if model is RequestEvent:
        owner = {
            "request": svc.request_receive(
                subscriber=SubscriberFactory.create(),
                kind="disclosure",
                received_on=timezone.localdate(),
                channel="counter",
                details="開示",
                user=clerk,
            )
        }
    else:
        owner = {"incident": an_incident_the_whole_way(officer)}
    with pytest.raises(IntegrityError, match="kind_known"), transaction.atomic():
        model.objects.create(actor=clerk, kind="something_else", **owner)


def test_no_code_outside_privacy_events_writes_an_event_row():
    # Given every Python module of the project but the event writers, the migrations and the tests
    writers = {ROOT / "privacy" / "events"}
    offending = []
    for path in [*ROOT.glob("privacy/**/*.py"), *ROOT.glob("subscribers/**/*.py"), *ROOT.glob("mctv/**/*.py")]:
        if "migrations" in path.parts or any(path.is_relative_to(w) for w in writers):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            # RequestEvent(...), RequestEvent.objects.create(...) and the like
            if isinstance(node, ast.Call):
                target = ast.unparse(node.func)
                writes = target.endswith((".create", ".bulk_create", ".get_or_create", ".update_or_create"))
                if target in EVENT_MODELS or (writes and target.split(".")[0] in EVENT_MODELS):
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} {target}")
    # Then none of them creates an event itself
    assert offending == []


def test_event_details_are_sentences_in_the_readers_language_made_from_stored_codes(clerk, officer):
    request = a_request_the_whole_way(clerk, officer)
    incident = an_incident_the_whole_way(officer)
    replied = request.events.get(kind="replied")
    notices = incident.events.get(kind="notices_sent")
    # The row holds codes, never a sentence
    assert replied.parameters["method"] == "mail" and replied.parameters["in_time"] is True
    assert notices.parameters == {"count": 2, "method": "mail", "sent_on": timezone.localdate().isoformat()}
    assert incident.events.get(kind="notices_impossible").parameters == {"count": 1}
    with translation.override("ja"):
        assert events.describe(replied) == f"{dates.long(timezone.localdate())} 郵送（期限内）"
        assert events.describe(notices).startswith("通知2件（郵送")
        assert events.describe(incident.events.get(kind="recorded")) == "対象者 1人"
    with translation.override("en"):
        assert events.describe(notices).startswith("2 notices, By mail")


def test_the_request_page_shows_each_event_in_japanese(client, clerk, officer):
    request = a_request_the_whole_way(clerk, officer)
    client.force_login(clerk)
    page = client.get(reverse("privacy:request_detail", args=[request.pk])).content.decode()
    assert "受付" in page and "回答期限の延長" in page and "10日延長" in page and "委任状の提出を依頼" in page


def test_an_incident_event_written_before_the_kinds_were_typed_still_reads(officer):
    # Rows from before kept their sentence in the note (the log is append-only and was not rewritten)
    incident = an_incident_the_whole_way(officer)
    old = IncidentEvent.objects.create(
        incident=incident,
        actor=officer,
        kind="notices_sent",
        note="3 notices, By mail",
        at=timezone.make_aware(datetime(2026, 11, 1, 9, 0)),
    )
    assert events.describe(old) == "" and old.note == "3 notices, By mail"
