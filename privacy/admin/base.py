"""What the privacy admin pages share: read-only pages for records kept elsewhere, data items as checkboxes."""

from django import forms
from django.contrib import admin

from privacy.forms.fields import ItemsField


class ItemsAdminForm(forms.ModelForm):
    """The JSON lists of data items edited as checkboxes."""

    item_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.item_fields:
            field = self.fields[name]
            self.fields[name] = ItemsField(label=field.label, required=False, help_text=field.help_text)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records made in the staff pages or by the system: shown here, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordedByAdmin(admin.ModelAdmin):
    """A row added here names the administrator who added it, in ``recorded_by_field`` (read-only on the page)."""

    recorded_by_field = "recorded_by"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), self.recorded_by_field]

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(obj, self.recorded_by_field, request.user)
        super().save_model(request, obj, form, change)
