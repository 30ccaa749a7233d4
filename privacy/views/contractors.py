"""Contractors and their confidentiality agreements (§4(3), ■19): staff pages."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django.views.generic.edit import ModelFormMixin

from mctv.edit_versions import VersionedEditMixin
from mctv.lists import StaffListMixin
from mctv.views import StaffPermissionMixin
from privacy.forms.contractors import AgreementForm, ContractorForm
from privacy.models import ConfidentialityAgreement, Contractor
from privacy.selectors.work_orders import work_orders_visible_to


class ContractorListView(StaffPermissionMixin, StaffListMixin, ListView):
    permission_required = "privacy.view_contractor"
    template_name = "privacy/contractor_list.html"
    context_object_name = "contractors"
    sort_keys = {"name": ("name",), "agreement_until": ("agreement_in_force_until",), "active": ("is_active",)}

    def get_queryset(self):
        return self.sorted(Contractor.objects.with_agreement_in_force_until())


class ContractorDetailView(StaffPermissionMixin, DetailView):
    permission_required = "privacy.view_contractor"
    template_name = "privacy/contractor_detail.html"
    context_object_name = "contractor"
    model = Contractor

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreements"] = self.object.agreements.all()
        context["redelegation_permitted"] = self.object.redelegation_permitted()
        context["work_orders"] = (
            work_orders_visible_to(self.request.user)
            .filter(contractor=self.object)
            .select_related("subscriber", "kind")[:50]
        )
        return context


class ContractorSaveMixin(StaffPermissionMixin, ModelFormMixin):
    model = Contractor
    form_class = ContractorForm
    template_name: str | None = "privacy/form.html"

    def get_success_url(self):
        messages.success(self.request, _("Saved the contractor."))
        return reverse("privacy:contractor_detail", args=[self.object.pk])


class ContractorCreateView(ContractorSaveMixin, CreateView):
    permission_required = "privacy.add_contractor"
    extra_context = {"title": _("Register a contractor")}


class ContractorUpdateView(ContractorSaveMixin, VersionedEditMixin, UpdateView):
    permission_required = "privacy.change_contractor"
    extra_context = {"title": _("Edit contractor")}

    def get_edited_record(self):
        return self.object


class AgreementSaveMixin(StaffPermissionMixin, ModelFormMixin):
    model = ConfidentialityAgreement
    form_class = AgreementForm
    template_name: str | None = "privacy/form.html"

    def get_success_url(self):
        messages.success(self.request, _("Saved the confidentiality agreement."))
        return reverse("privacy:contractor_detail", args=[self.object.contractor_id])


class AgreementCreateView(AgreementSaveMixin, CreateView):
    permission_required = "privacy.add_confidentialityagreement"

    def get_contractor(self):
        return get_object_or_404(Contractor, pk=self.kwargs["contractor_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ConfidentialityAgreement(contractor=self.get_contractor())
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Record a confidentiality agreement"), subject=self.get_contractor(), **kwargs
        )


class AgreementUpdateView(AgreementSaveMixin, VersionedEditMixin, UpdateView):
    permission_required = "privacy.change_confidentialityagreement"

    def get_edited_record(self):
        return self.object

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit the confidentiality agreement"), subject=self.object.contractor, **kwargs
        )
