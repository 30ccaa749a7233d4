"""Complaint categories (configuration) and the complaints register (§12, ■36)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import Complaint, ComplaintCategory
from privacy.selectors.complaints import complaints_visible_to

from .base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    """What complaints are about: configuration. A category in use by complaints is taken out of use, not
    deleted."""

    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Received, answered and closed in the staff pages (transition map); shown here for the record."""

    list_display = ["number", "received_on", "category", "subscriber", "reply_due_on", "status", "handler"]
    list_filter = ["status", "category", "channel", "department"]
    search_fields = ["number", "subscriber__number"]
    date_hierarchy = "received_on"
    list_select_related = ["subscriber", "category", "handler"]

    def get_queryset(self, request):
        return complaints_visible_to(request.user).select_related("subscriber", "category", "handler")
