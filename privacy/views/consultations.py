"""Consultations (相談): a call or a visit without a written request, recorded and later taken up as one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView

from mctv.forms import add_service_error
from mctv.lists import StaffListMixin
from mctv.views import StaffPermissionMixin
from privacy.forms.requests import ConsultationForm
from privacy.models import AccessLog
from privacy.selectors.requests import consultations_visible_to
from privacy.services import requests as service
from privacy.services.access_log import access_log_record


class ConsultationListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_consultation"
    template_name = "privacy/consultation_list.html"
    context_object_name = "consultations"
    sort_keys = {"received_on": ("received_on",), "channel": ("channel",)}
    paginate_by = 50

    def get_queryset(self):
        return self.sorted(
            consultations_visible_to(self.request.user).select_related("subscriber", "request", "handled_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page names callers and subscribers: each subscriber it shows is logged as listed.
        access_log_record(
            user=self.request.user,
            subscribers=[c.subscriber for c in context["consultations"] if c.subscriber is not None],
            action=AccessLog.Action.LISTED,
            path=self.request.path,
            detail={"list": "consultations"},
        )
        return context


@method_decorator(sensitive_post_parameters("name", "contact", "summary", "answer"), name="dispatch")
class ConsultationCreateView(StaffPermissionMixin, FormView):
    permission_required = "privacy.add_consultation"
    template_name = "privacy/form.html"
    form_class = ConsultationForm
    extra_context = {"title": gettext_lazy("Record a consultation")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            service.consultation_record(user=self.request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded the consultation."))
        return redirect("privacy:consultation_list")
