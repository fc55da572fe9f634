"""The database itself refuses to edit or delete ledger entries (R-F6): a correction is a
reversing entry. As for audit events (core 0002), SQLite keeps DELETE possible because its test
database is emptied with DELETE; PostgreSQL refuses both."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION idi_fund_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'fund ledger entries are never edited or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_entry_append_only
    BEFORE UPDATE OR DELETE ON fund_entry
    FOR EACH ROW EXECUTE FUNCTION idi_fund_entry_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS fund_entry_append_only ON fund_entry;
DROP FUNCTION IF EXISTS idi_fund_entry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER fund_entry_no_update BEFORE UPDATE ON fund_entry
BEGIN SELECT RAISE(ABORT, 'fund ledger entries are never edited or deleted'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS fund_entry_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
