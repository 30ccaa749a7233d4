"""Request rules (days and fees per kind) and the requests on record (§5)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import DeadlineDigest, RequestEvent, RequestRule, SubjectRequest
from privacy.selectors.requests import requests_visible_to

from .base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin


@admin.register(RequestRule)
class RequestRuleAdmin(SimpleHistoryAdmin):
    """Days to reply and fee per kind of request: configuration, never literals in code."""

    list_display = ["kind", "days", "fee_yen"]
    list_editable = ["days", "fee_yen"]

    def has_add_permission(self, request):
        return False  # one row per kind, created by migration

    def has_delete_permission(self, request, obj=None):
        return False


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "kind", "from_status", "to_status", "note", "parameters")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Handled in the staff pages (transition map, officer decision); shown here for the record."""

    list_display = ["number", "kind", "subscriber", "received_on", "due_on", "status", "decision"]
    list_filter = ["status", "kind", "decision", "department"]
    search_fields = ["number", "subscriber__number"]
    date_hierarchy = "received_on"
    list_select_related = ["subscriber"]
    inlines = [RequestEventInline]

    def get_queryset(self, request):
        return requests_visible_to(request.user).select_related("subscriber")


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "request", "actor", "kind", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["request__number"]


@admin.register(DeadlineDigest)
class DeadlineDigestAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "department", "request_count"]
    list_filter = ["department"]
