"""The review of staff access: its settings are configuration; reviews and flags are made in the staff pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import AccessReview, AccessReviewFlag, AccessReviewSettings
from privacy.selectors.access_review import access_reviews_visible_to

from .base import ReadOnlyAdmin


@admin.register(AccessReviewSettings)
class AccessReviewSettingsAdmin(SimpleHistoryAdmin):
    """One row: the window of related business, what a burst is, office hours, and the reason prompt."""

    list_display = [
        "window_days",
        "burst_views",
        "burst_minutes",
        "office_opens",
        "office_closes",
        "closed_days_outside",
        "ask_reason",
    ]

    def has_add_permission(self, request):
        return not AccessReviewSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class AccessReviewFlagInline(admin.TabularInline):
    model = AccessReviewFlag
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "kind",
        "user",
        "subscriber_number",
        "views",
        "first_at",
        "last_at",
        "outcome",
        "closed_by",
        "closed_at",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdmin):
    """Read-only: a review is run and its flags closed in the staff pages (/audit/access-reviews/)."""

    list_display = ["month", "department", "status", "views", "run_by", "run_at", "closed_by"]
    list_filter = ["status", "department"]
    inlines = [AccessReviewFlagInline]

    def get_queryset(self, request):
        return access_reviews_visible_to(request.user).select_related("department", "run_by", "closed_by")
