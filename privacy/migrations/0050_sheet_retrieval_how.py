from django.db import migrations, models


class Migration(migrations.Migration):
    """A sheet's return or destruction says how it was confirmed (■19(2)④); lines recorded before say so."""

    dependencies = [("privacy", "0049_handovers_more")]

    operations = [
        migrations.AddField(
            model_name="sheetretrieval",
            name="how",
            field=models.CharField(
                default="（この項目の追加前の記録）",
                help_text="e.g. received at the counter; the contractor's certificate of destruction No. 12",
                max_length=200,
                verbose_name="how it was confirmed",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="sheetretrieval",
            constraint=models.CheckConstraint(
                condition=models.Q(("how", ""), _negated=True), name="sheetretrieval_how_given"
            ),
        ),
    ]
