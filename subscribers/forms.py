from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayField

from .models import Subscriber, SubscriberService
from .normalize import POSTAL_CODE
from .postal import address_digest, address_warning
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
ADDRESS_FIELDS = ("postal_code", "prefecture", "municipality", "street_address")


class ConfirmationCheckbox(forms.CheckboxInput):
    """A checkbox that posts what it confirms (``confirms``, set by the form when it warns), so that ticking it
    for one address does not confirm another typed after."""

    confirms = ""

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, self.confirms, attrs)
        # Ticked only if what was ticked is this address.
        context["widget"]["attrs"]["checked"] = bool(value) and value == self.confirms
        return context


class SubscriberForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Contracted services"),
        choices=SubscriberService.Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Shown only with a warning that the address does not match its postal code (or the code is not known).
    confirm_address = forms.CharField(label=_("I confirm the address"), required=False, widget=ConfirmationCheckbox)

    class Meta:
        model = Subscriber
        fields = [*SUBSCRIBER_FIELDS, "applied_on"]
        widgets = {
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
        self.address_warning: str | None = None

    def clean(self):
        cleaned = super().clean()
        address = {name: cleaned.get(name) for name in ADDRESS_FIELDS}
        # Checked when the address is typed or changed, not on every edit of a record with an old mismatch.
        checked = not self.instance.pk or set(ADDRESS_FIELDS) & set(self.changed_data)
        # The 7 digits are the model field's check, run after this one: a malformed code is its error alone.
        if checked and all(address.values()) and POSTAL_CODE.match(address["postal_code"]):
            self.address_warning = address_warning(**address)
        if self.address_warning:
            digest = address_digest(**address)
            widget = self.fields["confirm_address"].widget
            assert isinstance(widget, ConfirmationCheckbox)
            widget.confirms = digest
            if cleaned.get("confirm_address") != digest:
                self.add_error("confirm_address", forms.ValidationError(self.address_warning, code="address"))
        return cleaned

    @property
    def only_the_address_to_confirm(self) -> bool:
        return list(self.errors) == ["confirm_address"]


class SubscriberStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on_date = DayField(label=_("Effective date"))
    # The history row keeps the reason, in 100 characters.
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=100)

    def __init__(self, *args, subscriber: Subscriber, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = subscriber_allowed_statuses(subscriber)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(s.value, s.label) for s in Subscriber.Status if s in allowed]
        self.fields["on_date"].initial = timezone.localdate()
