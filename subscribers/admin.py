from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from privacy.admin.base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin
from privacy.models import AccessLog
from privacy.services.access_log import access_log_record

from .imports.models import IMPORT_FIELDS, ImportProfile, RegisterImport
from .models import NumberSequence, Subscriber, SubscriberService
from .services import subscriber_create, subscriber_update


class SubscriberServiceInline(admin.TabularInline):
    """Shown for the record; services change with the registry's own edit (the staff pages)."""

    model = SubscriberService
    extra = 0
    can_delete = False
    fields = readonly_fields = ("service", "started_on", "ended_on")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "municipality",
        "status",
    ]
    list_filter = ["status", "sex", "prefecture", "municipality"]
    search_fields = [
        "number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "phone",
        "mobile_phone",
        "street_address",
        "email",
    ]
    # Status moves only through the staff UI's transition map (subscriber_set_status).
    readonly_fields = ["number", "status", "activated_on", "suspended_on", "terminated_on", "created_at", "updated_at"]
    inlines = [SubscriberServiceInline]
    list_per_page = 50

    def get_queryset(self, request):
        return Subscriber.objects.visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        # Records leave only through the retention process, which also clears their history.
        return False

    def has_change_permission(self, request, obj=None):
        # A terminated or erased record is kept as it was, here as in the staff pages.
        if obj is not None and not (obj.accepts_changes and obj.holds_personal_data):
            return False
        return super().has_change_permission(request, obj)

    def subscribers_shown(self, obj):
        return [obj]

    def changelist_view(self, request, extra_context=None):
        """The list shows names, readings and addresses: each subscriber on the page is logged as listed."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and request.method == "GET":
            access_log_record(
                user=request.user,
                subscribers=changelist.result_list,
                action=AccessLog.Action.LISTED,
                path=request.get_full_path(),
                detail={"admin": "subscribers.subscriber"},
            )
        return response

    def save_model(self, request, obj, form, change):
        """Through the registry's services, as the staff pages: numbering, normalisation, history."""
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = subscriber_update(
                subscriber=obj, user=request.user, change_reason=_("Edited in the administration"), **fields
            )
        else:
            saved = subscriber_create(user=request.user, **form.cleaned_data)
        obj.pk, obj.number = saved.pk, saved.number
        obj.refresh_from_db()


@admin.register(SubscriberService)
class SubscriberServiceAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin):
    """Read-only: services change with the registry's own edit."""

    list_display = ["subscriber", "service", "started_on", "ended_on"]
    list_filter = ["service", "ended_on"]
    search_fields = ["subscriber__number"]
    raw_id_fields = ["subscriber"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(subscriber__in=Subscriber.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last_value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    """Which of an office's column headers holds which item (issue 19): ``{"氏名": "full_name", …}``."""

    list_display = ["name", "description", "updated_at"]
    fields = ["name", "description", "columns"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        known = ", ".join(f"{code} ({label})" for code, label in IMPORT_FIELDS.items())
        form.base_fields["columns"].help_text = _("A header of the file → one of: %(known)s") % {"known": known}
        return form


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    """Read-only: an import is a record of what came in, by whom, from which file."""

    list_display = ["code", "file_name", "created_at", "created_by", "status", "rows_total", "created_count"]
    list_filter = ["status", "mode"]
    readonly_fields = [f.name for f in RegisterImport._meta.fields]
