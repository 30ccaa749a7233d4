"""The chapter-5 rules as database constraints, once the existing rows have been brought in line (0026)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0026_chapter5_setup")]

    operations = [
        migrations.AddConstraint(
            model_name="requestevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "received",
                            "identity_verified",
                            "review_started",
                            "paused",
                            "resumed",
                            "extended",
                            "decided",
                            "provision_stopped",
                            "use_suspended",
                            "erased",
                            "record_edited",
                            "replied",
                            "closed",
                            "withdrawn",
                            "fee_paid",
                            "disclosure_handed_over",
                            "correction_asked",
                            "fee_waived",
                            "disclosure_carried_out",
                            "special_extension",
                            "transferred",
                            "recipient_notified",
                            "reopened",
                        ],
                    )
                ),
                name="requestevent_kind_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="requestrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("days__gte", 1), ("days__lte", 30)),
                name="requestrule_days_1_to_30",
                violation_error_message="The law allows at most 30 days (APPI arts. 83, 94, 101).",
            ),
        ),
        migrations.AddConstraint(
            model_name="requestrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "disclosure"), models.Q(("fee_yen", 0), ("copy_yen_per_sheet", 0)), _connector="OR"
                ),
                name="requestrule_fee_only_for_disclosure",
                violation_error_message="Only a disclosure may cost a fee (APPI art. 89).",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "received",
                            "identity_verified",
                            "under_review",
                            "paused",
                            "decided",
                            "transferred",
                            "replied",
                            "closed",
                            "withdrawn",
                        ],
                    )
                ),
                name="request_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("by_agent", False), ("agent_kind", "")),
                    models.Q(("by_agent", True), models.Q(("agent_kind", ""), _negated=True)),
                    _connector="OR",
                ),
                name="request_agent_kind_iff_agent",
                violation_error_message="Say whether the agent is a statutory or an appointed one.",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decision__in", ["", "full", "partial", "none", "not_held", "neither", "dismissed"])
                ),
                name="request_decision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("transferred_on__isnull", True), models.Q(("transferred_to", ""), _negated=True), _connector="OR"
                ),
                name="request_transfer_names_the_body",
            ),
        ),
    ]
