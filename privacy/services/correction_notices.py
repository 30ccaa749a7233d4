"""After a correction, the recipients are told (APPI art. 97): those the provision log shows received an item the
correction changed, before it was changed. One notice per recipient, printed and recorded as sent."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from privacy.data_items import FIELD_ITEMS, normalize_items
from privacy.events import requests as events
from privacy.models import CorrectionNotice, Provision, SubjectRequest, User


def corrected_items(request: SubjectRequest) -> list[str]:
    """The data items the request's record edits changed, read from the registry's history rows they wrote."""
    from subscribers.models import Subscriber

    history_ids = [
        e.parameters.get("history_id") for e in request.events.filter(kind=events.Kind.RECORD_EDITED).order_by("id")
    ]
    changed: set[str] = set()
    for row in Subscriber.history.filter(history_id__in=[h for h in history_ids if h]):
        previous = row.prev_record
        if previous is None:
            continue
        changed |= {FIELD_ITEMS[f] for f in row.diff_against(previous).changed_fields if f in FIELD_ITEMS}
    return normalize_items(changed)


def correction_recipients(request: SubjectRequest) -> list[dict]:
    """Each recipient that received a corrected item before the correction: name, contractor, the items."""
    items = set(corrected_items(request))
    if not items or request.subscriber_id is None:
        return []
    edited = request.events.filter(kind=events.Kind.RECORD_EDITED).order_by("at").first()
    assert edited is not None  # corrected items come from an edit
    recipients: dict[str, dict] = {}
    provisions = Provision.objects.filter(subscriber_id=request.subscriber_id, at__lte=edited.at).order_by("at")
    for provision in provisions.only("recipient_name", "contractor_id", "items"):
        received = items & set(provision.items)
        if not received:
            continue
        entry = recipients.setdefault(
            provision.recipient_name,
            {"recipient_name": provision.recipient_name, "contractor_id": provision.contractor_id, "items": set()},
        )
        entry["items"] |= received
    return [{**r, "items": normalize_items(r["items"])} for r in recipients.values()]


@transaction.atomic
def correction_notices_prepare(*, request: SubjectRequest, user: User) -> list[CorrectionNotice]:
    """One notice per recipient of a corrected item; calling again adds only recipients not yet listed."""
    notices = []
    for recipient in correction_recipients(request):
        notice, _created = CorrectionNotice.objects.get_or_create(
            request=request,
            recipient_name=recipient["recipient_name"],
            defaults={"contractor_id": recipient["contractor_id"], "items": recipient["items"]},
        )
        notices.append(notice)
    return notices


@transaction.atomic
def correction_notice_mark_sent(*, notice: CorrectionNotice, on: date, user: User) -> CorrectionNotice:
    notice = CorrectionNotice.objects.select_for_update().select_related("request").get(pk=notice.pk)
    if notice.sent_on is not None:
        raise ValidationError(_("This notice has already been recorded as sent."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    notice.sent_on, notice.sent_by = on, user
    stamp_history(notice, user=user, reason="sent")
    notice.save()
    events.request_recipient_notified_event(request=notice.request, user=user, recipient=notice.recipient_name, on=on)
    return notice
