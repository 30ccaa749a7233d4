from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField

from .models import Subscriber, SubscriberService
from .services import subscriber_allowed_statuses

SUBSCRIBER_FIELDS = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "occupation",
    "postal_code",
    "prefecture",
    "municipality",
    "street_address",
    "building",
    "phone",
    "mobile_phone",
    "email",
]


class SubscriberForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Contracted services"),
        choices=SubscriberService.Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Subscriber
        fields = [*SUBSCRIBER_FIELDS, "applied_on"]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "applied_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "mobile_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "family_name_kana": _("Katakana or hiragana; stored in katakana."),
            "postal_code": _("e.g. 033-0001"),
            "phone": _("e.g. 0176-51-1349"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["services"].initial = list(
                self.instance.services.filter(ended_on__isnull=True).values_list("service", flat=True)
            )
            # The application date is history once registered.
            del self.fields["applied_on"]
        for field in self.fields.values():
            if field.required:
                field.widget.attrs.setdefault("required", True)


class SubscriberStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on_date = DayField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    # The history row keeps the reason, in 100 characters.
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=100)

    def __init__(self, *args, subscriber: Subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = subscriber_allowed_statuses(subscriber)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(s.value, s.label) for s in Subscriber.Status if s in allowed]
        self.fields["on_date"].initial = timezone.localdate()
