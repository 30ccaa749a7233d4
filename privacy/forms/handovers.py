"""Bulk hand-overs: what the officer asks for, the office's confirmation of return or destruction, and the
contractor's statement of destruction in the portal."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from privacy.data_items import DataItem
from privacy.models import BulkHandover, ConfidentialityAgreement, FileLayout, Provision, Purpose

from .fields import DATE, ItemsField, LayoutField

HANDOVER_METHOD_CHOICES = [(m.value, m.label) for m in (Provision.Method.TRANSMISSION, Provision.Method.MEDIA)]


class HandoverForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("confidentiality agreement"),
        queryset=ConfidentialityAgreement.objects.none(),
        help_text=_("Agreements in force for work other than construction (construction goes by work orders)."),
    )
    purpose = forms.ModelChoiceField(label=_("purpose"), queryset=Purpose.objects.none())
    items = ItemsField(
        label=_("items handed over"),
        required=False,
        help_text=_("For a CSV file. A fixed-width file carries the items of its layout."),
    )
    method = forms.ChoiceField(label=_("method"), choices=HANDOVER_METHOD_CHOICES)
    file_format = forms.ChoiceField(label=_("file format"), choices=BulkHandover.Format.choices)
    saved_layout = forms.ModelChoiceField(
        label=_("saved layout of the recipient"),
        queryset=FileLayout.objects.none(),
        required=False,
        empty_label=_("(none: type the layout below)"),
        help_text=_("For a fixed-width file: a layout the recipient named, kept in the administration."),
    )
    layout = LayoutField(
        label=_("fixed-width layout"),
        required=False,
        help_text=_(
            "One column a line, as the recipient names it: the item's code and its width in bytes, e.g. "
            "“number 8”. Codes: %(codes)s."
        )
        % {"codes": ", ".join(DataItem.values)},
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        agreement = self.fields["agreement"]
        assert isinstance(agreement, forms.ModelChoiceField)
        agreement.queryset = (
            ConfidentialityAgreement.objects.in_force(today)
            .exclude(kind=ConfidentialityAgreement.Kind.CONSTRUCTION)
            .filter(contractor__is_active=True)
            .select_related("contractor")
        )
        agreement.label_from_instance = lambda a: f"{a.contractor.name} {a.reference}（{a.get_kind_display()}）"
        purpose = self.fields["purpose"]
        assert isinstance(purpose, forms.ModelChoiceField)
        purpose.queryset = Purpose.objects.in_force(today)
        saved = self.fields["saved_layout"]
        assert isinstance(saved, forms.ModelChoiceField)
        saved.queryset = FileLayout.objects.filter(contractor__is_active=True).select_related("contractor")
        saved.label_from_instance = lambda layout: f"{layout.contractor.name}：{layout.name}"

    def clean(self):
        cleaned = super().clean()
        fixed = cleaned.get("file_format") == BulkHandover.Format.FIXED
        saved, agreement = cleaned.get("saved_layout"), cleaned.get("agreement")
        cleaned["layout_name"] = ""
        if saved is not None:
            if cleaned.get("layout"):
                self.add_error("layout", _("Choose a saved layout or type one, not both."))
                return cleaned
            if agreement is not None and saved.contractor_id != agreement.contractor_id:
                self.add_error("saved_layout", _("This layout is another recipient's."))
                return cleaned
            cleaned["layout"], cleaned["layout_name"] = saved.columns, saved.name
        if fixed and not cleaned.get("layout") and "layout" not in self.errors:
            self.add_error("layout", _("A fixed-width file needs its layout."))
        if fixed and cleaned.get("items"):
            self.add_error("items", _("A fixed-width file carries the items of its layout: leave these unticked."))
        if not fixed and cleaned.get("layout"):
            self.add_error("saved_layout" if saved else "layout", _("A layout is for a fixed-width file only."))
        if not fixed and not cleaned.get("items"):
            self.add_error("items", _("Choose at least one data item."))
        return cleaned


class HandoverConfirmForm(forms.Form):
    """The office's record that the contractor returned or destroyed a hand-over."""

    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[(s.value, s.label) for s in (BulkHandover.Status.RETURNED, BulkHandover.Status.DESTROYED)],
    )
    on = DayField(label=_("returned or destroyed on"), widget=DATE)
    how = forms.CharField(
        label=_("how it was confirmed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. media received back and wiped; a certificate of destruction seen."),
    )


class HandoverStatementForm(forms.Form):
    """The contractor's statement, in the portal, that it destroyed what it was handed."""

    statement = forms.CharField(
        label=_("statement of destruction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How and when the data (file, media, copies) was destroyed."),
    )
