"""Address labels by purpose: the print page (stock, first label, filters), the direct PDF, large prints' jobs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.data_items import DataItem
from privacy.forms.purposes import LabelPrintForm
from privacy.label_sheets import SHEETS
from privacy.models import PrintJob, Purpose
from privacy.selectors.purposes import subscribers_usable_by
from privacy.services.disclosure_prints import DISCLOSURE_PERMISSION
from privacy.services.label_prints import label_job_create, label_job_download, labels_print_now

from .purposes import PurposeBulkUseMixin


class LabelPrintMixin(PurposeBulkUseMixin):
    def get_purpose(self) -> Purpose:
        purpose = super().get_purpose()
        if not {DataItem.NAME, DataItem.ADDRESS} <= set(purpose.items):
            raise PermissionDenied(_("This purpose does not use names and addresses."))
        return purpose

    def print_labels(self, purpose: Purpose, form: LabelPrintForm) -> HttpResponse:
        """At once up to LABELS_SYNC_MAX labels; a larger print goes to a worker and its page."""
        subscribers, filters = form.filter(subscribers_usable_by(self.request.user, purpose))
        choice = {
            "user": self.request.user,
            "purpose": purpose,
            "subscribers": subscribers,
            "filters": filters,
            "path": self.request.get_full_path(),
            "sheet": form.cleaned_data["sheet"],
            "start": form.cleaned_data["start"],
        }
        if subscribers.count() > settings.LABELS_SYNC_MAX:
            job = label_job_create(**choice)
            return redirect("privacy:print_job", pk=job.pk)
        pdf, export_no = labels_print_now(**choice)
        return pdf_response(pdf, f"labels-{purpose.code}-{timezone.localtime():%Y%m%d}-export{export_no}.pdf")


class LabelPrintView(LabelPrintMixin, FormView):
    """The print page: the staff member chooses the label stock and the subscribers, and prints."""

    template_name = "privacy/label_print.html"
    form_class = LabelPrintForm

    def get_initial(self):
        return {"status": self.request.GET.get("status", ""), "district": self.request.GET.get("district", "")}

    def get_context_data(self, **kwargs):
        purpose = self.get_purpose()
        return super().get_context_data(
            purpose=purpose,
            usable_count=subscribers_usable_by(self.request.user, purpose).count(),
            sync_max=settings.LABELS_SYNC_MAX,
            sheets=SHEETS.values(),
            jobs=PrintJob.objects.kept_for(self.request.user)
            .filter(kind=PrintJob.Kind.LABELS)
            .select_related("purpose"),
            **kwargs,
        )

    def form_valid(self, form):
        return self.print_labels(self.get_purpose(), form)


class PurposeLabelsView(LabelPrintMixin, View):
    """The direct PDF by link (``?status=&sheet=&start=``): a print larger than LABELS_SYNC_MAX is sent to the print
    page, where asking for it makes a job (a link changes nothing)."""

    def get(self, request, code):
        purpose = self.get_purpose()
        form = LabelPrintForm(request.GET)
        print_page = reverse("privacy:label_print", args=[purpose.code])
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(print_page)
        subscribers, _filters = form.filter(subscribers_usable_by(request.user, purpose))
        if subscribers.count() > settings.LABELS_SYNC_MAX:
            messages.info(
                request,
                _("More than %(n)d labels are made in the background: print them here.")
                % {"n": settings.LABELS_SYNC_MAX},
            )
            return redirect(f"{print_page}?{request.GET.urlencode()}")
        return self.print_labels(purpose, form)


# Who may print what a job makes: labels by purpose, an incident's notices, a request's disclosure.
PRINT_JOB_PERMISSIONS = {
    PrintJob.Kind.LABELS: "subscribers.export_subscriber",
    PrintJob.Kind.INCIDENT_NOTICES: "privacy.change_incident",
    PrintJob.Kind.DISCLOSURE: DISCLOSURE_PERMISSION,
}


class PrintJobMixin(StaffPermissionMixin):
    """A job is seen and fetched by the staff member who asked for it alone, while they may still print its kind;
    anyone else finds nothing."""

    def has_permission(self):
        return any(self.request.user.has_perm(p) for p in PRINT_JOB_PERMISSIONS.values())

    def get_queryset(self):
        kinds = [kind for kind, perm in PRINT_JOB_PERMISSIONS.items() if self.request.user.has_perm(perm)]
        return (
            PrintJob.objects.kept_for(self.request.user)
            .filter(kind__in=kinds)
            .select_related("purpose", "incident", "request")
        )


class PrintJobView(PrintJobMixin, DetailView):
    template_name = "privacy/print_job.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sheet=SHEETS[self.object.sheet], progress=progress_text(self.object), **kwargs)


def progress_text(job: PrintJob) -> str:
    if job.kind in (PrintJob.Kind.INCIDENT_NOTICES, PrintJob.Kind.DISCLOSURE):
        return _("%(done)d of %(pages)d pages") % {"done": job.sheets_done, "pages": job.sheets}
    return _("%(done)d of %(sheets)d sheets") % {"done": job.sheets_done, "sheets": job.sheets}


class PrintJobStatusView(PrintJobMixin, View):
    """What the job's page polls (static/js/print_job.js)."""

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "percent": job.percent,
                "text": progress_text(job),
                "finished": job.status in (PrintJob.Status.READY, PrintJob.Status.FAILED),
            }
        )


class PrintJobDownloadView(PrintJobMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        pdf = label_job_download(job=job, user=request.user, path=request.get_full_path())
        if pdf is None:
            raise Http404
        return pdf_response(pdf, job.download_name)
