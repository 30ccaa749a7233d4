"""The self-inspection checklist (configuration), and training, inspections and audit findings for the record."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import AuditFinding, InspectionChecklistItem, SelfInspection, TrainingSession

from .base import ReadOnlyAdmin


@admin.register(InspectionChecklistItem)
class InspectionChecklistItemAdmin(SimpleHistoryAdmin):
    """The questions of the yearly self-inspection. An inspection copies them when it starts, so a question
    changed or taken out of use here changes no inspection already started. Never deleted: taken out of use."""

    list_display = ["order", "category", "question", "basis", "active"]
    list_display_links = ["question"]
    list_editable = ["order", "active"]
    list_filter = ["active", "category"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Recorded in the staff pages by the officer; shown here for the record."""

    list_display = ["held_on", "title", "instructor", "recorded_by"]
    date_hierarchy = "held_on"
    search_fields = ["title"]


@admin.register(SelfInspection)
class SelfInspectionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["fiscal_year", "department", "status", "completed_on"]
    list_filter = ["fiscal_year", "status", "department"]


@admin.register(AuditFinding)
class AuditFindingAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["fiscal_year", "department", "found_on", "status", "written_by", "answered_by"]
    list_filter = ["fiscal_year", "status", "department"]
