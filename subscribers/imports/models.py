"""An office's register brought in from a spreadsheet or an older system's export (issue 19).

``ImportProfile``: which of the office's own column headers (氏名, フリガナ, 〒 …) holds which item of the registry.
``RegisterImport``: one file brought in — who, when, its name and hash, the profile, the mode, what came of it (counts
and the problems by row and column). The uploaded file is kept only until the import finishes; the hash stays.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mctv.db import DayTimeField, TimeStampedModel

# The items a column may fill, in the order the preview lists them. A name and its reading come either whole (split
# at the first space, full- or half-width) or as family and given columns.
IMPORT_FIELDS = {
    "legacy_key": _("number in the former register"),
    "full_name": _("name (family and given, one column)"),
    "family_name": _("family name"),
    "given_name": _("given name"),
    "full_name_kana": _("reading (family and given, one column)"),
    "family_name_kana": _("family name (reading)"),
    "given_name_kana": _("given name (reading)"),
    "birth_date": _("birth date"),
    "sex": _("sex"),
    "occupation": _("occupation"),
    "postal_code": _("postal code"),
    "prefecture": _("prefecture"),
    "municipality": _("municipality"),
    "street_address": _("street and number"),
    "building": _("building and room"),
    "phone": _("phone"),
    "mobile_phone": _("mobile phone"),
    "email": _("email"),
    "applied_on": _("applied on"),
    "status": _("status"),
    "status_on": _("date of the status"),
    "services": _("contracted services"),
}
# Each entry: the items one of which (or a set of which, all) must have a column.
REQUIRED_FIELDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("legacy_key",),),
    (("full_name",), ("family_name", "given_name")),
    (("full_name_kana",), ("family_name_kana", "given_name_kana")),
    (("postal_code",),),
    (("street_address",),),
)


def profile_gaps(columns: dict[str, str]) -> list[str]:
    """What a mapping lacks: the labels of the required items no column fills."""
    mapped = set(columns.values())
    gaps = []
    for choices in REQUIRED_FIELDS:
        if not any(set(choice) <= mapped for choice in choices):
            gaps.append(" / ".join("+".join(str(IMPORT_FIELDS[f]) for f in choice) for choice in choices))
    return gaps


class ImportProfile(TimeStampedModel):
    """The office's own headers and the registry's items they hold; edited in Django admin."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    # {"氏名": "full_name", "〒": "postal_code", …}: a header of the file → a key of IMPORT_FIELDS.
    columns = models.JSONField(_("columns"), default=dict)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.columns, dict) or not self.columns:
            raise ValidationError({"columns": _('Give the columns as {"header": "item", …}.')})
        unknown = sorted({str(v) for v in self.columns.values()} - set(IMPORT_FIELDS))
        if unknown:
            raise ValidationError(
                {
                    "columns": _("Unknown items: %(items)s. Known: %(known)s.")
                    % {"items": ", ".join(unknown), "known": ", ".join(IMPORT_FIELDS)}
                }
            )
        if gaps := profile_gaps(self.columns):
            raise ValidationError({"columns": _("No column for: %(items)s.") % {"items": "、".join(gaps)}})


class RegisterImport(models.Model):
    """One file of the office's register brought in: checked (a dry run) and then imported, or refused."""

    class Mode(models.TextChoices):
        WHOLE_FILE = "whole_file", _("Whole file: any refused row, nothing written")
        EACH_ROW = "each_row", _("Each row: good rows written, bad rows refused")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused: nothing written")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (.xlsx)"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = DayTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    kind = models.CharField(_("file type"), max_length=4, choices=Kind.choices)
    encoding = models.CharField(_("character encoding"), max_length=20, blank=True)
    # Where the uploaded file waits (REGISTER_IMPORTS_DIR) until the import finishes; then deleted and emptied here.
    stored_file = models.CharField(_("stored file"), max_length=300, blank=True)
    profile = models.ForeignKey(ImportProfile, verbose_name=_("import profile"), on_delete=models.PROTECT)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.WHOLE_FILE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    # [[row, column, message], …]: where each problem is, never the value (the report holds no personal data).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # [[row, "row 12" or a subscriber number, reasons], …]: likely duplicates within the file and in the registry.
    duplicates = models.JSONField(_("likely duplicates"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_register", _("Can import the office's register"))]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="registerimport_sha256_hex"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "uploaded",
                        "checking",
                        "checked",
                        "importing",
                        "done",
                        "refused",
                        "failed",
                        "cancelled",
                    ]
                ),
                name="registerimport_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.file_name}"

    @property
    def code(self) -> str:
        """IMP-000012: how history rows and pages name the import."""
        return f"IMP-{self.pk:06d}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
