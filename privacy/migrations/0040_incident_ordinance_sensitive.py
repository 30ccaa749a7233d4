"""The city's 条例要配慮個人情報 categories (APPI art. 60(5)) in the incident settings, blank by default, and an
incident's flag that it involved them: reportable under PPC rules art. 43(v)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0039_retention_classes_setup'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalincident',
            name='ordinance_sensitive_data',
            field=models.BooleanField(default=False, verbose_name='includes information the ordinance treats as sensitive (条例要配慮個人情報)'),
        ),
        migrations.AddField(
            model_name='historicalincidentsettings',
            name='ordinance_sensitive_categories',
            field=models.TextField(blank=True, help_text="One per line, as the city's ordinance defines them (APPI art. 60(5)); a leak of them must be reported (PPC rules art. 43(v)). Leave blank when the ordinance defines none.", verbose_name='categories the ordinance treats as sensitive (条例要配慮個人情報)'),
        ),
        migrations.AddField(
            model_name='incident',
            name='ordinance_sensitive_data',
            field=models.BooleanField(default=False, verbose_name='includes information the ordinance treats as sensitive (条例要配慮個人情報)'),
        ),
        migrations.AddField(
            model_name='incidentsettings',
            name='ordinance_sensitive_categories',
            field=models.TextField(blank=True, help_text="One per line, as the city's ordinance defines them (APPI art. 60(5)); a leak of them must be reported (PPC rules art. 43(v)). Leave blank when the ordinance defines none.", verbose_name='categories the ordinance treats as sensitive (条例要配慮個人情報)'),
        ),
    ]
