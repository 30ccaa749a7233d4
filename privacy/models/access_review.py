"""The monthly review of staff access (職員のアクセス点検, declaration §4(1)–(2), APPI art. 66).

``AccessReviewSettings`` is configuration (one row, edited in admin): how long before and after a view related
business counts, what a burst is, the office hours, and whether opening a record outside any business asks for
a reason. ``AccessReview`` is one month's review (of one department or of all), a record with its PDF; its
``AccessReviewFlag`` rows are what the access log shows that no business explains. Each flag is closed with an
outcome by a second person: never the staff member flagged (a constraint here) and never the person who ran the
review (a PostgreSQL trigger, migration 0032). A review closes once every flag has its outcome (also a trigger).
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel


class AccessReviewSettings(TimeStampedModel):
    """One row: the review's thresholds and the reason prompt. Editable in admin; the defaults are the office's."""

    window_days = models.PositiveSmallIntegerField(
        _("related business within (days)"),
        default=30,
        help_text=_(
            "A view is explained by business on the same subscriber by the same person or department recorded this "
            "many days before or after it (a request, work order, registration, edit, consent, incident, complaint, "
            "consultation, provision or bulk use)."
        ),
    )
    burst_views = models.PositiveSmallIntegerField(
        _("burst: views"), default=30, help_text=_("This many records opened by one person …")
    )
    burst_minutes = models.PositiveSmallIntegerField(_("burst: within (minutes)"), default=10)
    office_opens = models.TimeField(_("office opens at"), default=time(8, 30))
    office_closes = models.TimeField(_("office closes at"), default=time(17, 15))
    closed_days_outside = models.BooleanField(
        _("weekends, holidays and 29 Dec – 3 Jan are outside office hours"), default=True
    )
    ask_reason = models.BooleanField(
        _("ask for a reason"),
        default=False,
        help_text=_(
            "Opening a subscriber's record with no related business asks the viewer for a one-line reason, kept in "
            "the access log."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("access review settings")
        verbose_name_plural = _("access review settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=1)
                & Q(window_days__lte=366)
                & Q(burst_views__gte=2)
                & Q(burst_minutes__gte=1)
                & Q(burst_minutes__lte=1440),
                name="accessreviewsettings_plausible",
                violation_error_message=_(
                    "The window is 1 to 366 days; a burst is at least 2 views within 1 to 1,440 minutes."
                ),
            ),
            models.CheckConstraint(
                condition=Q(office_closes__gt=F("office_opens")),
                name="accessreviewsettings_hours_ordered",
                violation_error_message=_("The office closes after it opens."),
            ),
        ]

    def __str__(self):
        return str(_("access review settings"))

    @classmethod
    def current(cls) -> "AccessReviewSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class AccessReviewStatus(models.TextChoices):
    OPEN = "open", _("Flags open")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


class AccessReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=AccessReviewStatus.OPEN)


class AccessReview(models.Model):
    """One month's review of the access log, of one department's staff or of everyone's."""

    Status = AccessReviewStatus

    month = DayField(_("month"), help_text=_("The first day of the month reviewed."))
    department = models.ForeignKey(
        "privacy.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every department."),
    )
    status = models.CharField(_("status"), max_length=10, choices=AccessReviewStatus.choices, default="open")
    # Empty when the monthly job ran it.
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    run_at = DayTimeField(_("run at"))
    last_run_at = DayTimeField(_("last run at"))
    views = models.PositiveIntegerField(_("records opened in the month"), default=0)
    # The settings the flags were found with, as they were (the PDF states them).
    thresholds = models.JSONField(_("settings used"), default=dict)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = DayTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AccessReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["-month", "department__code"]
        permissions = [
            ("run_accessreview", _("Can run the review of staff access")),
            ("close_accessreview", _("Can close flags and reviews of staff access")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="accessreview_month_first_day"),
            models.CheckConstraint(condition=Q(status__in=AccessReviewStatus.values), name="accessreview_status"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_by__isnull=True) & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_by__isnull=False) & Q(closed_at__isnull=False)),
                name="accessreview_closing_recorded",
            ),
            models.UniqueConstraint(fields=["month", "department"], name="accessreview_one_per_department_month"),
            models.UniqueConstraint(
                fields=["month"], condition=Q(department__isnull=True), name="accessreview_one_for_all_per_month"
            ),
        ]

    def __str__(self):
        scope = self.department or _("all departments")
        return f"{self.month:%Y-%m} {scope}"


class FlagKind(models.TextChoices):
    NO_BUSINESS = "no_business", _("Opened with no related business")
    BURST = "burst", _("Many records opened in a short time")
    OFF_HOURS = "off_hours", _("Opened outside office hours")
    OWN_RECORD = "own_record", _("Opened the staff member's own record")
    SAME_ADDRESS = "same_address", _("Opened a record at the staff member's address")


class FlagOutcome(models.TextChoices):
    BUSINESS_REASON = "business_reason", _("Business reason recorded")
    REFERRED = "referred", _("Referred")


class AccessReviewFlag(models.Model):
    """What the log shows that no business explains: one per kind, staff member and subscriber (a burst: one per
    burst), closed with an outcome by a second person."""

    Kind = FlagKind
    Outcome = FlagOutcome

    review = models.ForeignKey(AccessReview, verbose_name=_("review"), on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    # The number, as the log keeps it; empty for a burst (many subscribers).
    subscriber_number = models.CharField(_("subscriber number"), max_length=20, blank=True)
    views = models.PositiveIntegerField(_("views"))
    first_at = DayTimeField(_("first"))
    last_at = DayTimeField(_("last"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=FlagOutcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = DayTimeField(_("closed at"), null=True, blank=True)

    # No history: a flag is written once as found and once with its outcome, then the database keeps it as it is.

    class Meta:
        verbose_name = _("access review flag")
        verbose_name_plural = _("access review flags")
        ordering = ["kind", "user_id", "subscriber_number", "first_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FlagKind.values), name="accessreviewflag_kind"),
            models.CheckConstraint(
                condition=Q(views__gte=1) & Q(last_at__gte=F("first_at")), name="accessreviewflag_counted"
            ),
            models.CheckConstraint(
                condition=(Q(kind="burst") & Q(subscriber_number="")) | (~Q(kind="burst") & ~Q(subscriber_number="")),
                name="accessreviewflag_subscriber_unless_burst",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_note="") & Q(closed_by__isnull=True) & Q(closed_at__isnull=True))
                | (
                    Q(outcome__in=FlagOutcome.values)
                    & ~Q(outcome_note="")
                    & Q(closed_by__isnull=False)
                    & Q(closed_at__isnull=False)
                ),
                name="accessreviewflag_outcome_recorded",
                violation_error_message=_("A flag is closed with an outcome, a note, who closed it and when."),
            ),
            models.CheckConstraint(
                condition=Q(closed_by__isnull=True) | ~Q(closed_by=F("user")),
                name="accessreviewflag_not_closed_by_the_staff_member",
                violation_error_message=_("A flag is closed by someone other than the staff member flagged."),
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "user", "subscriber_number"],
                condition=~Q(kind="burst"),
                name="accessreviewflag_one_per_subscriber",
            ),
            models.UniqueConstraint(
                fields=["review", "user", "first_at"], condition=Q(kind="burst"), name="accessreviewflag_one_per_burst"
            ),
        ]
        indexes = [models.Index(fields=["review"], condition=Q(outcome=""), name="accessreviewflag_open")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user_id} {self.subscriber_number}"

    @property
    def is_open(self) -> bool:
        return not self.outcome
