"""What the privacy admin pages share: read-only pages for records kept elsewhere, data items as checkboxes."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote

from privacy.forms.fields import ItemsField
from privacy.models import AccessLog
from privacy.services.access_log import Numbered, access_log_record
from subscribers.models import Subscriber


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


class SubscriberViewsLoggedAdmin(admin.ModelAdmin):
    """A record page that shows a subscriber's personal data is logged when opened, here as in the staff pages
    (§4(1)): its change page as a view, its history page as a history view, for each subscriber it shows."""

    def subscribers_shown(self, obj):
        """The subscriber the record names, by id and number (the row may outlive the registry's record)."""
        subscriber_id = getattr(obj, "subscriber_id", None)
        if subscriber_id is None:
            return []
        number = getattr(obj, "subscriber_number", None) or (
            Subscriber.objects.filter(pk=subscriber_id).values_list("number", flat=True).first() or ""
        )
        return [Numbered(subscriber_id, number)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log(request, object_id, AccessLog.Action.VIEW)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log(request, object_id, AccessLog.Action.HISTORY)
        return super().history_view(request, object_id, extra_context)

    def _log(self, request, object_id, action):
        key = unquote(str(object_id))
        obj = self.get_queryset(request).filter(pk=key).first() if key.isascii() and key.isdigit() else None
        if obj is not None and request.method == "GET":
            access_log_record(
                user=request.user,
                subscribers=self.subscribers_shown(obj),
                action=action,
                path=request.path,
                detail={"admin": obj._meta.label_lower},
            )
