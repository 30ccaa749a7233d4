"""Request rules (days and fees per kind), the chapter-5 settings and grounds for withholding, and the requests,
consultations, notices to recipients and appeals on record (§5; APPI chapter 5)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.models import (
    Appeal,
    Consultation,
    CorrectionNotice,
    DeadlineDigest,
    FileRegisterVersion,
    PersonalInformationFile,
    RequestEvent,
    RequestRule,
    RequestSettings,
    SubjectRequest,
    WithholdingGround,
)
from privacy.selectors.appeals import appeals_visible_to
from privacy.selectors.requests import requests_visible_to

from .base import ReadOnlyAdmin, SubscriberViewsLoggedAdmin


@admin.register(RequestRule)
class RequestRuleAdmin(SimpleHistoryAdmin):
    """Days to reply and fee per kind of request: configuration, never literals in code."""

    list_display = ["kind", "days", "special_part_days", "fee_yen", "copy_yen_per_sheet"]
    list_editable = ["days", "special_part_days", "fee_yen", "copy_yen_per_sheet"]

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


@admin.register(RequestSettings)
class RequestSettingsAdmin(SimpleHistoryAdmin):
    """Who the letters name (the head of the body and its name, the seal, the defendant, the review board) and the
    office's days for a corrected form, the board's consultation and a complaint's reply: configuration
    (docs/requests.md)."""

    list_display = [
        "head_of_body",
        "head_name",
        "official_seal",
        "review_board",
        "correction_days",
        "appeal_consult_days",
        "complaint_reply_days",
    ]

    def has_add_permission(self, request):
        return not RequestSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WithholdingGround)
class WithholdingGroundAdmin(SimpleHistoryAdmin):
    """The grounds for not disclosing (art. 78(1); an ordinance's own under 78(2)): retired, never deleted, since
    decisions name them."""

    list_display = ["article", "title", "active", "order"]
    list_editable = ["active", "order"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["received_on", "channel", "name", "kind", "request"]
    list_filter = ["channel", "kind"]
    search_fields = ["name", "subscriber__number", "request__number"]
    date_hierarchy = "received_on"


class RequestFileLoggedAdmin(SubscriberViewsLoggedAdmin):
    """A record of a request's file shows the request's subscriber: opening it is logged for them."""

    def subscribers_shown(self, obj):
        return super().subscribers_shown(obj.request)


@admin.register(CorrectionNotice)
class CorrectionNoticeAdmin(RequestFileLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["request", "recipient_name", "sent_on"]
    search_fields = ["request__number", "recipient_name"]


@admin.register(Appeal)
class AppealAdmin(RequestFileLoggedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    """Handled on the appeal pages (officers); shown here for the record."""

    list_display = ["number", "request", "received_on", "within_period", "consult_due_on", "status", "ruling"]
    list_filter = ["status", "ruling", "within_period"]
    search_fields = ["number", "request__number"]
    date_hierarchy = "received_on"

    def get_queryset(self, request):
        return appeals_visible_to(request.user).select_related("request")


@admin.register(PersonalInformationFile)
class PersonalInformationFileAdmin(SimpleHistoryAdmin):
    """The files the office keeps and what the register says of each beyond what the system knows: a change makes
    a new draft register for an officer to approve (/file-register/)."""

    list_display = ["order", "name", "record_class", "kind", "people", "people_counted_on", "active"]
    list_display_links = ["name"]
    readonly_fields = ["people", "people_counted_on"]

    def has_delete_permission(self, request, obj=None):
        return False  # a file no longer kept is marked so, and leaves the register with the next version


@admin.register(FileRegisterVersion)
class FileRegisterVersionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Generated and approved on the staff page; shown here for the record."""

    list_display = ["number", "status", "generated_at", "approved_by", "approved_at"]
