"""Contractors and their confidentiality agreements (§4(3), ■19)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import ConfidentialityAgreement, Contractor

from .fields import ItemsField


class SubcontractorFieldMixin:
    """A contractor is a re-delegate only of a principal whose agreement in force allows re-delegation (■19(2)⑤)."""

    def clean_subcontractor_of(self):
        principal = self.cleaned_data.get("subcontractor_of")
        if principal is None or principal.pk == self.instance.subcontractor_of_id:
            return principal  # unchanged: the gate, not the form, stops provision once re-delegation ends
        if (
            principal.pk == self.instance.pk
            or principal.subcontractor_of_id is not None
            or (self.instance.pk and self.instance.subcontractors.exists())
        ):
            # One level only: a re-delegate's own re-delegates would escape its principal's agreement.
            raise forms.ValidationError(_("A sub-contractor works for a contractor that is not itself one."))
        if not principal.allows_redelegation(timezone.localdate()):
            raise forms.ValidationError(_("That contractor's agreement in force does not allow re-delegation."))
        return principal


class ContractorForm(SubcontractorFieldMixin, forms.ModelForm):
    class Meta:
        model = Contractor
        fields = [
            "name",
            "address",
            "representative",
            "contact_person",
            "phone",
            "email",
            "is_active",
            "subcontractor_of",
        ]


class AgreementForm(forms.ModelForm):
    items = ItemsField(label=_("data items it may receive"))

    class Meta:
        model = ConfidentialityAgreement
        fields = [
            "reference",
            "signed_on",
            "expires_on",
            "terminated_on",
            "kind",
            "items",
            "return_within_days",
            "redelegation_allowed",
            "clause_safety_measures",
            "clause_no_use_beyond_contract",
            "clause_return_or_destroy",
            "clause_responsibility_allocation",
            "clause_subcontractor_supervision",
            "note",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
        }
