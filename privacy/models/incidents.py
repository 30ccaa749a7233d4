"""The register of leaks and other incidents (漏えい等事案): declaration §11, broadcaster rules ■20, APPI art. 68.

Whether an incident must be reported, to whom, and by when is configuration (``IncidentSettings``);
the facts are recorded here; every status move writes an append-only ``IncidentEvent``.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import AppendOnlyModel, DayField, DayTimeField, TimeStampedModel
from privacy.deadlines import due_date


class IncidentSettings(TimeStampedModel):
    """One row: when an incident is reportable, to whom, and the report deadlines. Editable in admin."""

    people_threshold = models.PositiveIntegerField(
        _("reportable above this many people"),
        default=100,
        help_text=_("APPI's threshold for public bodies is more than 100 people."),
    )
    preliminary_days = models.PositiveSmallIntegerField(_("preliminary report within (days)"), default=3)
    final_days = models.PositiveSmallIntegerField(_("final report within (days)"), default=30)
    final_days_malicious = models.PositiveSmallIntegerField(_("final report within, when malicious (days)"), default=60)
    report_to_ministry = models.BooleanField(
        _("report to the Ministry of Internal Affairs and Communications"),
        default=True,
        help_text=_("As declaration §11(1) says."),
    )
    report_to_ppc = models.BooleanField(
        _("report to the Personal Information Protection Commission"),
        default=True,
        help_text=_("As APPI art. 68 says for public bodies."),
    )
    # APPI art. 60(5): the categories the city's ordinance names; a leak of them is reportable (PPC rules art. 43(v)),
    # but only where an ordinance names some — blank, the incident form does not ask.
    ordinance_sensitive_categories = models.TextField(
        _("categories the ordinance treats as sensitive (条例要配慮個人情報)"),
        blank=True,
        help_text=_(
            "One per line, as the city's ordinance defines them (APPI art. 60(5)); a leak of them must be reported "
            "(PPC rules art. 43(v)). Leave blank when the ordinance defines none."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("incident settings")
        verbose_name_plural = _("incident settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(preliminary_days__gte=1) & Q(final_days__gte=1) & Q(final_days_malicious__gte=1),
                name="incidentsettings_days_positive",
            ),
        ]

    def __str__(self):
        return str(_("incident settings"))

    @classmethod
    def current(cls) -> "IncidentSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()

    def targets(self) -> list[str]:
        return [
            str(t)
            for ok, t in [
                (self.report_to_ministry, _("Ministry of Internal Affairs and Communications")),
                (self.report_to_ppc, _("Personal Information Protection Commission")),
            ]
            if ok
        ]

    def ordinance_categories(self) -> list[str]:
        return [line.strip() for line in self.ordinance_sensitive_categories.splitlines() if line.strip()]


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident status", "Open")
    PRELIMINARY_REPORTED = "preliminary_reported", _("Preliminary report made")
    FINAL_REPORTED = "final_reported", _("Final report made")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


class IncidentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=IncidentStatus.CLOSED)

    def with_counts(self):
        """Annotate how many registry subscribers each affects: lists need no query per incident."""
        return self.annotate(registry_count=models.Count("affected"))


class Incident(TimeStampedModel):
    Status = IncidentStatus

    number = models.CharField(_("incident number"), max_length=12, unique=True, editable=False)
    discovered_at = DayTimeField(_("discovered at"))
    occurred_at = DayTimeField(_("occurred at"), null=True, blank=True)
    discovered_by = models.CharField(_("discovered by"), max_length=200)
    description = models.TextField(_("what happened"))
    # The notices to the people affected tell what happened in words written for them; the description above is
    # the office's own record and is never printed on a notice.
    notice_text = models.TextField(
        _("what happened, as the notice tells the person"),
        blank=True,
        help_text=_("Written for the residents affected, in plain polite Japanese; required before notices are sent."),
    )
    items = models.JSONField(_("data items involved"), default=list)
    other_people_count = models.PositiveIntegerField(
        _("people affected who are not in the registry"),
        default=0,
    )
    # People a derivation from the records found who are no longer in the registry (purged): counted once across
    # the incident's derivations, listed by number in their snapshots (``IncidentScope``). Never typed.
    removed_people_count = models.PositiveIntegerField(
        _("people affected no longer in the registry"), default=0, editable=False
    )
    cause = models.TextField(_("cause"), blank=True)
    malicious = models.BooleanField(_("a malicious act (e.g. unauthorised access, theft)"), default=False)
    sensitive_data = models.BooleanField(_("sensitive personal data involved"), default=False)
    # Asked only where the settings name the ordinance's categories (``involves_ordinance_sensitive``).
    ordinance_sensitive_data = models.BooleanField(
        _("includes information the ordinance treats as sensitive (条例要配慮個人情報)"), default=False
    )
    financial_risk = models.BooleanField(_("risk of financial damage"), default=False)
    secondary_harm = models.TextField(_("secondary harm, or the risk of it"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    prevention = models.TextField(_("prevention of recurrence"), blank=True)
    other_notes = models.TextField(_("other matters"), blank=True)
    # §11(1)②: publication; §11(2): exemption from notice and publication under the disclosure ordinance art. 10.
    published_on = DayField(_("published on"), null=True, blank=True)
    published_where = models.CharField(_("published where"), max_length=200, blank=True)
    exempt_from_notice = models.BooleanField(_("exempt from notice and publication (§11(2))"), default=False)
    exemption_reason = models.TextField(_("reason for the exemption"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    preliminary_reported_on = DayField(_("preliminary report made on"), null=True, blank=True)
    final_reported_on = DayField(_("final report made on"), null=True, blank=True)
    closed_on = DayField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-discovered_at"]
        indexes = [models.Index(fields=["status", "discovered_at"], name="incident_status_discovered")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"),
            models.CheckConstraint(
                condition=Q(exempt_from_notice=False) | ~Q(exemption_reason=""),
                name="incident_exemption_has_reason",
                violation_error_message=_("Give the reason for the exemption."),
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | ~Q(published_where=""),
                name="incident_publication_says_where",
                violation_error_message=_("Say where it was published."),
            ),
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=models.F("discovered_at")),
                name="incident_occurred_before_discovery",
                violation_error_message=_("It cannot have occurred after it was discovered."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.discovered_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        """Not yet closed: its facts, people and notices may still be recorded."""
        return self.status != IncidentStatus.CLOSED

    @property
    def affected_count(self) -> int:
        registry = getattr(self, "registry_count", None)
        return (
            (self.affected.count() if registry is None else registry)
            + self.other_people_count
            + self.removed_people_count
        )

    @property
    def discovered_on(self) -> date:
        return timezone.localdate(self.discovered_at)

    def notice_gaps(self) -> list[str]:
        """What §11(1) still asks before the incident is closed (empty: nothing): a notice to each affected person,
        or the §11(2) exemption; where a person cannot be reached (or is not in the registry), publication."""
        if self.exempt_from_notice:
            return []
        gaps = []
        affected = list(self.affected.all())
        unsettled = sum(1 for a in affected if not a.notice_settled)
        if unsettled:
            gaps.append(
                str(
                    ngettext(
                        "%(n)d affected subscriber has neither a notice sent nor a reason why notice is impossible.",
                        "%(n)d affected subscribers have neither a notice sent nor a reason why notice is impossible.",
                        unsettled,
                    )
                    % {"n": unsettled}
                )
            )
        unreachable = (
            any(a.notice_impossible_reason for a in affected)
            or self.other_people_count > 0
            or self.removed_people_count > 0
        )
        if unreachable and self.published_on is None:
            gaps.append(str(_("Not everyone affected can be notified one by one: record the publication.")))
        return gaps

    def involves_ordinance_sensitive(self, config: IncidentSettings) -> bool:
        """PPC rules art. 43(v) counts 条例要配慮個人情報 only where the city's ordinance defines some."""
        return self.ordinance_sensitive_data and bool(config.ordinance_categories())

    def reportable_reasons(self, config: IncidentSettings | None = None) -> list[str]:
        """Why the incident must be reported (empty: it need not be): PPC rules art. 43 (i)–(v)."""
        config = config or IncidentSettings.current()
        reasons = []
        if self.sensitive_data:
            reasons.append(str(_("sensitive personal data")))
        if self.involves_ordinance_sensitive(config):
            reasons.append(str(_("information the ordinance treats as sensitive")))
        if self.financial_risk:
            reasons.append(str(_("risk of financial damage")))
        if self.malicious:
            reasons.append(str(_("a malicious act")))
        if self.affected_count > config.people_threshold:
            reasons.append(str(_("more than %(n)d people") % {"n": config.people_threshold}))
        return reasons

    def preliminary_due(self, config: IncidentSettings | None = None) -> date:
        """速報: counted like every deadline — from the day after discovery, the last open day on or before."""
        config = config or IncidentSettings.current()
        return due_date(self.discovered_on, config.preliminary_days)

    def final_due(self, config: IncidentSettings | None = None) -> date:
        """確報: the same count, over the longer period a malicious act allows."""
        config = config or IncidentSettings.current()
        return due_date(self.discovered_on, config.final_days_malicious if self.malicious else config.final_days)

    def next_deadline(self, config: IncidentSettings | None = None) -> "ReportDeadline | None":
        """The report due next, for the dashboard and the digest; None when nothing is owed."""
        config = config or IncidentSettings.current()
        if self.status == IncidentStatus.CLOSED or not self.reportable_reasons(config):
            return None
        if self.preliminary_reported_on is None:
            return ReportDeadline(ReportKind.PRELIMINARY, self.preliminary_due(config))
        if self.final_reported_on is None:
            return ReportDeadline(ReportKind.FINAL, self.final_due(config))
        return None


class ReportKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("preliminary report")
    FINAL = "final", _("final report")


@dataclass(frozen=True)
class ReportDeadline:
    """A report owed to the authorities (速報 or 確報) and the day it is due."""

    report: ReportKind
    due_on: date


class NoticeMethod(models.TextChoices):
    MAIL = "mail", _("By mail")
    HANDED = "handed", _("Handed over")
    EMAIL = "email", _("By email")
    PHONE = "phone", _("By phone (letter to follow)")


class IncidentSubscriber(TimeStampedModel):
    """One affected subscriber, and the notice sent to them (§11(1)①)."""

    Method = NoticeMethod

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="affected"
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.PROTECT, related_name="incidents"
    )
    notice_sent_on = DayField(_("notice sent on"), null=True, blank=True)
    notice_method = models.CharField(_("notice sent"), max_length=10, choices=NoticeMethod.choices, blank=True)
    # §11(1)②: when the person cannot be reached, the office publishes instead; why is recorded per person.
    notice_impossible_reason = models.CharField(_("why notice is impossible"), max_length=200, blank=True)
    # Named by the officer (numbers pasted): touched by every item the incident names. A person found only by a
    # derivation from the records is touched by the items their records carried (``IncidentScope``).
    pasted = models.BooleanField(_("named by hand"), default=True)

    class Meta:
        verbose_name = _("affected subscriber")
        verbose_name_plural = _("affected subscribers")
        ordering = ["subscriber__number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "subscriber"], name="incidentsubscriber_once"),
            models.CheckConstraint(
                condition=Q(notice_sent_on__isnull=True) | ~Q(notice_method=""), name="incidentsubscriber_notice_method"
            ),
            models.CheckConstraint(
                condition=Q(notice_sent_on__isnull=True) | Q(notice_impossible_reason=""),
                name="incidentsubscriber_sent_or_impossible",
                violation_error_message=_("A notice that was sent was not impossible."),
            ),
        ]

    @property
    def notice_settled(self) -> bool:
        """Notified, or recorded as impossible to notify (then the incident must be published)."""
        return self.notice_sent_on is not None or bool(self.notice_impossible_reason)

    def __str__(self):
        return f"{self.incident.number} {self.subscriber_id}"


class IncidentEventKind(models.TextChoices):
    """What happened to an incident; each kind is written by its own function in ``privacy.events.incidents``."""

    RECORDED = "recorded", _("Recorded")
    EDITED = "edited", _("Edited")
    PRELIMINARY_REPORTED = "preliminary_reported", _("Preliminary report made")
    FINAL_REPORTED = "final_reported", _("Final report made")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    NOTICES_SENT = "notices_sent", _("Notices sent")
    NOTICES_IMPOSSIBLE = "notices_impossible", _("Notice impossible")
    SCOPE_ADDED = "scope_added", _("Affected people derived from the records")


class IncidentEvent(AppendOnlyModel):
    """Who did what to the incident, when, from what status to what, the note typed, and the act's codes and
    numbers (``parameters``): the sentence a reader sees is made from them when shown. Append-only (PostgreSQL
    trigger)."""

    Kind = IncidentEventKind

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="events")
    at = DayTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=30, choices=IncidentEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=24, blank=True)
    to_status = models.CharField(_("status after"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    parameters = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=IncidentEventKind.values), name="incidentevent_kind_known")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.from_status}→{self.to_status}"
