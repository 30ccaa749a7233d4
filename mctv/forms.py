from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field group is one block: label (required ones marked), widget, help, errors."""

    field_template_name = "includes/form_field.html"
