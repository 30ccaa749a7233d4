"""Fields and pieces the privacy forms share: data-item checkboxes, date inputs, a subscriber typed by number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayInput
from privacy.data_items import DataItem
from subscribers.models import Subscriber
from subscribers.normalize import normalize_text


class ItemsField(forms.MultipleChoiceField):
    """The §1 data items as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", DataItem.choices)
        super().__init__(**kwargs)


DATE = DayInput()  # 和暦 or Western, shown back in the office style (mctv.forms.DayInput)


class SubscriberByNumberMixin:
    """A typed subscriber number, looked up through the registry's visibility selector for ``self.user``."""

    def clean_subscriber_number(self):
        number = normalize_text(self.cleaned_data["subscriber_number"])
        subscriber = Subscriber.objects.visible_to(self.user).filter(number=number).first()
        if subscriber is None:
            raise forms.ValidationError(_("No subscriber has this number."))
        self.cleaned_data["subscriber"] = subscriber
        return number
