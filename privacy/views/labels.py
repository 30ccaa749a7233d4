"""Address labels by purpose: the print page (stock, first label, filters), the direct PDF, large prints' jobs."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from mctv.responses import pdf_response
from privacy.data_items import DataItem
from privacy.forms.purposes import LabelPrintForm
from privacy.label_sheets import SHEETS
from privacy.models import PrintJob, Purpose
from privacy.selectors.purposes import subscribers_usable_by
from privacy.services.label_prints import label_job_create, labels_print_now

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
