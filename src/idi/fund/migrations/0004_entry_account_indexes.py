"""Entries are found by account through the (debit, id) and (credit, id) indexes; the
single-column indexes Django adds to every foreign key duplicated them and cost every posting
two more index insertions. SQLite rebuilds the table to alter a column, which drops its
append-only trigger (0002): it is created again."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS fund_entry_no_update BEFORE UPDATE ON fund_entry
BEGIN SELECT RAISE(ABORT, 'fund ledger entries are never edited or deleted'); END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("fund", "0003_pre_period_request")]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="credit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="fund.account",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="debit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="fund.account",
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
