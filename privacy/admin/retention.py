"""Retention rules, legal holds and disposal records (§13)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import DisposalRun, LegalHold, RetentionRule

from .base import ReadOnlyAdmin, RecordedByAdmin, SubscriberViewsLoggedAdmin


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    """Years and action per record class: configuration the city sets; docs/retention.md says where each default
    comes from."""

    list_display = ["record_class", "years", "action", "auto_approve"]
    list_editable = ["years", "action", "auto_approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(SubscriberViewsLoggedAdmin, RecordedByAdmin, SimpleHistoryAdmin):
    list_display = ["kind", "subscriber", "record_class", "since", "until", "placed_by"]
    list_filter = ["kind", "record_class"]
    raw_id_fields = ["subscriber"]
    recorded_by_field = "placed_by"


@admin.register(DisposalRun)
class DisposalRunAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Approved in the staff pages by an officer; the disposal record is never edited. Its history: each move."""

    list_display = ["proposed_on", "record_class", "status", "candidate_count", "disposed_count", "approved_by"]
    list_filter = ["record_class", "status"]
