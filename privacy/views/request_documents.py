"""What a request page prints or hands over: its letters (PDF), the disclosure itself (PDF, CSV, JSON; a long PDF
made by a worker) and the notices to the recipients of a correction (art. 97). Each is logged."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from mctv.confirmation import confirmation_page, is_confirmed
from mctv.responses import csv_response, download_response, pdf_response
from mctv.views import StaffPermissionMixin
from privacy import letters
from privacy.forms.requests import (
    SentOnForm,
)
from privacy.models import AccessLog, CorrectionNotice, SubjectRequest
from privacy.selectors.requests import requests_visible_to
from privacy.services import requests as service
from privacy.services.access_log import access_log_record
from privacy.services.correction_notices import correction_notice_mark_sent
from privacy.services.disclosure_prints import disclosure_is_long, disclosure_job_create, disclosure_lines
from privacy.services.request_decisions import request_check_handover


class RequestObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_request_object(self) -> SubjectRequest:
        if not hasattr(self, "_request_object"):
            self._request_object = get_object_or_404(
                requests_visible_to(self.request.user).select_related("subscriber", "department"), pk=self.kwargs["pk"]
            )
        return self._request_object


@dataclass(frozen=True)
class Letter:
    title: str | Promise
    exists: Callable[[SubjectRequest], bool]
    render: Callable[[SubjectRequest], bytes]


# The letters a request has once what they tell has happened; printing one is logged.
LETTERS: dict[str, Letter] = {
    "acknowledgement": Letter(gettext_lazy("Acknowledgement (PDF)"), lambda r: True, letters.acknowledgement_pdf),
    "form-correction": Letter(
        gettext_lazy("Request to correct the form (PDF)"),
        lambda r: bool(r.correction_asked),
        letters.form_correction_pdf,
    ),
    "extension": Letter(
        gettext_lazy("Extension notice (PDF)"), lambda r: bool(r.extension_days), letters.extension_notice_pdf
    ),
    "special-extension": Letter(
        gettext_lazy("Notice of the special rule (PDF)"),
        lambda r: bool(r.special_extension_reason) and r.remainder_of_id is None,
        letters.special_extension_pdf,
    ),
    "transfer": Letter(
        gettext_lazy("Notice of transfer (PDF)"), lambda r: r.transferred_on is not None, letters.transfer_notice_pdf
    ),
    "decision": Letter(gettext_lazy("Decision letter (PDF)"), lambda r: bool(r.decision), letters.decision_letter_pdf),
}


class CorrectionNoticeView(StaffPermissionMixin, RequestObjectMixin, View):
    """A notice to one recipient of corrected items (art. 97): GET prints it (logged), POST records it sent."""

    permission_required = "privacy.change_correctionnotice"

    def get_notice(self) -> CorrectionNotice:
        return get_object_or_404(self.get_request_object().correction_notices, pk=self.kwargs["notice"])

    def get(self, request, pk, notice):
        found = self.get_notice()
        req = found.request
        access_log_record(
            user=request.user,
            subscribers=[req.subscriber] if req.subscriber else [],
            action=AccessLog.Action.EXPORT,
            path=request.path,
            detail={"letter": "correction-notice", "request": req.number, "recipient": found.recipient_name},
        )
        return pdf_response(letters.correction_notice_pdf(found), f"correction-notice-{req.number}-{found.pk}.pdf")

    def post(self, request, pk, notice):
        found = self.get_notice()
        form = SentOnForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                correction_notice_mark_sent(notice=found, on=form.cleaned_data["on"], user=request.user)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(
                    request, _("Recorded the notice to %(recipient)s as sent.") % {"recipient": found.recipient_name}
                )
        return redirect("privacy:request_detail", pk=found.request_id)


class RequestLetterView(StaffPermissionMixin, RequestObjectMixin, View):
    """The letters as PDF: the decision (決定通知書) and the extension notice. Printing one is logged. They carry
    the requester's name and address: those who handle requests print them, an auditor does not."""

    permission_required = "privacy.change_subjectrequest"

    def get(self, request, pk, letter):
        req = self.get_request_object()
        found = LETTERS.get(letter)
        if found is None or not found.exists(req):
            raise Http404
        access_log_record(
            user=request.user,
            subscribers=[req.subscriber] if req.subscriber else [],
            action=AccessLog.Action.EXPORT,
            path=request.path,
            detail={"letter": letter, "request": req.number},
        )
        return pdf_response(found.render(req), f"{letter}-{req.number}.pdf")


class RequestDisclosureView(StaffPermissionMixin, RequestObjectMixin, View):
    """Hand over the disclosed data (PDF, or CSV/JSON for an electronic copy): a POST, recorded and logged."""

    permission_required = "privacy.change_subjectrequest"
    http_method_names = ["post"]

    def post(self, request, pk, form):
        req = self.get_request_object()
        if form not in ("pdf", "csv", "json"):
            raise Http404
        if not req.grants_disclosure:
            raise PermissionDenied(_("Only a disclosure request granted in full or in part is disclosed."))
        if form == "pdf" and disclosure_is_long(req, request.user):
            return self.print_by_worker(request, req)
        filename = f"disclosure-{req.number}.{form}"
        with transaction.atomic():
            # Handing the data over is recorded on the request and, like any export, in the access log.
            try:
                service.request_record_handover(request=req, user=request.user, form=form)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
                return redirect("privacy:request_detail", pk=req.pk)
            access_log_record(
                user=request.user,
                subscribers=[req.subscriber],
                action=AccessLog.Action.EXPORT,
                path=request.path,
                detail={"export": f"disclosure.{form}", "request": req.number},
            )
            if form == "pdf":
                return pdf_response(letters.disclosure_pdf(req, request.user), filename)
            if form == "csv":
                return csv_response(filename, letters.disclosure_rows(req, request.user))
            return download_response(
                letters.disclosure_json(req, request.user),
                content_type="application/json; charset=utf-8",
                filename=filename,
            )

    def print_by_worker(self, request, req: SubjectRequest):
        """A long disclosure is made by a worker, asked for once by a button; its page shows the progress."""
        try:
            if is_confirmed(request):
                job = disclosure_job_create(request=req, user=request.user, path=request.get_full_path())
                return redirect("privacy:print_job", pk=job.pk)
            request_check_handover(req)  # the page asks only for what would be made
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("privacy:request_detail", pk=req.pk)
        lines = disclosure_lines(req, request.user)
        return confirmation_page(
            request,
            title=_("Make the disclosure: %(number)s") % {"number": req.number},
            confirm_label=_("Make the disclosure (%(n)d provision records)") % {"n": lines},
            back_url=reverse("privacy:request_detail", args=[req.pk]),
            warning=_(
                "A disclosure of more than %(n)d provision records is made by the server in the background; its "
                "page shows the progress."
            )
            % {"n": settings.DISCLOSURE_SYNC_MAX_LINES},
            consequences=[
                _(
                    "The file holds what the office keeps about the person, with %(n)d provision records; each "
                    "download is recorded on the request as handed over and in the access log."
                )
                % {"n": lines}
            ],
        )
