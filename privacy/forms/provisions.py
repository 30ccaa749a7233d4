"""The provision log's filters, provisions recorded by hand, and officers' decisions on exceptions (§3, ■25)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mctv import dates
from mctv.db import local_day_range
from mctv.forms import DayField, FilterForm, LongSelect
from privacy.models import EXCEPTIONAL_BASES, Consent, Contractor, WorkOrder
from privacy.models.disclosures import Basis, Method
from subscribers.normalize import normalize_text

from .fields import DATE, ItemsField


class ProvisionFilterForm(FilterForm):
    subscriber_number = forms.CharField(label=_("subscriber number"), required=False, max_length=20)
    # Every contractor, one option each: a select written in one pass (LongSelect), of names only.
    contractor = forms.ModelChoiceField(
        label=_("contractor"), queryset=Contractor.objects.only("name"), required=False, widget=LongSelect
    )
    recipient = forms.CharField(label=_("recipient"), required=False, max_length=100)
    method = forms.ChoiceField(label=_("method"), choices=[("", "---------"), *Method.choices], required=False)
    basis = forms.ChoiceField(label=_("legal basis"), choices=[("", "---------"), *Basis.choices], required=False)
    date_from = DayField(label=_("from"), required=False, widget=DATE)
    date_to = DayField(label=_("until"), required=False, widget=DATE)

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["subscriber_number"]:
            qs = qs.filter(subscriber_number=normalize_text(data["subscriber_number"]))
        if data["contractor"]:
            qs = qs.filter(contractor=data["contractor"])
        if data["recipient"]:
            qs = qs.filter(recipient_name__icontains=normalize_text(data["recipient"]))
        if data["method"]:
            qs = qs.filter(method=data["method"])
        if data["basis"]:
            qs = qs.filter(basis=data["basis"])
        return qs.filter(**local_day_range("at", data["date_from"], data["date_to"]))


# Provision made outside the system: not server access, which only the portal does.
OFFLINE_METHODS = [(m.value, m.label) for m in Method if m != Method.SERVER_ACCESS]


class ProvisionRecordForm(forms.Form):
    work_order = forms.ModelChoiceField(
        label=_("work order"),
        queryset=WorkOrder.objects.none(),
        required=False,
        help_text=_("For basis (2): the contractor's open work order for this subscriber."),
    )
    consent = forms.ModelChoiceField(
        label=_("consent relied on"),
        queryset=Consent.objects.none(),
        required=False,
        help_text=_("For basis (1): the subscriber's consent in force; the recipient is whom they were told."),
    )
    recipient_name = forms.CharField(
        label=_("recipient"), max_length=200, required=False, help_text=_("For the other bases: who receives the data.")
    )
    items = ItemsField(label=_("items provided"))
    method = forms.ChoiceField(label=_("method"), choices=OFFLINE_METHODS)
    # Delegated work (§2(1)) is recorded by its bulk hand-over, never typed in.
    basis = forms.ChoiceField(label=_("legal basis"), choices=[c for c in Basis.choices if c[0] != Basis.DELEGATED])
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For bases (3)–(6): why consent cannot be asked, and the legal ground. An officer approves."),
    )

    def __init__(self, *args, subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_order"].queryset = (
            WorkOrder.objects.open().filter(subscriber=subscriber).select_related("contractor", "kind")
        )
        consent = self.fields["consent"]
        assert isinstance(consent, forms.ModelChoiceField)
        consent.queryset = Consent.objects.in_force().filter(subscriber=subscriber).select_related("purpose")
        consent.label_from_instance = lambda c: f"{c.purpose.title} — {c.user_told}（{dates.compact(c.given_on)}）"

    def clean(self):
        cleaned = super().clean()
        basis = cleaned.get("basis")
        if basis == Basis.CONTRACTED_WORK and not cleaned.get("work_order"):
            self.add_error("work_order", _("Choose the work order."))
        if basis == Basis.CONSENT:
            if not cleaned.get("consent"):
                self.add_error("consent", _("Choose the consent the provision relies on."))
            elif not cleaned.get("recipient_name", "").strip():
                cleaned["recipient_name"] = cleaned["consent"].user_told  # whom the subscriber was told
        if basis and basis != Basis.CONTRACTED_WORK and not cleaned.get("recipient_name", "").strip():
            self.add_error("recipient_name", _("Name the recipient."))
        if basis in EXCEPTIONAL_BASES and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Bases (3)–(6) need a written reason."))
        if basis:
            self._refuse_what_the_basis_drops(basis, cleaned)
        return cleaned

    def _refuse_what_the_basis_drops(self, basis: str, cleaned: dict) -> None:
        """What the chosen basis does not record is refused with the reason, never dropped unsaid."""
        exceptional = basis in EXCEPTIONAL_BASES
        if cleaned.get("work_order") and basis != Basis.CONTRACTED_WORK:
            self.add_error("work_order", _("A work order is recorded only with basis (2)."))
        if cleaned.get("consent") and basis != Basis.CONSENT:
            self.add_error("consent", _("A consent is recorded only with basis (1)."))
        if basis == Basis.CONTRACTED_WORK and (self.data.get(self.add_prefix("recipient_name")) or "").strip():
            self.add_error(
                "recipient_name", _("With basis (2) the recipient is the work order's contractor: leave this empty.")
            )
        if cleaned.get("reason", "").strip() and not exceptional:
            self.add_error("reason", _("A reason is recorded only for bases (3)–(6): write it in the note."))
        if cleaned.get("note", "").strip() and exceptional:
            self.add_error("note", _("For bases (3)–(6) write everything in the reason."))


class ExceptionalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and provide")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(label=_("decision note"), widget=forms.Textarea(attrs={"rows": 3}))
