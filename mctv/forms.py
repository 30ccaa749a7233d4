"""Form plumbing shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from mctv.validators import validate_plausible_day


class FormRenderer(TemplatesSetting):
    """Every field group is one block: label (required ones marked), widget, help, errors."""

    field_template_name = "includes/form_field.html"


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
