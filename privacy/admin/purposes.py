"""Purposes of use, the declaration's versions, consents and the bulk-use log (§2, §9)."""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import BulkUse, Consent, PolicyAnnouncement, PolicyVersion, Purpose

from .base import ItemsAdminForm, ReadOnlyAdmin, SubscriberViewsLoggedAdmin


class PurposeAdminForm(ItemsAdminForm):
    item_fields = ("items",)

    class Meta:
        model = Purpose
        fields = "__all__"


@admin.register(Purpose)
class PurposeAdmin(SimpleHistoryAdmin):
    """Purposes of use. A purpose the declaration does not state reaches only consenting subscribers."""

    form = PurposeAdminForm
    list_display = ["code", "title", "stated_in_declaration", "since", "until"]
    list_filter = ["stated_in_declaration"]
    search_fields = ["code", "title"]

    def get_readonly_fields(self, request, obj=None):
        # Whether consent is needed, and the code the statistics page and the exports rely on, never change
        # under existing consents and uses: a different rule is a new purpose.
        return ["code", "stated_in_declaration"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # end a purpose with "until"; consents and uses keep pointing at it


class PolicyAnnouncementInline(admin.TabularInline):
    model = PolicyAnnouncement
    extra = 1


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    list_display = ["version", "effective_on"]
    inlines = [PolicyAnnouncementInline]

    def get_readonly_fields(self, request, obj=None):
        # Consents record the version shown: once in force, its text is what subscribers read. Changes are a
        # new version.
        if obj and obj.effective_on <= timezone.localdate():
            return ["version", "text", "effective_on"]
        return []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Recorded and withdrawn in the staff pages; never overwritten."""

    list_display = ["subscriber", "purpose", "given_on", "method", "withdrawn_on"]
    list_filter = ["purpose", "method"]
    search_fields = ["subscriber__number"]
    list_select_related = ["subscriber", "purpose"]


@admin.register(BulkUse)
class BulkUseAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "purpose", "kind", "count", "export_no"]
    search_fields = ["=export_no"]
    list_filter = ["purpose", "kind"]
    date_hierarchy = "at"
