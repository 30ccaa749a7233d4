"""Form plumbing shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mctv.validators import validate_plausible_day

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


class FilterForm(forms.Form):
    """A form that narrows a list (GET): its empty choices read "all"."""

    default_renderer = FilterFormRenderer


class DayField(forms.DateField):
    """A typed date, refused outside the plausible range (``mctv.validators``) with a message in Japanese."""

    default_validators = [validate_plausible_day]


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
