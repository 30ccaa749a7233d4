"""Every model has a retention period or a stated reason for none (declaration §13, ■13): a model added later fails
here until it is given one."""

from pathlib import Path

import pytest
from django.apps import apps

from privacy.models import RecordClass, RetentionRule
from privacy.retention_coverage import CLASS_MODELS, EXEMPT, model_classes
from privacy.selectors.retention_classes import CLASS_RULES
from privacy.services.retention_disposers import DISPOSERS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "retention.md"


def test_every_model_history_models_included_has_a_retention_class_or_a_stated_exemption():
    labels = {model._meta.label for model in apps.get_models()}
    covered = set(model_classes())

    assert labels - covered - set(EXEMPT) == set(), "give these models a retention class or an exemption"
    assert covered & set(EXEMPT) == set(), "a model is either disposed of or exempt, not both"
    assert (covered | set(EXEMPT)) - labels == set(), "these names are no model"
    assert all(len(reason) > 20 for reason in EXEMPT.values()), "say why"


def test_every_record_class_has_a_rule_a_disposer_and_its_tables():
    classes = set(RecordClass.values)
    assert set(CLASS_RULES) == set(DISPOSERS) == set(CLASS_MODELS) == classes
    for record_class, rule in CLASS_RULES.items():
        assert rule.model._meta.label in CLASS_MODELS[record_class], record_class


@pytest.mark.django_db
def test_every_record_class_ships_with_a_rule_and_its_basis():
    rules = {rule.record_class: rule for rule in RetentionRule.objects.all()}
    assert set(rules) == set(RecordClass.values)
    assert all(rule.basis for rule in rules.values())


def test_the_documentation_names_every_class_and_every_exemption():
    text = DOCS.read_text(encoding="utf-8")
    for record_class in RecordClass.values:
        assert f"`{record_class}`" in text, record_class
    for label in EXEMPT:
        assert f"`{label}`" in text, label


@pytest.mark.django_db
def test_the_exemption_of_sessions_holds_the_expired_ones_go_each_night():
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from privacy.tasks import clear_expired_sessions

    # Given a staff member's session that has expired and one still in use
    now = timezone.now()
    Session.objects.create(session_key="expired" + "0" * 25, session_data="", expire_date=now.replace(year=2000))
    Session.objects.create(session_key="current" + "0" * 25, session_data="", expire_date=now.replace(year=2999))

    # When the nightly task runs
    clear_expired_sessions()

    # Then only the expired one is gone, and beat runs the task
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" + "0" * 25]
    assert settings.CELERY_BEAT_SCHEDULE["expired-sessions"]["task"] == clear_expired_sessions.name


def table_models() -> dict[str, str]:
    return {model._meta.db_table: model._meta.label for model in apps.get_models()}


def assert_counts_within_class(run) -> None:
    """The tables a purge reports are among those its class declares (used by the purge tests)."""
    tables = table_models()
    reported = {tables[table.removesuffix(" (anonymised)")] for table in run.related_counts}
    assert reported <= set(CLASS_MODELS[run.record_class])
