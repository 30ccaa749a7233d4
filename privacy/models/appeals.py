"""Appeals against decisions on requests (審査請求, APPI arts. 104–107; Administrative Appeal Act).

An appeal names the decision it contests; the body consults the review board (諮問, art. 105), tells the appellant
it did (art. 105(3)), receives the board's report (答申) and rules (裁決). A ruling that sets the decision aside
reopens the request for a new decision. Officers only.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, TimeStampedModel

# Administrative Appeal Act art. 18(1)–(2): three months from the day after learning of the decision, and not after
# a year from the day after it was made.
APPEAL_MONTHS = 3
APPEAL_YEARS_AT_MOST = 1


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSULTED = "consulted", _("Review board consulted")
    REPORTED = "reported", _("Board's report received")
    RULED = "ruled", _("Ruled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPEAL_STATUSES = (AppealStatus.RECEIVED, AppealStatus.CONSULTED, AppealStatus.REPORTED)


class Ruling(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the decision is set aside")
    PARTLY_UPHELD = "partly_upheld", _("Upheld in part")
    REJECTED = "rejected", _("Rejected: the decision stands")
    DISMISSED = "dismissed", _("Dismissed: not a lawful appeal")


RULING_LABELS: dict[str, str] = {
    Ruling.UPHELD: "認容",
    Ruling.PARTLY_UPHELD: "一部認容",
    Ruling.REJECTED: "棄却",
    Ruling.DISMISSED: "却下",
}
# A ruling that sets the decision aside (wholly or in part) sends the request back for a new decision.
REOPENING_RULINGS = frozenset({Ruling.UPHELD, Ruling.PARTLY_UPHELD})


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_APPEAL_STATUSES)

    def awaiting_consultation(self):
        return self.filter(status=AppealStatus.RECEIVED)

    def consultation_overdue(self, today: date):
        return self.awaiting_consultation().filter(consult_due_on__lt=today)


class Appeal(TimeStampedModel):
    Status = AppealStatus
    Ruling = Ruling

    number = models.CharField(_("appeal number"), max_length=12, unique=True, editable=False)
    request = models.ForeignKey(
        "privacy.SubjectRequest", verbose_name=_("decision appealed"), on_delete=models.PROTECT, related_name="appeals"
    )
    # The decision as it stood when appealed: a ruling that sets it aside reopens the request, which then has none.
    decision_title = models.CharField(_("decision appealed (title)"), max_length=100)
    decided_on = DayField(_("decision made on"))
    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = DayField(_("received on"))
    # Administrative Appeal Act art. 18(3): an appeal sent by post counts from the day it was posted.
    sent_on = DayField(_("posted on"), null=True, blank=True, help_text=_("For an appeal by post: the postmark."))
    appellant_name = models.CharField(_("appellant"), max_length=100)
    appellant_postal_code = models.CharField(_("appellant's postal code"), max_length=7)
    appellant_address = models.CharField(_("appellant's address"), max_length=300)
    grounds = models.TextField(_("what the appeal asks and why"))
    learned_on = DayField(_("learned of the decision on"), help_text=_("Usually the day the decision letter arrived."))
    within_period = models.BooleanField(_("within the appeal period"))
    consult_due_on = DayField(_("consult the board by"), db_index=True)
    consulted_on = DayField(_("board consulted on"), null=True, blank=True)
    consultation_notified_on = DayField(_("appellant told of the consultation on"), null=True, blank=True)
    reported_on = DayField(_("board's report on"), null=True, blank=True)
    report_summary = models.TextField(_("the board's conclusion"), blank=True)
    ruling = models.CharField(_("ruling"), max_length=15, choices=Ruling.choices, blank=True)
    ruling_reasons = models.TextField(_("reasons for the ruling"), blank=True)
    # Administrative Appeal Act art. 50(1)(iv): a ruling that departs from the board's report says why.
    departs_from_report = models.TextField(
        _("why the ruling departs from the board's report"),
        blank=True,
        help_text=_("Only when the ruling does not follow the board's report."),
    )
    ruled_on = DayField(_("ruled on"), null=True, blank=True)
    withdrawn_on = DayField(_("withdrawn on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.RECEIVED)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_on", "-number"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(condition=Q(ruling__in=["", *Ruling.values]), name="appeal_ruling_valid"),
            models.CheckConstraint(
                condition=~Q(status="ruled") | (~Q(ruling="") & Q(ruled_on__isnull=False) & ~Q(ruling_reasons="")),
                name="appeal_ruling_recorded",
            ),
            models.CheckConstraint(
                condition=Q(consulted_on__isnull=True) | Q(consulted_on__gte=models.F("received_on")),
                name="appeal_consulted_after_receipt",
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.request.number})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPEAL_STATUSES

    @property
    def ruling_label(self) -> str:
        return RULING_LABELS.get(self.ruling, "")
