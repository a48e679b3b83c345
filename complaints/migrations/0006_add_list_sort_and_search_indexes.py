"""PostgreSQL indexes for the complaint list at 100,000 complaints (issue 8).

- Each deadline sort has its never-NULL key (`selectors.COMPLAINT_SORTS`) indexed with the id, so
  every page (first, next, previous, last) is a short walk of the index from a known key.
- Searching by reference or name ("contains", case-insensitive) uses trigram indexes on the same
  UPPER(...) expressions Django writes for `icontains`.

SQLite (development, tests) has neither the extension nor the need: it is skipped there and
`icontains` works as before. Not in the models' Meta, as Django cannot declare them portably.
"""

from django.db import migrations

INDEXES = {
    # The expressions must match what Django writes for the sort keys, or PostgreSQL cannot use them.
    "complaint_sort_due": "((COALESCE(next_due_date, '9999-12-31'::date)), id)",
    "complaint_sort_due_latest": "((COALESCE(next_due_date, '0001-01-01'::date)), id)",
    "complaint_reference_trgm": "USING gin ((UPPER(reference::text)) gin_trgm_ops)",
    "complaint_complainant_trgm": "USING gin ((UPPER(complainant_name::text)) gin_trgm_ops)",
    "complaint_affected_trgm": "USING gin ((UPPER(affected_person_name::text)) gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_add_list_and_report_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
