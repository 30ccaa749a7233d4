"""Bulk uses by purpose and consents to unstated purposes (§2(2)–(3))."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField, FilterForm
from privacy.label_sheets import DEFAULT_SHEET, SHEETS, sheet_choices
from privacy.models import Consent, PolicyVersion, Purpose
from subscribers.models import Subscriber
from subscribers.normalize import normalize_text

from .fields import DATE

# Bulk uses reach current subscribers unless the purpose says otherwise: "all but terminated" is the default.
# A voided registration is never reached (subscribers_usable_for), so it is not offered.
LIVE_STATUSES = [
    (value, label)
    for value, label in Subscriber.Status.choices
    if value not in (Subscriber.Status.TERMINATED, Subscriber.Status.VOIDED)
]


class BulkUseFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            ("", _("All but terminated")),
            *LIVE_STATUSES,
        ],
    )
    district = forms.CharField(label=_("district (町名)"), required=False, max_length=50)

    def clean_district(self):
        return normalize_text(self.cleaned_data["district"])

    def filter(self, subscribers: QuerySet[Subscriber]) -> tuple[QuerySet[Subscriber], dict]:
        """The chosen subscribers of a valid form, and the filters as the bulk-use log records them."""
        filters = {}
        if self.cleaned_data.get("status"):
            subscribers = subscribers.filter(status=self.cleaned_data["status"])
            filters["status"] = self.cleaned_data["status"]
        if self.cleaned_data.get("district"):
            subscribers = subscribers.filter(street_address__startswith=self.cleaned_data["district"])
            filters["district"] = self.cleaned_data["district"]
        return subscribers, filters


class LabelPrintForm(BulkUseFilterForm):
    """Which subscribers, on which label stock, from which label of a partly used first sheet."""

    sheet = forms.ChoiceField(label=_("label sheet"), choices=sheet_choices(), required=False)
    start = forms.IntegerField(
        label=_("first label position"),
        min_value=1,
        required=False,
        help_text=_("On a partly used sheet: the first free label, counted left to right, top to bottom."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].initial = DEFAULT_SHEET
        self.fields["start"].initial = 1

    def clean(self):
        data = super().clean()
        data["sheet"] = SHEETS[data.get("sheet") or DEFAULT_SHEET]
        data["start"] = data.get("start") or 1
        if data["start"] > data["sheet"].per_sheet:
            self.add_error("start", _("A sheet of this stock has %(n)d labels.") % {"n": data["sheet"].per_sheet})
        return data


class ConsentForm(forms.Form):
    purpose = forms.ModelChoiceField(
        label=_("purpose"),
        queryset=Purpose.objects.filter(stated_in_declaration=False),
        help_text=_("Only purposes the declaration does not state need consent."),
    )
    user_told = forms.CharField(label=_("who uses the data (as told)"), max_length=200)
    use_told = forms.CharField(label=_("for what (as told)"), widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("how consent was given"), choices=Consent.Method.choices)
    given_on = DayField(label=_("given on"), widget=DATE)
    policy_version = forms.ModelChoiceField(label=_("declaration version shown"), queryset=PolicyVersion.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["given_on"].initial = today
        self.fields["policy_version"].queryset = PolicyVersion.objects.filter(effective_on__lte=today)
        self.fields["policy_version"].initial = PolicyVersion.objects.current(today)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = DayField(label=_("withdrawn on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()
