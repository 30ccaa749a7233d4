"""What keeps the draft 個人情報ファイル簿 in step with the configuration it is generated from: a change to a purpose,
an agreement, a contractor, a retention rule, a file or the request settings brings the draft up to date once the
change is committed (``privacy.services.file_register.file_register_refresh``)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _refresh_after_commit(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    from privacy.services.file_register import file_register_refresh

    # Robust: a failure to remake the draft is logged, and never fails the change that was saved.
    transaction.on_commit(file_register_refresh, robust=True)


def connect_file_register() -> None:
    from privacy.models import (
        ConfidentialityAgreement,
        Contractor,
        PersonalInformationFile,
        Purpose,
        RequestSettings,
        RetentionRule,
    )

    for model in (
        Purpose,
        ConfidentialityAgreement,
        Contractor,
        RetentionRule,
        PersonalInformationFile,
        RequestSettings,
    ):
        post_save.connect(_refresh_after_commit, sender=model, dispatch_uid=f"file_register_{model.__name__}")
        post_delete.connect(_refresh_after_commit, sender=model, dispatch_uid=f"file_register_del_{model.__name__}")
