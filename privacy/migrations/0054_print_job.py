from django.db import migrations


class Migration(migrations.Migration):
    """A print job makes address labels or an incident's notices: named for what it is."""

    dependencies = [("privacy", "0053_print_jobs_for_notices")]

    operations = [migrations.RenameModel("LabelPrintJob", "PrintJob")]
