"""A print job's page (progress, then the download), the status it polls, and the download itself."""

from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.label_sheets import SHEETS
from privacy.models import PrintJob
from privacy.services.disclosure_prints import DISCLOSURE_PERMISSION
from privacy.services.print_jobs import job_download

# Who may print what a job makes: labels by purpose, an incident's notices, a request's disclosure.
PRINT_JOB_PERMISSIONS = {
    PrintJob.Kind.LABELS: "subscribers.export_subscriber",
    PrintJob.Kind.INCIDENT_NOTICES: "privacy.change_incident",
    PrintJob.Kind.DISCLOSURE: DISCLOSURE_PERMISSION,
}
# Fetching these hands something over that the office records as done (a disclosure): a button, not a link.
FETCHED_BY_POST = {PrintJob.Kind.DISCLOSURE}


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
        return super().get_context_data(
            sheet=SHEETS[self.object.sheet],
            progress=progress_text(self.object),
            fetched_by_post=self.object.kind in FETCHED_BY_POST,
            **kwargs,
        )


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
    """The file, logged as its kind logs a download. A disclosure is fetched by its page's button (a POST with a
    one-time token, so a double click hands it over once); a link to it leads to that page."""

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if job.kind in FETCHED_BY_POST:
            return redirect("privacy:print_job", pk=job.pk)
        return self.fetch(request, job)

    def post(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if job.kind not in FETCHED_BY_POST:
            return HttpResponseNotAllowed(["GET"])
        return self.fetch(request, job)

    def fetch(self, request, job: PrintJob):
        pdf = job_download(job=job, user=request.user, path=request.get_full_path())
        if pdf is None:
            raise Http404
        return pdf_response(pdf, job.download_name)
