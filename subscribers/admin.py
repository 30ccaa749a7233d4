from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import AccessLog
from privacy.services.access_log import access_log_record

from .models import NumberSequence, Subscriber, SubscriberService
from .services import subscriber_next_numbers


class SubscriberServiceInline(admin.TabularInline):
    model = SubscriberService
    extra = 0
    can_delete = False
    fields = ["service", "started_on", "ended_on"]


@admin.register(Subscriber)
class SubscriberAdmin(SimpleHistoryAdmin):
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log(request, object_id, AccessLog.Action.VIEW)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log(request, object_id, AccessLog.Action.HISTORY)
        return super().history_view(request, object_id, extra_context)

    def _log(self, request, object_id, action):
        key = str(object_id)
        subscriber = self.get_queryset(request).filter(pk=key).first() if key.isascii() and key.isdigit() else None
        if subscriber is not None and request.method == "GET":
            access_log_record(user=request.user, subscribers=[subscriber], action=action, path=request.path)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = subscriber_next_numbers()[0]
        super().save_model(request, obj, form, change)


@admin.register(SubscriberService)
class SubscriberServiceAdmin(SimpleHistoryAdmin):
    list_display = ["subscriber", "service", "started_on", "ended_on"]
    list_filter = ["service", "ended_on"]
    search_fields = ["subscriber__number"]
    raw_id_fields = ["subscriber"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(subscriber__in=Subscriber.objects.visible_to(request.user))

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
