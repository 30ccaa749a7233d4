"""The complaints register (§12, ■36): intake, the actions of the complaint page, the list's filter."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField, FilterForm
from privacy.models import Complaint, ComplaintCategory
from privacy.selectors.complaints import complaint_handlers
from subscribers.models import Subscriber
from subscribers.normalize import normalize_text

from .fields import DATE


class HandlerField(forms.ModelChoiceField):
    """A person who may handle complaints (``complaint_handlers``), shown by name."""

    def __init__(self, **kwargs):
        super().__init__(queryset=complaint_handlers(), **kwargs)


class ComplaintReceiveForm(forms.Form):
    received_on = DayField(label=_("received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("channel"), choices=Complaint.Channel.choices)
    complainant_name = forms.CharField(label=_("complainant"), max_length=100)
    contact = forms.CharField(
        label=_("contact"), max_length=200, required=False, help_text=_("Where the reply goes: address, phone …")
    )
    subscriber_number = forms.CharField(
        label=_("subscriber number"),
        max_length=20,
        required=False,
        help_text=_("Empty when the complainant is not a subscriber."),
    )
    category = forms.ModelChoiceField(label=_("about"), queryset=ComplaintCategory.objects.filter(active=True))
    summary = forms.CharField(label=_("the complaint"), widget=forms.Textarea(attrs={"rows": 4}))
    handler = HandlerField(
        label=_("handled by"), required=False, help_text=_("Left empty, the person recording it handles it.")
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_subscriber_number(self):
        number = normalize_text(self.cleaned_data["subscriber_number"])
        self.cleaned_data["subscriber"] = None
        if number:
            subscriber = Subscriber.objects.visible_to(self.user).filter(number=number).first()
            if subscriber is None:
                raise forms.ValidationError(_("No subscriber has this number."))
            self.cleaned_data["subscriber"] = subscriber
        return number


class ComplaintReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the office answered, and what it did about the complaint."),
    )
    replied_on = DayField(label=_("replied on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_on"].initial = timezone.localdate()


class ComplaintCloseForm(forms.Form):
    closed_on = DayField(label=_("closed on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class ComplaintAssignForm(forms.Form):
    handler = HandlerField(label=_("handled by"))


class ComplaintFilterForm(FilterForm):
    OPEN, ALL, OVERDUE = "open", "all", "overdue"

    state = forms.ChoiceField(
        label=_("show"),
        required=False,
        choices=[
            (OPEN, _("Complaints being handled")),
            (OVERDUE, _("Complaints past their reply date")),
            (ALL, _("All complaints")),
        ],
    )

    def filter(self, qs, *, today):
        state = self.cleaned_data.get("state") if self.is_valid() else ""
        if state == self.ALL:
            return qs
        if state == self.OVERDUE:
            return qs.overdue(today)
        return qs.open()
