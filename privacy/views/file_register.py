"""The 個人情報ファイル簿 (APPI art. 75): published at /privacy/files/ without login — the version in force, its
history, a PDF and a CSV of each approved version — and reviewed by staff at /file-register/, where an officer
approves the draft."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from mctv.responses import csv_response, pdf_response
from mctv.views import StaffPermissionMixin
from privacy.models import FileRegisterVersion, PersonalInformationFile
from privacy.models.file_register import EXEMPT_BELOW_PEOPLE
from privacy.pdf import render_pdf_in_parts
from privacy.services.file_register import APPROVE_PERMISSION, COLUMNS, file_register_approve, file_register_refresh

Status = FileRegisterVersion.Status
PUBLISHED = (Status.IN_FORCE, Status.SUPERSEDED)
# The register is laid out this many files (pages) at a time: a register of any size holds one part's layout.
FILES_PER_PART = 50


def _with_people(version: FileRegisterVersion) -> list[dict]:
    """Each entry with its number of people and whether the size exempts it: as last counted for the version in
    force, as counted when it was approved for an earlier one (its documents stay as they were published)."""
    if version.status == Status.IN_FORCE:
        counts = {f.code: (f.people, f.people_counted_on) for f in PersonalInformationFile.objects.all()}
    else:
        counts = {
            code: (c.get("people"), date.fromisoformat(c["counted_on"]) if c.get("counted_on") else None)
            for code, c in version.people.items()
        }
    rows = []
    for entry in version.entries:
        people, counted_on = counts.get(entry["code"], (None, None))
        exempt = people is not None and people < EXEMPT_BELOW_PEOPLE
        rows.append({**entry, "people": people, "counted_on": counted_on, "exempt": exempt})
    return rows


def file_register_pdf(version: FileRegisterVersion, entries: list[dict]) -> bytes:
    """A version as published: a page per file (longer where a file's columns run over), pages numbered n / N —
    laid out ``FILES_PER_PART`` files at a time, side by side, and numbered once joined (``render_pdf_in_parts``)."""
    parts = (
        {"version": version, "entries": entries[at : at + FILES_PER_PART], "columns": COLUMNS}
        for at in range(0, max(len(entries), 1), FILES_PER_PART)  # a register of no files is still a document
    )
    return render_pdf_in_parts("pdf/file_register.html", parts, numbered=True)


class PublicFileRegisterView(TemplateView):
    """/privacy/files/: the register in force and its earlier versions. No login."""

    template_name = "privacy/file_register_public.html"

    def get_context_data(self, **kwargs):
        in_force = FileRegisterVersion.objects.filter(status=Status.IN_FORCE).first()
        return super().get_context_data(
            version=in_force,
            entries=_with_people(in_force) if in_force else [],
            columns=COLUMNS,
            history=FileRegisterVersion.objects.filter(status__in=PUBLISHED).order_by("-number"),
            **kwargs,
        )


class PublicFileRegisterDocumentView(View):
    """An approved version as PDF (one page per file) or CSV in the official column order. Drafts are not public."""

    def get(self, request, number, form):
        version = get_object_or_404(FileRegisterVersion, number=number, status__in=PUBLISHED)
        filename = f"kojinjoho-file-bo-{version.number}.{form}"
        entries = _with_people(version)
        if form == "csv":
            rows = [[title for _key, title in COLUMNS] + ["本人の数"]]
            rows += [[entry.get(key, "") for key, _title in COLUMNS] + [entry["people"] or ""] for entry in entries]
            return csv_response(filename, rows)
        if form == "pdf":
            return pdf_response(file_register_pdf(version, entries), filename)
        raise Http404


class FileRegisterReviewView(StaffPermissionMixin, TemplateView):
    """Staff: the draft beside the version in force, the columns that changed marked; an officer approves."""

    permission_required = "privacy.view_fileregisterversion"
    template_name = "privacy/file_register_review.html"

    def get_context_data(self, **kwargs):
        # A change that no save announced (an agreement lapsing with the date) shows here as a draft too.
        draft = file_register_refresh()
        in_force = FileRegisterVersion.objects.filter(status=Status.IN_FORCE).first()
        current = {e["code"]: e for e in (in_force.entries if in_force else [])}
        changes = []
        for entry in draft.entries if draft else []:
            before = current.pop(entry["code"], None)
            changed = [
                (title, before.get(key, "") if before else "", entry.get(key, ""))
                for key, title in COLUMNS
                if before is None or before.get(key) != entry.get(key)
            ]
            if changed:
                changes.append({"name": entry["name"], "new": before is None, "columns": changed})
        removed = [entry["name"] for entry in current.values()] if draft else []
        return super().get_context_data(
            draft=draft,
            in_force=in_force,
            changes=changes,
            removed=removed,
            can_approve=self.request.user.has_perm(APPROVE_PERMISSION),
            **kwargs,
        )


class FileRegisterApproveView(StaffPermissionMixin, View):
    """POST: the officer approves the draft after confirming it was checked (publishing cannot be undone)."""

    permission_required = APPROVE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, number):
        version = get_object_or_404(FileRegisterVersion, number=number, status=Status.DRAFT)
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Confirm that you have checked the draft before approving it."))
            return redirect("privacy:file_register_review")
        try:
            file_register_approve(version=version, user=request.user)
        except PermissionDenied:
            raise
        except ValidationError as refusal:
            file_register_refresh()  # the review then shows the draft as the configuration is now
            messages.error(request, " ".join(refusal.messages))
            return redirect("privacy:file_register_review")
        messages.success(request, _("Version %(number)s of the file register is now published.") % {"number": number})
        return redirect("privacy:file_register_review")
