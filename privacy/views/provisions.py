"""The provision log (■25), recording provisions made outside the system, and exceptional approvals."""

from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.responses import csv_stream_response
from mctv.views import StaffPermissionMixin
from privacy.forms.provisions import ExceptionalDecisionForm, ProvisionFilterForm, ProvisionRecordForm
from privacy.models import EXCEPTIONAL_BASES, ExceptionalProvision
from privacy.selectors.provisions import provisions_visible_to
from privacy.services.exceptional import exceptional_provision_decide, exceptional_provision_request
from privacy.services.provision import ProvisionRefused, provision_record
from privacy.services.provision_exports import provision_export_start
from subscribers.models import Subscriber


def _filtered(request):
    form = ProvisionFilterForm(request.GET or None)
    qs = form.filter(provisions_visible_to(request.user).select_related("caused_by", "contractor"))
    return form, qs


class ProvisionListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_provision"
    template_name = "privacy/provision_list.html"
    context_object_name = "provisions"
    sort_keys = {
        "at": ("at",),
        "subscriber_number": ("subscriber_number",),
        "recipient": ("recipient_name",),
        "method": ("method",),
        "basis": ("basis",),
    }
    paginate_by = 50

    def get_queryset(self):
        self.filter_form, qs = _filtered(self.request)
        return self.sorted(qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ProvisionExportView(StaffPermissionMixin, View):
    """CSV of the filtered log; the export of each subscriber's records is itself written to the access log, each
    person before the first row naming them leaves."""

    permission_required = "privacy.export_provision"

    def get(self, request):
        _form, qs = _filtered(request)
        log, lines = provision_export_start(user=request.user, provisions=qs, path=request.get_full_path())
        header = [
            _("when"),
            _("subscriber number"),
            _("recipient"),
            _("items provided"),
            _("method"),
            _("legal basis"),
            _("purpose"),
            _("work order"),
            _("caused by"),
            _("note"),
        ]
        return csv_stream_response(
            f"provisions-{timezone.localtime():%Y%m%d-%H%M}-export{log.export_no}.csv", chain([header], lines)
        )


class ProvisionRecordView(StaffPermissionMixin, FormView):
    """Record a provision made outside the system (paper, transmission, media) through the same gate."""

    permission_required = "privacy.add_provision"
    template_name = "privacy/form.html"
    form_class = ProvisionRecordForm

    def get_subscriber(self) -> Subscriber:
        return get_object_or_404(Subscriber.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscriber": self.get_subscriber()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Record a provision"), subject=self.get_subscriber(), **kwargs)

    def form_valid(self, form):
        subscriber, data = self.get_subscriber(), form.cleaned_data
        try:
            if data["basis"] in EXCEPTIONAL_BASES:
                exceptional_provision_request(
                    subscriber=subscriber,
                    recipient_name=data["recipient_name"],
                    items=data["items"],
                    method=data["method"],
                    basis=data["basis"],
                    purpose=data["purpose"],
                    reason=data["reason"],
                    user=self.request.user,
                )
                messages.success(
                    self.request, _("Sent to an officer for approval. Nothing is provided until approved.")
                )
            else:
                order = data["work_order"]
                provision_record(
                    subscriber=subscriber,
                    items=data["items"],
                    method=data["method"],
                    basis=data["basis"],
                    purpose=data["purpose"],
                    user=self.request.user,
                    work_order=order,
                    recipient_name=data["recipient_name"],
                    consent=data["consent"],
                    note=data["note"],
                )
                messages.success(self.request, _("Recorded the provision."))
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        return redirect("subscribers:detail", pk=subscriber.pk)


class ExceptionalProvisionListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_exceptionalprovision"
    template_name = "privacy/exceptional_list.html"
    context_object_name = "requests"
    sort_keys = {"subscriber": ("subscriber__number",), "basis": ("basis",), "status": ("status",)}
    paginate_by = 50

    def get_queryset(self):
        return self.sorted(
            ExceptionalProvision.objects.select_related("subscriber", "requested_by", "decided_by").order_by(
                "status", "-created_at"
            )
        )


class ExceptionalProvisionDecideView(StaffPermissionMixin, FormView):
    permission_required = "privacy.approve_exceptionalprovision"
    template_name = "privacy/exceptional_decide.html"
    form_class = ExceptionalDecisionForm

    def get_request(self) -> ExceptionalProvision:
        return get_object_or_404(
            ExceptionalProvision.objects.select_related("subscriber", "requested_by"),
            pk=self.kwargs["pk"],
            status=ExceptionalProvision.Status.REQUESTED,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(request_obj=self.get_request(), **kwargs)

    def form_valid(self, form):
        request_obj = self.get_request()
        try:
            exceptional_provision_decide(
                request=request_obj,
                approve=form.cleaned_data["decision"] == "approve",
                user=self.request.user,
                note=form.cleaned_data["decision_note"],
            )
        except ProvisionRefused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the decision."))
        return redirect("privacy:exceptional_list")
