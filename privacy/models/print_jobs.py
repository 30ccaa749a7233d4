"""A large print made by a worker — address labels, an incident's notices to the people affected, or a long
disclosure: its progress, and the file until it is fetched and deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.db import DayTimeField
from privacy.label_sheets import DEFAULT_SHEET


class PrintJobQuerySet(models.QuerySet):
    def kept_for(self, user) -> "PrintJobQuerySet":
        """The jobs ``user`` asked for whose files are not deleted yet: a job is its asker's alone."""
        return self.filter(created_by=user, expires_at__gt=timezone.now()).defer("subscriber_ids", "printed")


class PrintJob(models.Model):
    """The staff member's choice (labels: purpose, filters, sheet; notices: the incident; a disclosure: the request)
    and the subscribers it selected when asked; the worker makes the PDF, the page shows its progress and, when
    ready, the download. The file and this row are deleted at ``expires_at`` (``privacy.delete_expired_print_jobs``),
    or at once when a person on it is erased (``print_jobs_delete_naming``); the bulk-use log (labels), the access
    log (all) and the request's events (a disclosure) keep the use."""

    class Kind(models.TextChoices):
        LABELS = "labels", _("Address labels")
        INCIDENT_NOTICES = "notices", _("Notices to the people affected")
        DISCLOSURE = "disclosure", _("Disclosure document")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices, default=Kind.LABELS)
    purpose = models.ForeignKey(
        "privacy.Purpose", verbose_name=_("purpose"), on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    incident = models.ForeignKey(
        "privacy.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    request = models.ForeignKey(
        "privacy.SubjectRequest",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    # A code of ``privacy.label_sheets.SHEETS`` (no choices here: a sheet added there needs no migration).
    sheet = models.CharField(_("label sheet"), max_length=20, default=DEFAULT_SHEET)
    start = models.PositiveSmallIntegerField(_("first label position"), default=1)
    with_number = models.BooleanField(_("with the subscriber number"), default=False)
    # Who was selected when the staff member asked; the worker applies the purpose's rule to them again.
    subscriber_ids = models.JSONField(_("subscribers"), default=list)
    # Who is on the file made, as [id, subscriber number]: each download logs them.
    printed = models.JSONField(_("subscribers printed"), default=list, blank=True)
    # Labels, letters or provision records, by the kind.
    count = models.PositiveIntegerField(_("number printed"), default=0)
    sheets = models.PositiveIntegerField(_("sheets"), default=0)
    sheets_done = models.PositiveIntegerField(_("sheets laid out"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=200, blank=True)
    # Reserved when asked: the file's name carries it, and the logs name the file by it (export #N).
    export_no = models.PositiveIntegerField(_("export number"), unique=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    ready_at = DayTimeField(_("ready at"), null=True, blank=True)
    expires_at = DayTimeField(_("deleted at"), db_index=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    objects = PrintJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-created_at"]
        constraints = [
            # Labels are for a purpose, notices for an incident, a disclosure for a request: each names what it
            # prints for, and only that.
            models.CheckConstraint(
                condition=Q(kind="labels", purpose__isnull=False, incident__isnull=True, request__isnull=True)
                | Q(kind="notices", purpose__isnull=True, incident__isnull=False, request__isnull=True)
                | Q(kind="disclosure", purpose__isnull=True, incident__isnull=True, request__isnull=False),
                name="printjob_kind_names_its_subject",
            ),
        ]

    def __str__(self):
        return f"{self.kind} export{self.export_no} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        """Laid-out sheets as a share of the whole; the writing of the file is the last step."""
        if self.status == self.Status.READY:
            return 100
        return min(99, self.sheets_done * 100 // self.sheets) if self.sheets else 0

    @property
    def download_name(self) -> str:
        if self.kind == self.Kind.INCIDENT_NOTICES:
            assert self.incident is not None  # the constraint
            return f"incident-{self.incident.number}-notices-export{self.export_no}.pdf"
        if self.kind == self.Kind.DISCLOSURE:
            assert self.request is not None  # the constraint
            return f"disclosure-{self.request.number}-export{self.export_no}.pdf"
        assert self.purpose is not None  # the constraint
        return f"labels-{self.purpose.code}-{timezone.localtime(self.created_at):%Y%m%d}-export{self.export_no}.pdf"
