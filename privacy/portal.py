"""The contractor portal (/portal/): read-only, scoped to live work orders, every view a logged provision.

Declaration §4(3), §6(1)–(2). GET only: any other method answers 405.
"""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from privacy.data_items import scoped_values
from privacy.models import Provision, WorkOrder
from privacy.pdf import render_pdf
from privacy.selectors import work_orders_visible_to
from privacy.services.provision import ProvisionRefused, provision_record

security_log = logging.getLogger("mctv.security")

# Paths a contractor account may reach besides the portal.
CONTRACTOR_ALLOWED_PREFIXES = ("/portal/", "/accounts/logout/", "/static/", "/privacy/")


class ContractorConfinementMiddleware:
    """A contractor account reaches nothing outside the portal: every other path redirects there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_contractor:
            if not request.path.startswith(CONTRACTOR_ALLOWED_PREFIXES):
                if request.path != "/":
                    security_log.warning("contractor %s sent to the portal from %s", user.get_username(), request.path)
                return redirect("portal:home")
        return self.get_response(request)


@method_decorator(never_cache, name="dispatch")
class PortalView(LoginRequiredMixin, View):
    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_contractor:
            security_log.warning("non-contractor %s tried the portal %s", request.user.get_username(), request.path)
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def live_work_order(self, pk) -> WorkOrder:
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

    def provide(self, order: WorkOrder, *, purpose: str) -> Provision:
        try:
            return provision_record(
                subscriber=order.subscriber,
                items=order.items,
                method=Provision.Method.SERVER_ACCESS,
                basis=Provision.Basis.CONTRACTED_WORK,
                purpose=purpose,
                user=self.request.user,
                work_order=order,
            )
        except ProvisionRefused as refusal:
            security_log.warning(
                "portal gate refused work order %s to %s: %s", order.pk, self.request.user.get_username(), refusal.code
            )
            raise Http404 from refusal


class PortalHomeView(PortalView):
    """The contractor's live work orders; no subscriber data on this page (so no provision)."""

    def get(self, request):
        orders = work_orders_visible_to(request.user).select_related("kind").order_by("scheduled_on", "number")
        return render(request, "portal/home.html", {"orders": orders, "contractor": request.user.contractor})


class PortalWorkOrderView(PortalView):
    def get(self, request, pk):
        order = self.live_work_order(pk)
        with transaction.atomic():
            provision = self.provide(order, purpose=f"{order.kind.name}（{order.number}）")
            return render(
                request,
                "portal/work_order.html",
                {"order": order, "values": scoped_values(order.subscriber, order.items), "provision": provision},
            )


class PortalWorkSheetView(PortalView):
    def get(self, request, pk):
        order = self.live_work_order(pk)
        with transaction.atomic():
            provision = self.provide(order, purpose=f"{order.kind.name}（{order.number}）作業票PDF")
            pdf = render_work_sheet(order, provision)
        return pdf_response(pdf, f"work-sheet-{order.number}.pdf")


def render_work_sheet(order: WorkOrder, provision: Provision) -> bytes:
    return render_pdf(
        "pdf/work_sheet.html",
        {
            "order": order,
            "values": scoped_values(order.subscriber, provision.items),
            "provision": provision,
            "issued_at": timezone.localtime(provision.at),
        },
    )


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
