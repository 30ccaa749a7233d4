"""Fields and pieces the privacy forms share: data-item checkboxes, date inputs, a subscriber typed by number."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mctv.forms import DayInput
from privacy.data_items import DataItem
from privacy.layouts import layout_as_lines, layout_from_lines
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


class LayoutField(forms.CharField):
    """A fixed-width layout typed as a line per column ("number 8"), cleaned to [[code, width], ...] and shown back as
    those lines (``privacy.layouts``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return layout_as_lines(value) if isinstance(value, list) else value

    def to_python(self, value):
        return layout_from_lines(super().to_python(value))
