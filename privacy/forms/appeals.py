"""Appeals (審査請求): receipt and the steps of the appeal page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField
from privacy.models import Appeal, SubjectRequest
from privacy.selectors.requests import requests_visible_to
from subscribers.normalize import normalize_text

from .fields import DATE


class AppealReceiveForm(forms.Form):
    request_number = forms.CharField(label=_("request whose decision is appealed"), max_length=12)
    received_on = DayField(label=_("received on"), widget=DATE)
    sent_on = DayField(
        label=_("posted on"), widget=DATE, required=False, help_text=_("For an appeal by post: the postmark.")
    )
    learned_on = DayField(
        label=_("learned of the decision on"), widget=DATE, help_text=_("Usually the day the decision letter arrived.")
    )
    grounds = forms.CharField(label=_("what the appeal asks and why"), widget=forms.Textarea(attrs={"rows": 3}))
    appellant_name = forms.CharField(
        label=_("appellant"), max_length=100, required=False, help_text=_("Empty: the requester.")
    )
    appellant_postal_code = SubjectRequest._meta.get_field("agent_postal_code").formfield(
        label=_("appellant's postal code"), required=False
    )
    appellant_address = forms.CharField(label=_("appellant's address"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_request_number(self):
        number = normalize_text(self.cleaned_data["request_number"]).upper()
        found = requests_visible_to(self.user).filter(number=number).first()
        if found is None:
            raise forms.ValidationError(_("No request has this number."))
        self.cleaned_data["request"] = found
        return number

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("request_number")
        return data


class ConsultForm(forms.Form):
    on = DayField(label=_("board consulted on"), widget=DATE)
    notified_on = DayField(label=_("appellant told of the consultation on"), widget=DATE, required=False)


class NoticeForm(forms.Form):
    on = DayField(label=_("appellant told of the consultation on"), widget=DATE)


class ReportForm(forms.Form):
    on = DayField(label=_("board's report on"), widget=DATE)
    summary = forms.CharField(label=_("the board's conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class RuleForm(forms.Form):
    ruling = forms.ChoiceField(label=_("ruling"), choices=Appeal.Ruling.choices, widget=forms.RadioSelect)
    on = DayField(label=_("ruled on"), widget=DATE)
    reasons = forms.CharField(label=_("reasons for the ruling"), widget=forms.Textarea(attrs={"rows": 3}))
    departs_from_report = forms.CharField(
        label=_("why the ruling departs from the board's report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the ruling does not follow the board's report."),
    )


class WithdrawForm(forms.Form):
    on = DayField(label=_("withdrawn on"), widget=DATE)
