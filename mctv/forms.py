"""Form plumbing shared by the apps."""

from datetime import date, datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime, BaseAdminDateWidget
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from mctv import dates
from mctv.validators import validate_plausible_day

# Where a label is followed by a colon (``label_tag``: filter rows, the admin), Django adds gettext(":"); the
# office writes the full-width colon (状態：). The entries are in the project's catalogue, read before Django's.
# The second is what a label may already end in for Django to add none (担当者は？ stays so).
LABEL_SUFFIX = gettext_noop(":")
LABEL_ENDINGS = gettext_noop(":?.!")

# Django's empty choice (BLANK_CHOICE_DASH, ModelChoiceField.empty_label) says nothing to the person choosing.
DJANGO_EMPTY_LABEL = "---------"


class FormRenderer(TemplatesSetting):
    """Every field group is one block: label (required ones marked), widget, help, errors.

    Every select (and radio list) of every form is drawn here, so here its empty choice gets words instead of
    Django's dashes: a required field asks to choose, an optional one offers "none" (``FilterFormRenderer``:
    a filter's empty choice means all)."""

    field_template_name = "includes/form_field.html"

    def empty_label(self, required: bool) -> str:
        return pgettext("empty choice", "Please choose") if required else pgettext("empty choice", "None")

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and "optgroups" in widget:
            label = self.empty_label(bool(widget.get("required")))
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option.get("value") in ("", None) and str(option.get("label")) == DJANGO_EMPTY_LABEL:
                        option["label"] = label
        return super().render(template_name, context, request)


class FilterFormRenderer(FormRenderer):
    """For the forms that narrow a list: nothing chosen means every row."""

    def empty_label(self, required: bool) -> str:
        return _("All")


class LongSelect(forms.Select):
    """A select of many options (a filter listing every contractor: 500 at issue 20's large scale) written in one
    pass from its choices. Django draws each option through a template of its own, about 0.06 ms an option, which
    made the provision log's filter form a third of the page at that scale. The HTML is the template's, and the
    empty choice is in words as the form's renderer says (``FormRenderer.empty_label``). Flat choices only."""

    renderer_class = FormRenderer

    def render(self, name, value, attrs=None, renderer=None):
        empty_label = getattr(renderer or self.renderer_class(), "empty_label", None)
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                return super().render(name, value, attrs, renderer)  # option groups: Django's own drawing
            shown = "" if option_value is None else str(option_value)
            blank = empty_label and shown == "" and str(label) == DJANGO_EMPTY_LABEL
            words = empty_label(self.is_required) if blank else None
            selected = shown in chosen
            chosen.discard(shown)  # as Django's: only the first option of a value is selected
            options.append((shown, mark_safe(" selected") if selected else "", words or label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )


class FilterForm(forms.Form):
    """A form that narrows a list (GET): its empty choices read "all"."""

    default_renderer = FilterFormRenderer


class DayInput(forms.DateInput):
    """A text box for a day, not ``type=date``: the browser's locale would impose mm/dd/yyyy. It shows a day in
    the office's compact style (R8.12.17) and, under the box, the day it reads with the weekday, so that what
    was typed (S33.4.1, 2026/12/17) is seen back as 令和8年12月17日（木）."""

    input_type = "text"
    template_name = "includes/day_input.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "placeholder": "R8.12.17", "size": 14, **(attrs or {})})

    def format_value(self, value):
        return dates.compact(value) if isinstance(value, date) else value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            day = value if isinstance(value, date) else dates.parse_day(value) if value else None
        except ValueError:
            day = None
        context["widget"]["hint"] = dates.with_weekday(day) if day else ""
        return context


class OfficeDayFormat:
    """A widget showing a day as the office writes it (R8.12.17)."""

    def format_value(self, value):
        return dates.compact(value) if isinstance(value, date) else super().format_value(value)


class AdminDayInput(OfficeDayFormat, AdminDateWidget):
    """The admin's date box with its calendar, the day in the office's style."""


class _AdminSplitDayInput(OfficeDayFormat, BaseAdminDateWidget):
    """The day half of the admin's day-and-time boxes (no wrapper of its own: the split widget draws both)."""


class DayField(forms.DateField):
    """A typed day, 和暦 or Western (``mctv.dates.parse_day``), refused when no day or outside the plausible
    range (``mctv.validators``) with a message in Japanese; what was typed stays in the box."""

    widget = DayInput
    default_validators = [validate_plausible_day]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return dates.parse_day(str(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class DayTimeInput(forms.DateTimeInput):
    """A text box for a moment (R8.12.17 14:05), not ``datetime-local``, which follows the browser's locale."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "placeholder": "R8.12.17 14:05", "size": 18, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime):  # seconds only when there are some: an untouched box saves no change
            return dates.compact_time(value, seconds=bool(value.second))
        return value


class DayTimeField(forms.DateTimeField):
    """A typed moment in local time (``mctv.dates.parse_moment``), refused in Japanese when it names none."""

    widget = DayTimeInput
    default_validators = [validate_plausible_day]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        try:
            moment = dates.parse_moment(str(value))
        except ValueError as error:
            # A moment with its offset (2026-12-17T05:05:00+00:00) is what a program, not a person, sends.
            if (stamped := parse_datetime(str(value).strip())) is not None and timezone.is_aware(stamped):
                return stamped
            raise ValidationError(str(error), code="invalid") from None
        return timezone.make_aware(moment)


class AdminSplitDayTimeInput(AdminSplitDateTime):
    """The admin's day-and-time boxes, the day written and read as the office writes it (R8.12.17)."""

    # The admin's template labels the two boxes with these; the project's catalogue gives them 「：」 too.
    BOX_LABELS = (gettext_noop("Date:"), gettext_noop("Time:"))

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0] = _AdminSplitDayInput(attrs)


class AdminSplitDayTimeField(forms.SplitDateTimeField):
    """The admin's day-and-time field, its day read in 和暦 or Western form like every other."""

    widget = AdminSplitDayTimeInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        day = DayField(required=False, error_messages={"incomplete": self.error_messages["incomplete"]})
        self.fields = (day, *self.fields[1:])


class MonthInput(forms.TextInput):
    """A text box for a month (R8.4), not ``type=month``."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "placeholder": "R8.4", "size": 10, **(attrs or {})})

    def format_value(self, value):
        return dates.compact_month(value) if isinstance(value, date) else value


class MonthField(forms.Field):
    """A typed month, 和暦 or Western (``mctv.dates.parse_month``): the first day of it."""

    widget = MonthInput

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        try:
            return dates.parse_month(str(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
