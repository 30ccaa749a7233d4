from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import ItemsField
from .models import (
    AccessLog,
    BulkUse,
    ConfidentialityAgreement,
    Consent,
    Contractor,
    DeadlineDigest,
    Department,
    DisposalRun,
    ExceptionalProvision,
    Incident,
    IncidentSettings,
    IncidentSubscriber,
    LegalHold,
    PolicyAnnouncement,
    PolicyVersion,
    Provision,
    ProvisionStop,
    Purpose,
    RequestEvent,
    RequestRule,
    RetentionRule,
    SubjectRequest,
    User,
    WorkKind,
    WorkOrder,
)
from .roles import STAFF_ROLES, Role
from .selectors import provisions_visible_to, requests_visible_to, work_orders_visible_to


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = "__all__"

    def clean_responsible_officer(self):
        officer = self.cleaned_data["responsible_officer"]
        if officer and not officer.groups.filter(name=Role.OFFICER).exists():
            raise forms.ValidationError(_("The responsible officer must be in the officer role."))
        return officer


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["code", "name", "responsible_officer"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["responsible_officer"]


class UserAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        groups = {g.name for g in cleaned.get("groups") or []}
        if groups & set(STAFF_ROLES) and not cleaned.get("department"):
            self.add_error("department", _("Office staff must belong to a department."))
        if Role.CONTRACTOR in groups and groups & set(STAFF_ROLES):
            self.add_error("groups", _("A contractor account cannot also hold an office role."))
        if (Role.CONTRACTOR in groups) != bool(cleaned.get("contractor")):
            self.add_error("contractor", _("A contractor account is in the contractor role and names its contractor."))
        return cleaned


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    list_display = ["username", "last_name", "first_name", "department", "is_active", "is_superuser"]
    list_filter = ["department", "groups", "is_active", "is_superuser"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("Department or contractor"), {"fields": ["department", "contractor"]}),
        *BaseUserAdmin.fieldsets[2:],
    ]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only in the database as well."""

    list_display = ["at", "user", "action", "subscriber_number", "path"]
    list_filter = ["action", "at"]
    search_fields = ["subscriber_number", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItemsAdminForm(forms.ModelForm):
    """The JSON lists of data items edited as checkboxes."""

    item_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.item_fields:
            field = self.fields[name]
            self.fields[name] = ItemsField(label=field.label, required=False, help_text=field.help_text)


class AgreementAdminForm(ItemsAdminForm):
    item_fields = ("items",)

    class Meta:
        model = ConfidentialityAgreement
        fields = "__all__"


class AgreementInline(admin.StackedInline):
    model = ConfidentialityAgreement
    form = AgreementAdminForm
    extra = 0


@admin.register(Contractor)
class ContractorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "representative", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "representative", "contact_person"]
    inlines = [AgreementInline]


@admin.register(ConfidentialityAgreement)
class AgreementAdmin(SimpleHistoryAdmin):
    form = AgreementAdminForm
    list_display = ["contractor", "reference", "signed_on", "expires_on", "terminated_on"]
    list_filter = ["contractor", "expires_on"]
    search_fields = ["reference", "contractor__name"]


class WorkKindAdminForm(ItemsAdminForm):
    item_fields = ("default_items",)

    class Meta:
        model = WorkKind
        fields = "__all__"


@admin.register(WorkKind)
class WorkKindAdmin(admin.ModelAdmin):
    form = WorkKindAdminForm
    list_display = ["code", "name", "is_active"]


@admin.register(WorkOrder)
class WorkOrderAdmin(SimpleHistoryAdmin):
    """Read-only here: work orders are created and closed through the staff pages, which check the scope."""

    list_display = ["number", "subscriber", "contractor", "kind", "scheduled_on", "access_until", "status"]
    list_filter = ["status", "kind", "contractor"]
    search_fields = ["number", "subscriber__number"]
    list_select_related = ["subscriber", "contractor", "kind"]

    def get_queryset(self, request):
        return work_orders_visible_to(request.user).select_related("subscriber", "contractor", "kind")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Provision)
class ProvisionAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only in the database as well."""

    list_display = ["at", "subscriber_number", "recipient_name", "method", "basis", "purpose", "caused_by"]
    list_filter = ["method", "basis", "contractor", "at"]
    search_fields = ["subscriber_number", "recipient_name", "purpose"]
    date_hierarchy = "at"
    list_select_related = ["caused_by"]

    def get_queryset(self, request):
        return provisions_visible_to(request.user).select_related("caused_by")


@admin.register(ExceptionalProvision)
class ExceptionalProvisionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Decided in the staff pages (officer approval); shown here for the record."""

    list_display = ["created_at", "subscriber", "recipient_name", "basis", "status", "requested_by", "decided_by"]
    list_filter = ["status", "basis"]


@admin.register(ProvisionStop)
class ProvisionStopAdmin(SimpleHistoryAdmin):
    list_display = ["subscriber", "scope", "since", "until", "recorded_by"]
    list_filter = ["scope"]
    search_fields = ["subscriber__number"]
    raw_id_fields = ["subscriber"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


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
    fields = readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
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
    list_display = ["at", "request", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["request__number"]


@admin.register(DeadlineDigest)
class DeadlineDigestAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "department", "request_count"]
    list_filter = ["department"]


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
class ConsentAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Recorded and withdrawn in the staff pages; never overwritten."""

    list_display = ["subscriber", "purpose", "given_on", "method", "withdrawn_on"]
    list_filter = ["purpose", "method"]
    search_fields = ["subscriber__number"]
    list_select_related = ["subscriber", "purpose"]


@admin.register(BulkUse)
class BulkUseAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "purpose", "kind", "count"]
    list_filter = ["purpose", "kind"]
    date_hierarchy = "at"


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
class LegalHoldAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "subscriber", "record_class", "since", "until", "placed_by"]
    list_filter = ["kind", "record_class"]
    raw_id_fields = ["subscriber"]
    readonly_fields = ["placed_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DisposalRun)
class DisposalRunAdmin(ReadOnlyAdmin):
    """Approved in the staff pages by an officer; the disposal record is never edited."""

    list_display = ["proposed_on", "record_class", "status", "candidate_count", "disposed_count", "approved_by"]
    list_filter = ["record_class", "status"]


@admin.register(IncidentSettings)
class IncidentSettingsAdmin(SimpleHistoryAdmin):
    """When an incident is reportable, to whom, and the report deadlines: configuration (declaration §11, APPI art. 68)."""

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
    fields = readonly_fields = ["subscriber", "notice_sent_on", "notice_method"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Recorded and moved by officers in the staff pages (transition map); shown here for the record."""

    list_display = ["number", "discovered_at", "status", "malicious", "sensitive_data", "financial_risk"]
    list_filter = ["status", "malicious"]
    search_fields = ["number"]
    inlines = [IncidentSubscriberInline]
