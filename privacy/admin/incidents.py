"""Incident settings (thresholds, targets, report days) and the incident register (§11)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import Incident, IncidentScope, IncidentSettings, IncidentSubscriber
from privacy.selectors.incidents import incidents_visible_to

from .base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin


@admin.register(IncidentSettings)
class IncidentSettingsAdmin(SimpleHistoryAdmin):
    """When an incident is reportable, to whom, and the report deadlines: configuration (declaration §11,
    APPI art. 68). The ordinance's 条例要配慮個人情報 categories are edited here too (one per line)."""

    list_display = [
        "people_threshold",
        "preliminary_days",
        "final_days",
        "final_days_malicious",
        "report_to_ministry",
        "report_to_ppc",
    ]

    def has_add_permission(self, request):
        return not IncidentSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class IncidentSubscriberInline(admin.TabularInline):
    model = IncidentSubscriber
    extra = 0
    fields = ("subscriber", "notice_sent_on", "notice_method")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IncidentScopeInline(admin.TabularInline):
    """How the affected people were derived from the records: kept as added, re-run from the staff page."""

    model = IncidentScope
    extra = 0
    fields = ("created_at", "recorded_by", "kind", "parameters", "people_count", "removed_count", "added_count")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Recorded and moved by officers in the staff pages (transition map); shown here for the record."""

    list_display = [
        "number",
        "discovered_at",
        "status",
        "malicious",
        "sensitive_data",
        "ordinance_sensitive_data",
        "financial_risk",
    ]
    list_filter = ["status", "malicious"]
    search_fields = ["number"]
    inlines = [IncidentScopeInline, IncidentSubscriberInline]

    def get_queryset(self, request):
        return incidents_visible_to(request.user)

    def subscribers_shown(self, obj):
        return [affected.subscriber for affected in obj.affected.select_related("subscriber")]
