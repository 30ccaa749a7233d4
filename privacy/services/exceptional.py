"""Provision on bases §3(3)–(6): a clerk requests, an officer decides, the approval is recorded and used once."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.transitions import Lifecycle, set_status
from privacy.data_items import normalize_items, unknown_items
from privacy.models import ExceptionalProvision, Provision, User
from subscribers.models import Subscriber

from .provision import provision_record

Status = ExceptionalProvision.Status

EXCEPTIONAL_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.REQUESTED: frozenset({Status.APPROVED, Status.REJECTED}),
        Status.APPROVED: frozenset({Status.PROVIDED}),
        Status.REJECTED: frozenset(),
        Status.PROVIDED: frozenset(),
    },
)


@transaction.atomic
def exceptional_provision_request(
    *,
    subscriber: Subscriber,
    recipient_name: str,
    items: Iterable[str],
    method: str,
    basis: str,
    purpose: str,
    reason: str,
    user: User,
) -> ExceptionalProvision:
    if unknown_items(items):
        raise ValidationError({"items": _("An unknown data item was named.")})
    request = ExceptionalProvision(
        subscriber=subscriber,
        recipient_name=recipient_name.strip(),
        items=normalize_items(items),
        method=method,
        basis=basis,
        purpose=purpose,
        reason=reason.strip(),
        requested_by=user,
    )
    request.full_clean()
    stamp_history(request, user=user)
    request.save()
    return request


@transaction.atomic
def exceptional_provision_decide(
    *, request: ExceptionalProvision, approve: bool, user: User, note: str
) -> Provision | None:
    """An officer approves (and the data is provided and recorded at once) or rejects, with a written note."""
    if not user.has_perm("privacy.approve_exceptionalprovision"):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"decision_note": _("Write the reason for the decision.")})
    request = ExceptionalProvision.objects.select_for_update().get(pk=request.pk)
    request.decided_by, request.decided_at, request.decision_note = user, timezone.now(), note.strip()
    if not approve:
        set_status(request, Status.REJECTED, lifecycle=EXCEPTIONAL_LIFECYCLE, user=user)
        return None
    set_status(request, Status.APPROVED, lifecycle=EXCEPTIONAL_LIFECYCLE, user=user)
    provision = provision_record(
        subscriber=request.subscriber,
        items=request.items,
        method=request.method,
        basis=request.basis,
        purpose=request.purpose,
        user=user,
        recipient_name=request.recipient_name,
        approval=request,
        note=request.reason,
    )
    set_status(request, Status.PROVIDED, lifecycle=EXCEPTIONAL_LIFECYCLE, user=user)
    return provision
