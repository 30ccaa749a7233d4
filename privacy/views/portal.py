"""The contractor portal (/portal/): read-only, scoped to live work orders, every view a logged provision.

Declaration §4(3), §6(1)–(2). GET only: any other method answers 405 — but for the one write besides the
provision log, a contractor's statement that it destroyed a bulk hand-over (■19(2)④), which staff then check off.
"""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mctv.responses import pdf_response
from privacy.data_items import scoped_values
from privacy.forms.handovers import HandoverStatementForm
from privacy.models import BulkHandover, Provision, User, WorkOrder
from privacy.selectors.handovers import handovers_of_contractor
from privacy.selectors.work_orders import work_orders_visible_to
from privacy.services.handovers import handover_state_destroyed
from privacy.services.provision import ProvisionRefused, provision_record
from privacy.services.work_orders import work_sheet_issue

security_log = logging.getLogger("mctv.security")


@method_decorator(never_cache, name="dispatch")
class PortalView(LoginRequiredMixin, View):
    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_contractor:
            security_log.warning("non-contractor %s tried the portal %s", request.user.get_username(), request.path)
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def live_work_order(self, pk: int) -> WorkOrder:
        """The contractor's own live work order, or 404 (logged): other companies', closed, expired, stopped."""
        order = (
            work_orders_visible_to(self.request.user)
            .select_related("subscriber", "contractor", "kind")
            .filter(pk=pk)
            .first()
        )
        if order is None:
            security_log.warning(
                "portal refused work order %s to %s (%s)", pk, self.request.user.get_username(), self.request.path
            )
            raise Http404
        return order

    def refused(self, order: WorkOrder, refusal: ProvisionRefused) -> Http404:
        security_log.warning(
            "portal gate refused work order %s to %s: %s", order.pk, self.request.user.get_username(), refusal.code
        )
        return Http404()


class PortalHomeView(PortalView):
    """The contractor's live work orders; no subscriber data on this page (so no provision)."""

    def get(self, request):
        orders = work_orders_visible_to(request.user).select_related("kind").order_by("scheduled_on", "number")
        handovers = handovers_of_contractor(request.user.contractor_id).defer("content", "subscribers")
        return render(
            request,
            "portal/home.html",
            {"orders": orders, "handovers": handovers, "contractor": request.user.contractor},
        )


class PortalWorkOrderView(PortalView):
    def get(self, request, pk):
        order = self.live_work_order(pk)
        with transaction.atomic():
            try:
                provision = provision_record(
                    subscriber=order.subscriber,
                    items=order.items,
                    method=Provision.Method.SERVER_ACCESS,
                    basis=Provision.Basis.CONTRACTED_WORK,
                    purpose=f"{order.kind.name}（{order.number}）",
                    user=request.user,
                    work_order=order,
                )
            except ProvisionRefused as refusal:
                raise self.refused(order, refusal) from refusal
            return render(
                request,
                "portal/work_order.html",
                {"order": order, "values": scoped_values(order.subscriber, order.items), "provision": provision},
            )


class PortalWorkSheetView(PortalView):
    def get(self, request, pk):
        order = self.live_work_order(pk)
        try:
            _provision, pdf = work_sheet_issue(
                work_order=order, user=request.user, method=Provision.Method.SERVER_ACCESS
            )
        except ProvisionRefused as refusal:
            raise self.refused(order, refusal) from refusal
        return pdf_response(pdf, f"work-sheet-{order.number}.pdf")


class PortalHandoverView(PortalView):
    """One of the contractor's own hand-overs still out with it (no subscriber data: items, count, dates), and its
    statement of destruction — recorded as the contractor's word, for staff to confirm."""

    http_method_names = ["get", "head", "post"]

    def handover(self, pk: int) -> BulkHandover:
        user = self.request.user
        assert isinstance(user, User)  # a signed-in contractor: PortalView's dispatch
        found = handovers_of_contractor(user.contractor_id or 0).defer("content", "subscribers").filter(pk=pk).first()
        if found is None:
            security_log.warning("portal refused hand-over %s to %s", pk, self.request.user.get_username())
            raise Http404
        return found

    def get(self, request, pk, form=None):
        handover = self.handover(pk)
        return render(
            request,
            "portal/handover.html",
            {"handover": handover, "form": form or HandoverStatementForm(), "stated": handover.stated_at is not None},
        )

    def post(self, request, pk):
        handover = self.handover(pk)
        form = HandoverStatementForm(request.POST)
        if form.is_valid():
            try:
                handover_state_destroyed(handover=handover, user=request.user, statement=form.cleaned_data["statement"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your statement was recorded. The office will confirm it."))
                return redirect("portal:home")
        return self.get(request, pk, form=form)
