"""Contractors, their agreements, kinds of work and work orders (§4(3), §6(1))."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from privacy.data_items import DataItem
from privacy.forms.contractors import SubcontractorFieldMixin
from privacy.forms.fields import LayoutField
from privacy.models import BulkHandover, ConfidentialityAgreement, Contractor, FileLayout, WorkKind, WorkOrder
from privacy.selectors.work_orders import work_orders_visible_to

from .base import ItemsAdminForm, SubscriberViewsLoggedAdmin


class AgreementAdminForm(ItemsAdminForm):
    item_fields = ("items",)

    class Meta:
        model = ConfidentialityAgreement
        fields = "__all__"


class AgreementInline(admin.StackedInline):
    model = ConfidentialityAgreement
    form = AgreementAdminForm
    extra = 0


class ContractorAdminForm(SubcontractorFieldMixin, forms.ModelForm):
    class Meta:
        model = Contractor
        fields = "__all__"  # noqa: DJ007 - admin edits every field of its configuration


@admin.register(Contractor)
class ContractorAdmin(SimpleHistoryAdmin):
    form = ContractorAdminForm
    list_display = ["name", "subcontractor_of", "representative", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "representative", "contact_person"]
    inlines = [AgreementInline]


@admin.register(ConfidentialityAgreement)
class AgreementAdmin(SimpleHistoryAdmin):
    form = AgreementAdminForm
    list_display = ["contractor", "reference", "kind", "signed_on", "expires_on", "terminated_on", "return_within_days"]
    list_filter = ["kind", "contractor", "expires_on"]
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
class WorkOrderAdmin(SubscriberViewsLoggedAdmin, SimpleHistoryAdmin):
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


@admin.register(BulkHandover)
class BulkHandoverAdmin(SimpleHistoryAdmin):
    """Read-only here: a hand-over is made, fetched and confirmed through the staff pages, which pass the gate and
    write its moves. The file and the list of subscribers are never shown."""

    list_display = ["number", "contractor", "purpose", "count", "status", "produced_at", "return_by"]
    list_filter = ["status", "contractor"]
    search_fields = ["number", "contractor__name"]
    exclude = ["content", "subscribers"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FileLayoutAdminForm(forms.ModelForm):
    columns = LayoutField(label=_("columns"))

    class Meta:
        model = FileLayout
        fields = ["contractor", "name", "columns", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].help_text = _(
            "One column a line, in the recipient's order: the item's code and its width in bytes, e.g. “number 8”. "
            "Codes: %(codes)s."
        ) % {"codes": ", ".join(DataItem.values)}


@admin.register(FileLayout)
class FileLayoutAdmin(admin.ModelAdmin):
    """A recipient's fixed-width layouts, chosen when a hand-over is made (the hand-over keeps its own copy)."""

    form = FileLayoutAdminForm
    list_display = ["name", "contractor", "updated_at"]
    list_filter = ["contractor"]
    search_fields = ["name", "contractor__name"]
