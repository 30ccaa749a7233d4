"""The provision log, exceptional provisions and stops of provision (§3, §6(3), ■25)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import ExceptionalProvision, Provision, ProvisionStop
from privacy.selectors.provisions import provisions_visible_to

from .base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin


@admin.register(Provision)
class ProvisionAdmin(SubscriberViewsLoggedAdmin, ReadOnlyAdmin):
    """Read-only: the log is append-only in the database as well."""

    list_display = ["at", "subscriber_number", "recipient_name", "method", "basis", "purpose", "caused_by"]
    list_filter = ["method", "basis", "contractor", "at"]
    search_fields = ["subscriber_number", "recipient_name", "purpose"]
    date_hierarchy = "at"
    list_select_related = ["caused_by"]

    def get_queryset(self, request):
        return provisions_visible_to(request.user).select_related("caused_by")


@admin.register(ExceptionalProvision)
class ExceptionalProvisionAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Decided in the staff pages (officer approval); shown here for the record."""

    list_display = ["created_at", "subscriber", "recipient_name", "basis", "status", "requested_by", "decided_by"]
    list_filter = ["status", "basis"]


@admin.register(ProvisionStop)
class ProvisionStopAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Set by a decided request, in the staff pages; here for the record (a deleted stop would reopen the portal)."""

    list_display = ["subscriber", "scope", "since", "until", "recorded_by"]
    list_filter = ["scope"]
    search_fields = ["subscriber__number"]
    raw_id_fields = ["subscriber"]
