"""Refuse UPDATE and DELETE of access-log entries in PostgreSQL itself, as audit's 0002
does for audit events: a raw statement or another program bypasses the ORM's guard.
TRUNCATE stays open (test teardown, a deliberate reset), and `yimen access_log verify`
reports an emptied log through the sealed head. SQLite: the ORM's refusal only."""

from django.db import migrations

FUNCTION = "privacy_accessentry_append_only"
TRIGGER = "privacy_accessentry_append_only"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("privacy", "AccessEntry")._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'access-log entries are append-only / 个人信息访问记录只能追加 (% refused)', TG_OP;
        END;
        $$
        """,
        params=None,  # the "%" above is PL/pgSQL's placeholder, not the driver's
    )
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("privacy", "AccessEntry")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def create_head(apps, schema_editor):
    """The chain head exists from the start: the first access of a deployment then costs
    the same as every later one (a locked read and an update, no insert race)."""
    apps.get_model("privacy", "AccessHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
        migrations.RunPython(create_head, migrations.RunPython.noop, elidable=False),
    ]
