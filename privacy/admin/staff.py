"""Departments, staff and contractor accounts, and the access log (§4(1)–(2))."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from privacy.models import AccessLog, Department, User
from privacy.roles import STAFF_ROLES, Role
from privacy.selectors.access_log import access_log_visible_to

from .base import ReadOnlyAdmin


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "responsible_officer"]

    def clean_responsible_officer(self):
        """§4(1): a responsible person per department — required once the department has an officer to name (a new
        department gets its officer first); the dashboard warns while one is missing."""
        officer = self.cleaned_data["responsible_officer"]
        if officer and not officer.groups.filter(name=Role.OFFICER).exists():
            raise forms.ValidationError(_("The responsible officer must be in the officer role."))
        if (
            officer is None
            and self.instance.pk
            and self.instance.members.filter(groups__name=Role.OFFICER, is_active=True).exists()
        ):
            raise forms.ValidationError(_("Name the department's responsible officer (§4(1))."))
        return officer


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["code", "name", "responsible_officer"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["responsible_officer"]


class UserAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]  # the stubs omit it
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
        contractor = cleaned.get("contractor")
        # On linking or activating the account: deactivating a lapsed sub-contractor's account stays possible.
        grants_access = "contractor" in self.changed_data or (
            "is_active" in self.changed_data and cleaned.get("is_active")
        )
        if contractor is not None and grants_access and not contractor.redelegation_permitted():
            self.add_error("contractor", _("A sub-contractor gets an account only while re-delegation is allowed."))
        return cleaned


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # the stubs omit it
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    list_display = ["username", "last_name", "first_name", "department", "is_active", "is_superuser"]
    list_filter = ["department", "groups", "is_active", "is_superuser"]
    raw_id_fields = ["own_subscriber"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ())[:2],
        (_("Department or contractor"), {"fields": ["department", "contractor", "own_subscriber"]}),
        *(BaseUserAdmin.fieldsets or ())[2:],
    ]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only in the database as well."""

    list_display = ["at", "user", "action", "subscriber_number", "path"]
    list_filter = ["action", "at"]
    search_fields = ["subscriber_number", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def get_queryset(self, request):
        return access_log_visible_to(request.user).select_related("user")
