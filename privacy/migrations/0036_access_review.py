"""The review of staff access (職員のアクセス点検): settings, reviews, flags, a staff member's own record.

Two PostgreSQL triggers hold what a CHECK cannot, as it spans two tables: a flag is never closed by the person who
ran its review, a flag with its outcome and the flags of a closed review are not changed again, and a review does
not close while a flag is open (nor open again once closed)."""

import datetime
import django.db.models.deletion
import mctv.db
import simple_history.models
from django.conf import settings
from django.db import migrations, models

TRIGGERS = """
CREATE OR REPLACE FUNCTION mctv_access_review_flag_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    review_status text;
    review_runner bigint;
BEGIN
    SELECT status, run_by_id INTO review_status, review_runner FROM privacy_accessreview WHERE id = NEW.review_id;
    IF review_status = 'closed' THEN
        RAISE EXCEPTION 'access review % is closed', NEW.review_id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.outcome <> '' THEN
        RAISE EXCEPTION 'access review flag % already has its outcome', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.closed_by_id IS NOT NULL AND NEW.closed_by_id = review_runner THEN
        RAISE EXCEPTION 'the person who ran access review % cannot close its flags', NEW.review_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER privacy_accessreviewflag_second_person BEFORE INSERT OR UPDATE ON privacy_accessreviewflag
    FOR EACH ROW EXECUTE FUNCTION mctv_access_review_flag_check();

CREATE OR REPLACE FUNCTION mctv_access_review_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' AND NEW.status <> 'closed' THEN
        RAISE EXCEPTION 'access review % is closed', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'closed' AND EXISTS (
        SELECT 1 FROM privacy_accessreviewflag WHERE review_id = NEW.id AND outcome = ''
    ) THEN
        RAISE EXCEPTION 'access review % has open flags', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER privacy_accessreview_flags_closed BEFORE UPDATE ON privacy_accessreview
    FOR EACH ROW EXECUTE FUNCTION mctv_access_review_check();
"""
REVERSE = """
DROP TRIGGER IF EXISTS privacy_accessreview_flags_closed ON privacy_accessreview;
DROP FUNCTION IF EXISTS mctv_access_review_check();
DROP TRIGGER IF EXISTS privacy_accessreviewflag_second_person ON privacy_accessreviewflag;
DROP FUNCTION IF EXISTS mctv_access_review_flag_check();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0035_incident_people_named_by_hand_and_bulk_use_files'),
        ('subscribers', '0007_plausible_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='own_subscriber',
            field=models.ForeignKey(blank=True, help_text="The staff member's own record, if they subscribe: opening it or one at its address is flagged.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='subscribers.subscriber', verbose_name='own subscriber record'),
        ),
        migrations.CreateModel(
            name='AccessReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', mctv.db.DayField(help_text='The first day of the month reviewed.', verbose_name='month')),
                ('status', models.CharField(choices=[('open', 'Flags open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                ('run_at', mctv.db.DayTimeField(verbose_name='run at')),
                ('last_run_at', mctv.db.DayTimeField(verbose_name='last run at')),
                ('views', models.PositiveIntegerField(default=0, verbose_name='records opened in the month')),
                ('thresholds', models.JSONField(default=dict, verbose_name='settings used')),
                ('closed_at', mctv.db.DayTimeField(blank=True, null=True, verbose_name='closed at')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                ('department', models.ForeignKey(blank=True, help_text='Empty: every department.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='privacy.department', verbose_name='department')),
                ('run_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='run by')),
            ],
            options={
                'verbose_name': 'access review',
                'verbose_name_plural': 'access reviews',
                'ordering': ['-month', 'department__code'],
                'permissions': [('run_accessreview', 'Can run the review of staff access'), ('close_accessreview', 'Can close flags and reviews of staff access')],
            },
        ),
        migrations.CreateModel(
            name='AccessReviewFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('no_business', 'Opened with no related business'), ('burst', 'Many records opened in a short time'), ('off_hours', 'Opened outside office hours'), ('own_record', "Opened the staff member's own record"), ('same_address', "Opened a record at the staff member's address")], max_length=20, verbose_name='kind')),
                ('subscriber_number', models.CharField(blank=True, max_length=20, verbose_name='subscriber number')),
                ('views', models.PositiveIntegerField(verbose_name='views')),
                ('first_at', mctv.db.DayTimeField(verbose_name='first')),
                ('last_at', mctv.db.DayTimeField(verbose_name='last')),
                ('outcome', models.CharField(blank=True, choices=[('business_reason', 'Business reason recorded'), ('referred', 'Referred')], max_length=20, verbose_name='outcome')),
                ('outcome_note', models.TextField(blank=True, verbose_name='note on the outcome')),
                ('closed_at', mctv.db.DayTimeField(blank=True, null=True, verbose_name='closed at')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='privacy.accessreview', verbose_name='review')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
            ],
            options={
                'verbose_name': 'access review flag',
                'verbose_name_plural': 'access review flags',
                'ordering': ['kind', 'user_id', 'subscriber_number', 'first_at'],
            },
        ),
        migrations.CreateModel(
            name='AccessReviewSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('window_days', models.PositiveSmallIntegerField(default=30, help_text='A view is explained by business on the same subscriber by the same person or department recorded this many days before or after it (a request, work order, registration, edit, consent, incident, complaint, consultation, provision or bulk use).', verbose_name='related business within (days)')),
                ('burst_views', models.PositiveSmallIntegerField(default=30, help_text='This many records opened by one person …', verbose_name='burst: views')),
                ('burst_minutes', models.PositiveSmallIntegerField(default=10, verbose_name='burst: within (minutes)')),
                ('office_opens', models.TimeField(default=datetime.time(8, 30), verbose_name='office opens at')),
                ('office_closes', models.TimeField(default=datetime.time(17, 15), verbose_name='office closes at')),
                ('closed_days_outside', models.BooleanField(default=True, verbose_name='weekends, holidays and 29 Dec – 3 Jan are outside office hours')),
                ('ask_reason', models.BooleanField(default=False, help_text="Opening a subscriber's record with no related business asks the viewer for a one-line reason, kept in the access log.", verbose_name='ask for a reason')),
            ],
            options={
                'verbose_name': 'access review settings',
                'verbose_name_plural': 'access review settings',
                'constraints': [models.CheckConstraint(condition=models.Q(('window_days__gte', 1), ('window_days__lte', 366), ('burst_views__gte', 2), ('burst_minutes__gte', 1), ('burst_minutes__lte', 1440)), name='accessreviewsettings_plausible', violation_error_message='The window is 1 to 366 days; a burst is at least 2 views within 1 to 1,440 minutes.'), models.CheckConstraint(condition=models.Q(('office_closes__gt', models.F('office_opens'))), name='accessreviewsettings_hours_ordered', violation_error_message='The office closes after it opens.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAccessReview',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('month', mctv.db.DayField(help_text='The first day of the month reviewed.', verbose_name='month')),
                ('status', models.CharField(choices=[('open', 'Flags open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                ('run_at', mctv.db.DayTimeField(verbose_name='run at')),
                ('last_run_at', mctv.db.DayTimeField(verbose_name='last run at')),
                ('views', models.PositiveIntegerField(default=0, verbose_name='records opened in the month')),
                ('thresholds', models.JSONField(default=dict, verbose_name='settings used')),
                ('closed_at', mctv.db.DayTimeField(blank=True, null=True, verbose_name='closed at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('closed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='closed by')),
                ('department', models.ForeignKey(blank=True, db_constraint=False, help_text='Empty: every department.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='privacy.department', verbose_name='department')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('run_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='run by')),
            ],
            options={
                'verbose_name': 'historical access review',
                'verbose_name_plural': 'historical access reviews',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAccessReviewSettings',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('window_days', models.PositiveSmallIntegerField(default=30, help_text='A view is explained by business on the same subscriber by the same person or department recorded this many days before or after it (a request, work order, registration, edit, consent, incident, complaint, consultation, provision or bulk use).', verbose_name='related business within (days)')),
                ('burst_views', models.PositiveSmallIntegerField(default=30, help_text='This many records opened by one person …', verbose_name='burst: views')),
                ('burst_minutes', models.PositiveSmallIntegerField(default=10, verbose_name='burst: within (minutes)')),
                ('office_opens', models.TimeField(default=datetime.time(8, 30), verbose_name='office opens at')),
                ('office_closes', models.TimeField(default=datetime.time(17, 15), verbose_name='office closes at')),
                ('closed_days_outside', models.BooleanField(default=True, verbose_name='weekends, holidays and 29 Dec – 3 Jan are outside office hours')),
                ('ask_reason', models.BooleanField(default=False, help_text="Opening a subscriber's record with no related business asks the viewer for a one-line reason, kept in the access log.", verbose_name='ask for a reason')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical access review settings',
                'verbose_name_plural': 'historical access review settings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='accessreview',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='accessreview_month_first_day'),
        ),
        migrations.AddConstraint(
            model_name='accessreview',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'closed'])), name='accessreview_status'),
        ),
        migrations.AddConstraint(
            model_name='accessreview',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'open'), ('closed_by__isnull', True), ('closed_at__isnull', True)), models.Q(('status', 'closed'), ('closed_by__isnull', False), ('closed_at__isnull', False)), _connector='OR'), name='accessreview_closing_recorded'),
        ),
        migrations.AddConstraint(
            model_name='accessreview',
            constraint=models.UniqueConstraint(fields=('month', 'department'), name='accessreview_one_per_department_month'),
        ),
        migrations.AddConstraint(
            model_name='accessreview',
            constraint=models.UniqueConstraint(condition=models.Q(('department__isnull', True)), fields=('month',), name='accessreview_one_for_all_per_month'),
        ),
        migrations.AddIndex(
            model_name='accessreviewflag',
            index=models.Index(condition=models.Q(('outcome', '')), fields=['review'], name='accessreviewflag_open'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['no_business', 'burst', 'off_hours', 'own_record', 'same_address'])), name='accessreviewflag_kind'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.CheckConstraint(condition=models.Q(('views__gte', 1), ('last_at__gte', models.F('first_at'))), name='accessreviewflag_counted'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'burst'), ('subscriber_number', '')), models.Q(models.Q(('kind', 'burst'), _negated=True), models.Q(('subscriber_number', ''), _negated=True)), _connector='OR'), name='accessreviewflag_subscriber_unless_burst'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', ''), ('outcome_note', ''), ('closed_by__isnull', True), ('closed_at__isnull', True)), models.Q(('outcome__in', ['business_reason', 'referred']), models.Q(('outcome_note', ''), _negated=True), ('closed_by__isnull', False), ('closed_at__isnull', False)), _connector='OR'), name='accessreviewflag_outcome_recorded', violation_error_message='A flag is closed with an outcome, a note, who closed it and when.'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.CheckConstraint(condition=models.Q(('closed_by__isnull', True), models.Q(('closed_by', models.F('user')), _negated=True), _connector='OR'), name='accessreviewflag_not_closed_by_the_staff_member', violation_error_message='A flag is closed by someone other than the staff member flagged.'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'burst'), _negated=True), fields=('review', 'kind', 'user', 'subscriber_number'), name='accessreviewflag_one_per_subscriber'),
        ),
        migrations.AddConstraint(
            model_name='accessreviewflag',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'burst')), fields=('review', 'user', 'first_at'), name='accessreviewflag_one_per_burst'),
        ),
        migrations.RunPython(forward, reverse),
    ]
