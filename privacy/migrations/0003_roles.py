"""The roles as groups, with the permissions of the registry (declaration §4(1)–(2))."""

from django.db import migrations

from privacy.roles import grant_permissions

REGISTRY_READ = [
    "subscribers.view_subscriber",
    "subscribers.view_subscriberservice",
    "subscribers.view_historicalsubscriber",
    "subscribers.view_historicalsubscriberservice",
]
REGISTRY_WRITE = [
    "subscribers.add_subscriber",
    "subscribers.change_subscriber",
    "subscribers.change_subscriber_status",
    "subscribers.export_subscriber",
    "subscribers.add_subscriberservice",
    "subscribers.change_subscriberservice",
]

ROLE_PERMISSIONS = {
    "clerk": [*REGISTRY_READ, *REGISTRY_WRITE],
    "officer": [*REGISTRY_READ, *REGISTRY_WRITE, "privacy.view_accesslog", "privacy.view_department"],
    # Reads everything, changes nothing, takes no copies (no export).
    "auditor": [*REGISTRY_READ, "privacy.view_accesslog", "privacy.view_department", "privacy.view_user"],
    # Contractors reach only the portal; its permissions come with the portal.
    "contractor": [],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_initial"),
        ("subscribers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
