"""Retention: proposals awaiting an officer, running purges with their progress, the disposal records."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from mctv.confirmation import confirmation_page, is_confirmed, rehearse
from mctv.lists import StaffListMixin
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from privacy.models import DisposalItem, DisposalRun, LegalHold, RequestSettings, RetentionRule
from privacy.pdf import render_pdf
from privacy.selectors.retention import disposal_outlook, disposal_reach, disposal_table_counts
from privacy.services.retention import disposal_approve, disposal_reject, purge_not_queued


class DisposalListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_disposalrun"
    template_name = "privacy/disposal_list.html"
    context_object_name = "runs"
    sort_keys = {"proposed_on": ("proposed_on",), "status": ("status",)}
    paginate_by = 50
    queryset = DisposalRun.objects.select_related("approved_by")

    def get_queryset(self):
        return self.sorted(super().get_queryset())

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
        approving = request.POST.get("decision") == "approve"
        try:
            if approving and not is_confirmed(request):
                rehearse(lambda: disposal_approve(run=run, user=request.user))
                return self.confirmation(request, run)
            if approving:
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

    def confirmation(self, request, run: DisposalRun):
        """Who and what the approval disposes of: the candidates, a page at a time, and the rows per table."""
        pending = run.items.filter(outcome=DisposalItem.Outcome.PENDING).order_by("subscriber_number", "object_id")
        page = Paginator(pending.values_list("subscriber_number", "object_id"), 100).get_page(request.POST.get("page"))
        action = run.get_action_display()
        return confirmation_page(
            request,
            title=_("Approve disposal %(number)s") % {"number": run.pk},
            confirm_label=_("Approve: dispose of %(n)d records") % {"n": run.candidate_count},
            back_url=reverse("privacy:disposal_detail", args=[run.pk]),
            summary=[(_("record class"), run.get_record_class_display()), (_("disposal"), action)],
            consequences=[
                _("%(n)d records of this class, past their retention period, are disposed of (%(action)s).")
                % {"n": run.candidate_count, "action": action},
                _("A record placed under a legal hold before the purge reaches it is kept."),
                _("The disposal record keeps only subscriber numbers and counts; a certificate can be printed."),
            ],
            touched={
                "caption": _("Records to dispose of"),
                "counts": disposal_reach(run),
                "columns": [_("subscriber number"), _("record id")],
                "page": page,
            },
        )


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
            "settings": RequestSettings.current(),
        }
        pdf = render_pdf("pdf/disposal_certificate.html", context)
        return pdf_response(pdf, f"disposal-{run.pk}.pdf")
