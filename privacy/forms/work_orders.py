"""Work orders: what one contractor may see of one subscriber, and when (§6(1))."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from privacy.models import Contractor, SheetRetrieval, WorkKind, WorkOrder

from .fields import DATE, ItemsField, SubscriberByNumberMixin


class WorkOrderForm(SubscriberByNumberMixin, forms.Form):
    subscriber_number = forms.CharField(label=_("subscriber number"), max_length=20)
    contractor = forms.ModelChoiceField(label=_("contractor"), queryset=Contractor.objects.filter(is_active=True))
    kind = forms.ModelChoiceField(label=_("kind of work"), queryset=WorkKind.objects.filter(is_active=True))
    scheduled_on = DayField(label=_("scheduled on"), widget=DATE)
    access_from = DayField(label=_("portal access from"), widget=DATE)
    access_until = DayField(label=_("portal access until"), widget=DATE)
    items = ItemsField(
        label=_("items disclosed"),
        required=False,
        help_text=_("Leave empty for what the kind of work needs; tick fewer to narrow it."),
    )
    note = forms.CharField(label=_("note for the contractor"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("access_from")
            and cleaned.get("access_until")
            and cleaned["access_until"] < cleaned["access_from"]
        ):
            self.add_error("access_until", _("The access window must end on or after its start."))
        return cleaned


class WorkOrderEditForm(forms.ModelForm):
    items = ItemsField(label=_("items disclosed"))

    class Meta:
        model = WorkOrder
        fields = ["scheduled_on", "access_from", "access_until", "items", "note"]
        widgets = {
            "scheduled_on": DATE,
            "access_from": DATE,
            "access_until": DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class WorkOrderCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(WorkOrder.Status.CLOSED, _("Work completed")), (WorkOrder.Status.CANCELLED, _("Work cancelled"))],
    )
    sheet_disposition = forms.ChoiceField(label=_("paper work sheets"), choices=WorkOrder.SheetDisposition.choices)
    sheet_disposition_on = DayField(label=_("sheets returned or destroyed on"), required=False, widget=DATE)


class SheetRetrievalForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=SheetRetrieval.Outcome.choices)
    on = DayField(label=_("on"), widget=DATE)
    how = forms.CharField(
        label=_("how it was confirmed"),
        max_length=200,
        error_messages={"required": _("Say how the return or destruction was confirmed.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. received at the counter"), "size": 24}),
    )

    def __init__(self, *args, **kwargs):
        # One small form per printed sheet on the page: no ids to repeat, labels carried by the inputs.
        super().__init__(*args, auto_id=False, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)
