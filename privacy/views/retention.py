"""Retention: proposals awaiting an officer, running purges with their progress, the disposal records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.models import DisposalItem, DisposalRun, LegalHold, RetentionRule
from privacy.pdf import render_pdf
from privacy.selectors.retention import disposal_outlook, disposal_table_counts
from privacy.services.retention import disposal_approve, disposal_reject, purge_not_queued


class DisposalListView(StaffPermissionMixin, ListView):
    permission_required = "privacy.view_disposalrun"
    template_name = "privacy/disposal_list.html"
    context_object_name = "runs"
    paginate_by = 50
    queryset = DisposalRun.objects.select_related("approved_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rules=RetentionRule.objects.all(),
            outlook=disposal_outlook(timezone.localdate()),
            holds=LegalHold.objects.in_force(timezone.localdate()).select_related("subscriber", "placed_by"),
            **kwargs,
        )


def disposed_numbers(run: DisposalRun) -> list[str]:
    return sorted(
        set(
            run.items.filter(outcome=DisposalItem.Outcome.DISPOSED)
            .exclude(subscriber_number="")
            .values_list("subscriber_number", flat=True)
        )
    )


class DisposalDetailView(StaffPermissionMixin, DetailView):
    permission_required = "privacy.view_disposalrun"
    template_name = "privacy/disposal_detail.html"
    context_object_name = "run"
    queryset = DisposalRun.objects.select_related("approved_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            not_queued=purge_not_queued(self.object),
            numbers=disposed_numbers(self.object),
            table_counts=disposal_table_counts(self.object.related_counts),
            moves=self.object.history.select_related("history_user").order_by("history_date", "history_id"),
            **kwargs,
        )


class DisposalDecideView(StaffPermissionMixin, View):
    permission_required = "privacy.approve_disposalrun"
    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(DisposalRun, pk=pk)
        try:
            if request.POST.get("decision") == "approve":
                disposal_approve(run=run, user=request.user)
                # Whether the purge was queued is known once the approval commits (the request's own
                # transaction may still be open here): the run's page says it.
                messages.success(request, _("Approved."))
            else:
                disposal_reject(run=run, user=request.user)
                messages.success(request, _("Rejected: nothing will be disposed of."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("privacy:disposal_detail", pk=run.pk)


class DisposalCertificateView(StaffPermissionMixin, View):
    """廃棄証明書: what was disposed of, by whose approval, when — subscriber numbers only."""

    permission_required = "privacy.view_disposalrun"

    def get(self, request, pk):
        run = get_object_or_404(
            DisposalRun.objects.select_related("approved_by"), pk=pk, status=DisposalRun.Status.DONE
        )
        context = {
            "run": run,
            "numbers": disposed_numbers(run),
            "table_counts": disposal_table_counts(run.related_counts),
        }
        pdf = render_pdf("pdf/disposal_certificate.html", context)
        return pdf_response(pdf, f"disposal-{run.pk}.pdf")
