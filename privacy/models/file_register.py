"""The public register of personal-information files (個人情報ファイル簿, APPI art. 75 with the items of art. 74).

``PersonalInformationFile`` is configuration: one row per file the office keeps, with what the law asks that is not
already known elsewhere (whose data, how collected, electronic or manual …). Purposes, recorded items, regular
recipients and retention come from the system's own configuration when the register is generated
(``privacy.services.file_register``), so what is published cannot drift from what the system does. Each generated
register is a ``FileRegisterVersion``: a draft until an officer approves it, then in force until the next.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel

from .retention import RecordClass

# APPI art. 74(2)(ix): "本人の数が政令で定める数に満たない個人情報ファイル"; the cabinet order sets 1,000
# (docs/accountability.md gives the sources).
EXEMPT_BELOW_PEOPLE = 1000


class FileKind(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic (電算処理ファイル)")
    MANUAL = "manual", _("Manual (マニュアル処理ファイル)")


class PeopleCounted(models.TextChoices):
    """How the live number of people in a file is counted (art. 74(2)(ix): the threshold of the cabinet order)."""

    REGISTRY = "registry", _("Subscribers whose personal data is held")
    PROVISIONS = "provisions", _("Subscribers named in provision records")
    REQUESTS = "requests", _("People named in request files")
    COMPLAINTS = "complaints", _("Complainants")
    INCIDENTS = "incidents", _("People affected by incidents")
    CONSENTS = "consents", _("Subscribers with a consent on file")
    CONSULTATIONS = "consultations", _("Callers of consultations")


class PersonalInformationFile(TimeStampedModel):
    """One personal-information file the office keeps (art. 60(2)), and the register's entry for it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name of the file"), max_length=100)
    organisation = models.CharField(
        _("organisation in charge"), max_length=200, default="三沢市政策部広報広聴課CATV情報室"
    )
    business = models.CharField(_("business it serves"), max_length=200)
    purposes_from_configuration = models.BooleanField(
        _("purposes are the purposes of use"),
        default=False,
        help_text=_("The register lists the purposes of use in force (the Purpose table) for this file."),
    )
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Its own purpose, when not the purposes of use."))
    items_from_registry = models.BooleanField(
        _("records the registry's data items"),
        default=False,
        help_text=_("The recorded items are the data items the purposes of use need."),
    )
    items = models.TextField(_("recorded items"), blank=True, help_text=_("Besides the registry's, one per line."))
    scope = models.CharField(_("whose data (記録範囲)"), max_length=200)
    collection = models.CharField(_("how it is collected"), max_length=200)
    sensitive = models.BooleanField(_("includes sensitive personal information (要配慮個人情報)"), default=False)
    ordinance_sensitive = models.BooleanField(
        _("includes information the ordinance treats as sensitive (条例要配慮個人情報)"), default=False
    )
    recipients_from_agreements = models.BooleanField(
        _("regularly provided to the contractors under agreement"),
        default=False,
        help_text=_("The register lists the contractors whose agreements are in force, with the items they receive."),
    )
    recipients = models.TextField(_("other regular recipients"), blank=True)
    record_class = models.CharField(_("retention class"), max_length=30, choices=RecordClass.choices, blank=True)
    kind = models.CharField(_("kind of file"), max_length=10, choices=FileKind.choices, default=FileKind.ELECTRONIC)
    people_counted = models.CharField(_("people counted"), max_length=20, choices=PeopleCounted.choices)
    # Counted every night (``privacy.count_file_people``): the register shows the number as of that day.
    people = models.PositiveIntegerField(_("number of people"), null=True, blank=True, editable=False)
    people_counted_on = DayField(_("counted on"), null=True, blank=True, editable=False)
    note = models.TextField(_("remarks"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("kept"), default=True, help_text=_("A file no longer kept leaves the register."))

    history = HistoricalRecords(excluded_fields=["updated_at", "people", "people_counted_on"])

    class Meta:
        verbose_name = _("personal-information file")
        verbose_name_plural = _("personal-information files")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purposes_from_configuration=True) | ~Q(purpose=""),
                name="personalinformationfile_has_a_purpose",
                violation_error_message=_("State the file's purpose, or take the purposes of use."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def exempt_by_size(self) -> bool:
        """Art. 75(2)(i) with 74(2)(ix) and the cabinet order: a file of fewer than 1,000 people need not be
        registered."""
        return self.people is not None and self.people < EXEMPT_BELOW_PEOPLE


class RegisterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


class FileRegisterVersion(models.Model):
    """One generated register: the entries as published (official columns), a draft until approved."""

    Status = RegisterStatus

    number = models.PositiveIntegerField(_("version"), unique=True)
    entries = models.JSONField(_("entries"))
    status = models.CharField(_("status"), max_length=12, choices=RegisterStatus.choices, default=RegisterStatus.DRAFT)
    generated_at = DayTimeField(_("generated at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = DayTimeField(_("approved at"), null=True, blank=True)
    people = models.JSONField(_("number of people when approved"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version of the file register")
        verbose_name_plural = _("versions of the file register")
        ordering = ["-number"]
        permissions = [("approve_fileregisterversion", _("Can approve the file register"))]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="in_force"), name="fileregister_one_in_force"
            ),
            models.UniqueConstraint(fields=["status"], condition=Q(status="draft"), name="fileregister_one_draft"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="fileregister_approval_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.get_status_display()})"
