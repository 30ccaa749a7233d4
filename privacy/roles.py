"""Roles are Django groups; their permissions are granted by data migrations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    OFFICER = "officer", _("Privacy officer")
    AUDITOR = "auditor", _("Auditor")
    CONTRACTOR = "contractor", _("Contractor")


STAFF_ROLES = (Role.CLERK, Role.OFFICER, Role.AUDITOR)

# The responsible officer's duties (§4(1), §6(4), ■33): deciding, approving, keeping the incident register. Only an
# active account in the officer role holds them — a superuser configures the system and decides nothing.
OFFICER_DUTIES = frozenset(
    {
        "privacy.decide_subjectrequest",
        "privacy.approve_exceptionalprovision",
        "privacy.approve_disposalrun",
        "privacy.approve_fileregisterversion",
        "privacy.add_incident",
        "privacy.change_incident",
        # Appeals (審査請求) are heard by the body's responsible officer, never by an administrator as such.
        "privacy.add_appeal",
        "privacy.change_appeal",
        # The department's self-inspection and its answer to the audit (§4(1): the responsible person per department).
        "privacy.add_selfinspection",
        "privacy.change_selfinspection",
        "privacy.answer_auditfinding",
        # The review of staff access: run by an officer, its flags closed by another (docs/accountability.md).
        "privacy.run_accessreview",
        "privacy.close_accessreview",
    }
)
# The audit's findings are the auditor's own record, and the one thing an auditor writes: no other role, and no
# superuser as such, writes them.
AUDITOR_DUTIES = frozenset({"privacy.add_auditfinding"})


def grant_permissions(apps, role_permissions: dict[str, list[str]]) -> None:
    """Create the groups and add ``app_label.codename`` permissions to them (used by migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
