"""Work orders: staff pages, and the printed work sheet (a paper provision through the gate)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from mctv.confirmation import confirmation_page, form_summary, is_confirmed
from mctv.edit_versions import VersionedEditMixin
from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import pdf_response
from mctv.views import StaffPermissionMixin
from mctv.wareki import wareki
from privacy.data_items import scoped_values
from privacy.forms.work_orders import SheetRetrievalForm, WorkOrderCloseForm, WorkOrderEditForm, WorkOrderForm
from privacy.models import AccessLog, Contractor, Provision, WorkOrder
from privacy.selectors.handovers import work_sheets_out
from privacy.selectors.provisions import contractor_provision_stopped, pending_stop_requests, sheets_to_retrieve
from privacy.selectors.work_orders import work_orders_visible_to
from privacy.services.access_log import access_log_record
from privacy.services.provision import ProvisionRefused
from privacy.services.work_orders import (
    sheet_retrieval_record,
    work_order_close,
    work_order_create,
    work_order_update,
    work_sheet_issue,
)
from subscribers.models import Subscriber


class WorkOrderObjectMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_work_order(self) -> WorkOrder:
        if not hasattr(self, "_work_order"):
            self._work_order = get_object_or_404(
                work_orders_visible_to(self.request.user).select_related("subscriber", "contractor", "kind"),
                pk=self.kwargs["pk"],
            )
        return self._work_order


class WorkOrderListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_workorder"
    template_name = "privacy/work_order_list.html"
    context_object_name = "work_orders"
    sort_keys = {
        "number": ("number",),
        "kind": ("kind__name",),
        "contractor": ("contractor__name",),
        "scheduled_on": ("scheduled_on",),
        "status": ("status",),
    }
    paginate_by = 50

    def get_queryset(self):
        qs = work_orders_visible_to(self.request.user).select_related("subscriber", "contractor", "kind")
        self.status = self.request.GET.get("status", WorkOrder.Status.OPEN)
        self.contractor = self.request.GET.get("contractor", "")
        if self.status in WorkOrder.Status.values:
            qs = qs.filter(status=self.status)
        if self.contractor.isascii() and self.contractor.isdigit():
            qs = qs.filter(contractor_id=int(self.contractor))
        return self.sorted(qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=self.status,
            contractor=self.contractor,
            statuses=WorkOrder.Status.choices,
            contractors=Contractor.objects.all(),
            **kwargs,
        )


class WorkOrderCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_workorder"
    template_name = "privacy/form.html"
    form_class = WorkOrderForm
    extra_context = {"title": _("Register a work order")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        subscriber = Subscriber.objects.visible_to(self.request.user).filter(pk=self.request.GET.get("subscriber") or 0)
        return {"subscriber_number": subscriber[0].number} if subscriber else {}

    def form_valid(self, form):
        data = form.cleaned_data
        pending = list(pending_stop_requests(data["subscriber"]))
        stopped = contractor_provision_stopped(data["subscriber"])
        if (pending or stopped) and not is_confirmed(self.request):
            return self.stop_warning(form, pending, stopped)
        try:
            order = work_order_create(
                subscriber=data["subscriber"],
                contractor=data["contractor"],
                kind=data["kind"],
                scheduled_on=data["scheduled_on"],
                access_from=data["access_from"],
                access_until=data["access_until"],
                items=data["items"],
                note=data["note"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Registered work order %(number)s.") % {"number": order.number})
        return redirect("privacy:work_order_detail", pk=order.pk)

    def stop_warning(self, form, pending, stopped: bool):
        """A work order for someone whose data may not (or soon may not) reach a contractor: said before saving."""
        lines = [
            _(
                "Request %(number)s (%(kind)s), received %(day)s, is not decided yet: if it is granted, the "
                "contractor will see nothing of this subscriber."
            )
            % {"number": r.number, "kind": r.get_kind_display(), "day": wareki(r.received_on)}
            for r in pending
        ]
        if stopped:
            lines.insert(
                0,
                _(
                    "A decided stop is in force: the contractor's portal and the work sheet will refuse "
                    "this subscriber."
                ),
            )
        return confirmation_page(
            self.request,
            title=_("Register a work order"),
            confirm_label=_("Register the work order anyway"),
            back_url=reverse("privacy:work_order_list"),
            summary=form_summary(form),
            consequences=lines,
            warning=_("This subscriber has asked to stop provision to contractors. Check before registering."),
        )


class WorkOrderDetailView(StaffPermissionMixin, WorkOrderObjectMixin, DetailView):
    permission_required = "privacy.view_workorder"
    template_name = "privacy/work_order_detail.html"
    context_object_name = "order"

    def get_object(self, queryset=None):
        return self.get_work_order()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page shows the subscriber's scoped items (name, address, phone …): opening it is logged.
        access_log_record(
            user=self.request.user,
            subscribers=[self.object.subscriber],
            action=AccessLog.Action.VIEW,
            path=self.request.path,
            detail={"work_order": self.object.number},
        )
        # What the contractor sees: the staff user already may see the whole record. Once a stop is in force
        # the contractor sees nothing, and what was printed before must come back.
        context["stopped"] = contractor_provision_stopped(self.object.subscriber)
        context["values"] = [] if context["stopped"] else scoped_values(self.object.subscriber, self.object.items)
        # ■19(2)④: a sheet out past its day to return or destroy is asked back too, stop or no stop.
        today = timezone.localdate()
        context["sheets_to_retrieve"] = (
            sheets_to_retrieve([self.object.subscriber], work_order=self.object)
            if context["stopped"]
            else [out.provision for out in work_sheets_out(self.object) if out.return_by < today]
        )
        context["retrievals"] = self.object.sheet_retrievals.select_related("recorded_by")
        context["retrieval_form"] = SheetRetrievalForm()  # a blank one per sheet; a refused one comes back as typed
        context["provisions"] = self.object.provisions.select_related("caused_by")[:100]
        return context


class WorkOrderUpdateView(StaffPermissionMixin, WorkOrderObjectMixin, VersionedEditMixin, FormView):
    permission_required = "privacy.change_workorder"
    template_name = "privacy/form.html"
    form_class = WorkOrderEditForm

    def get_edited_record(self):
        return self.get_work_order()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_work_order()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit work order"), subject=self.get_work_order(), **kwargs)

    def form_valid(self, form):
        try:
            work_order_update(work_order=self.get_work_order(), user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved the work order."))
        return redirect("privacy:work_order_detail", pk=self.get_work_order().pk)


class WorkOrderCloseView(StaffPermissionMixin, WorkOrderObjectMixin, FormView):
    permission_required = "privacy.close_workorder"
    template_name = "privacy/form.html"
    form_class = WorkOrderCloseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Close work order"), subject=self.get_work_order(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            work_order_close(
                work_order=self.get_work_order(),
                user=self.request.user,
                outcome=data["outcome"],
                sheet_disposition=data["sheet_disposition"],
                sheet_disposition_on=data["sheet_disposition_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Closed the work order; the portal no longer shows it."))
        return redirect("privacy:work_order_detail", pk=self.get_work_order().pk)


class WorkOrderSheetRetrievedView(StaffPermissionMixin, WorkOrderObjectMixin, View):
    """A printed sheet of a stopped subscriber came back, or its destruction was confirmed: one checklist line."""

    permission_required = "privacy.change_workorder"
    http_method_names = ["post"]

    def post(self, request, pk, provision_id):
        order = self.get_work_order()
        form = SheetRetrievalForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(list(form.errors.values()))
            sheet_retrieval_record(work_order=order, provision_id=provision_id, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if not request.user.has_perm(WorkOrderDetailView.permission_required):
                return redirect("privacy:work_order_detail", pk=order.pk)
            # The work order's page again, the refused sheet's line holding what was typed.
            detail = WorkOrderDetailView()
            detail.setup(request, pk=pk)
            detail.object = order
            return render(
                request, detail.template_name, detail.get_context_data(refused_retrieval=(provision_id, form))
            )
        messages.success(request, _("Recorded the sheet as retrieved."))
        return redirect("privacy:work_order_detail", pk=order.pk)


class WorkOrderSheetView(StaffPermissionMixin, WorkOrderObjectMixin, View):
    """The office prints the work sheet to hand over: a paper provision, recorded through the gate."""

    permission_required = "privacy.print_worksheet"
    http_method_names = ["post"]

    def post(self, request, pk):
        order = self.get_work_order()
        try:
            _provision, pdf = work_sheet_issue(work_order=order, user=request.user, method=Provision.Method.PAPER)
        except ProvisionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("privacy:work_order_detail", pk=order.pk)
        return pdf_response(pdf, f"work-sheet-{order.number}.pdf")
