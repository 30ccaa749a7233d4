"""Contractors and their confidentiality agreements (§4(3), ■19)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import ConfidentialityAgreement, Contractor

from .fields import ItemsField


class ContractorForm(forms.ModelForm):
    class Meta:
        model = Contractor
        fields = ["name", "address", "representative", "contact_person", "phone", "email", "is_active"]


class AgreementForm(forms.ModelForm):
    items = ItemsField(label=_("data items it may receive"))

    class Meta:
        model = ConfidentialityAgreement
        fields = [
            "reference",
            "signed_on",
            "expires_on",
            "terminated_on",
            "items",
            "redelegation_allowed",
            "clause_safety_measures",
            "clause_no_use_beyond_contract",
            "clause_return_or_destroy",
            "note",
        ]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "terminated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
