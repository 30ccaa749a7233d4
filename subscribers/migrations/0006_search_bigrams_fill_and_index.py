"""Fill the bigram column for existing rows, and index it (PostgreSQL: GIN over its array of bigrams)."""

from django.db import migrations

INDEX = ("CREATE INDEX IF NOT EXISTS subscriber_search_bigrams ON subscribers_subscriber "
         "USING gin (string_to_array(search_bigrams, ' '))")


def forward(apps, schema_editor):
    from subscribers.normalize import search_bigrams

    Subscriber = apps.get_model("subscribers", "Subscriber")
    batch = []
    for pk, text in Subscriber.objects.values_list("pk", "search_text").iterator(chunk_size=2000):
        batch.append(Subscriber(pk=pk, search_bigrams=search_bigrams(text)))
        if len(batch) == 2000:
            Subscriber.objects.bulk_update(batch, ["search_bigrams"])
            batch = []
    Subscriber.objects.bulk_update(batch, ["search_bigrams"])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX, params=None)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS subscriber_search_bigrams", params=None)


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0005_search_bigrams")]

    operations = [migrations.RunPython(forward, reverse)]
