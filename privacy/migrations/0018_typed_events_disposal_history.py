"""Typed event kinds for requests and incidents (issue 12), incident events' parameters, and a history of
disposal runs so that each status move leaves an audit row."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def baseline_history(apps, schema_editor):
    """Runs from before this migration had no history: one row each records the state they are in now, so their
    audit trail starts here rather than at their next move."""
    DisposalRun = apps.get_model("privacy", "DisposalRun")
    History = apps.get_model("privacy", "HistoricalDisposalRun")
    copied = [f.attname for f in History._meta.fields if not f.name.startswith("history_")]
    now = timezone.now()
    History.objects.bulk_create(
        History(
            **{name: getattr(run, name) for name in copied},
            history_date=now,
            history_type="~",
            history_change_reason="migration 0018",
        )
        for run in DisposalRun.objects.order_by("pk")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0017_log_number_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalDisposalRun',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('record_class', models.CharField(choices=[('terminated_subscriber', 'Terminated subscribers and all their personal data'), ('provision', 'Provision records'), ('access_log', 'Staff access log'), ('request_file', 'Request files'), ('incident_file', 'Incident files'), ('consent', 'Withdrawn consents'), ('bulk_use', 'Bulk-use log')], max_length=30, verbose_name='record class')),
                ('years', models.PositiveSmallIntegerField(verbose_name='years kept')),
                ('action', models.CharField(choices=[('delete', 'Delete'), ('anonymise', 'Anonymise (keep the row for statistics)')], max_length=10, verbose_name='disposal')),
                ('proposed_on', models.DateField(verbose_name='proposed on')),
                ('status', models.CharField(choices=[('proposed', 'Awaiting approval'), ('approved', 'Approved, queued'), ('running', 'Purging'), ('done', 'Disposed of'), ('rejected', 'Rejected'), ('failed', 'Failed (will resume)')], default='proposed', max_length=10, verbose_name='status')),
                ('candidate_count', models.PositiveIntegerField(default=0, verbose_name='records proposed')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                ('auto_approved', models.BooleanField(default=False, verbose_name='approved automatically')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('processed_count', models.PositiveIntegerField(default=0, verbose_name='records processed')),
                ('disposed_count', models.PositiveIntegerField(default=0, verbose_name='records disposed of')),
                ('held_count', models.PositiveIntegerField(default=0, verbose_name='records kept under a hold')),
                ('related_counts', models.JSONField(blank=True, default=dict, verbose_name='rows removed per table')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical disposal run',
                'verbose_name_plural': 'historical disposal runs',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        # The free-text ``action`` becomes a typed ``kind``: the column is renamed, its values (all known kinds,
        # written by code) stay as they are — the tables are append-only.
        migrations.RenameField(model_name='incidentevent', old_name='action', new_name='kind'),
        migrations.RenameField(model_name='requestevent', old_name='action', new_name='kind'),
        migrations.AlterField(
            model_name='incidentevent',
            name='kind',
            field=models.CharField(choices=[('recorded', 'Recorded'), ('edited', 'Edited'), ('preliminary_reported', 'Preliminary report made'), ('final_reported', 'Final report made'), ('closed', 'Closed'), ('notices_sent', 'Notices sent')], max_length=30, verbose_name='what'),
        ),
        migrations.AddField(
            model_name='incidentevent',
            name='parameters',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='requestevent',
            name='kind',
            field=models.CharField(choices=[('received', 'Received'), ('identity_verified', 'Identity verified'), ('review_started', 'Review started'), ('paused', 'Paused'), ('resumed', 'Resumed'), ('extended', 'Deadline extended'), ('decided', 'Decided'), ('provision_stopped', 'Provision stopped'), ('use_suspended', 'Use suspended'), ('erased', 'Personal data erased'), ('record_edited', 'Record changed as requested'), ('replied', 'Reply sent'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn'), ('fee_paid', 'Fee paid'), ('disclosure_handed_over', 'Disclosed data handed over')], max_length=30, verbose_name='what'),
        ),
        migrations.AddConstraint(
            model_name='incidentevent',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['recorded', 'edited', 'preliminary_reported', 'final_reported', 'closed', 'notices_sent'])), name='incidentevent_kind_known'),
        ),
        migrations.AddConstraint(
            model_name='requestevent',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['received', 'identity_verified', 'review_started', 'paused', 'resumed', 'extended', 'decided', 'provision_stopped', 'use_suspended', 'erased', 'record_edited', 'replied', 'closed', 'withdrawn', 'fee_paid', 'disclosure_handed_over'])), name='requestevent_kind_known'),
        ),
        migrations.AddField(
            model_name='historicaldisposalrun',
            name='approved_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AddField(
            model_name='historicaldisposalrun',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(baseline_history, migrations.RunPython.noop),
    ]
