"""Why a history row was written, in the reader's language.

Services stamp a history row (``mctv.db.stamp_history``) with a short code (``received``, ``recorded``) or with a
label; a page shows the code's label, and a label stored in English through the catalogue. Free text (a reason a
person typed) is shown as it was typed."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models.appeals import AppealStatus
from .models.request_records import RequestEventKind

REASONS = {
    **dict(RequestEventKind.choices),
    **dict(AppealStatus.choices),
    "recorded": _("Recorded"),
    "became_request": _("Became a written request"),
    "sent": _("Sent"),
    "dismissed": _("Dismissed"),
    "consultation_notified": _("Referral to the review board notified"),
}


def reason_label(reason: str | None) -> str:
    """``received`` → 受付; a label or a typed reason as it reads in the active language."""
    if not reason:
        return ""
    label = REASONS.get(reason)
    return str(label) if label is not None else gettext(reason)
