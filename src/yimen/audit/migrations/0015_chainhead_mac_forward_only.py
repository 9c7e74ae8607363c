"""The chain head carries a MAC under the audit key, and may only move forward.

A database writer who deletes the log's tail must rewind the head to hide it; one who
rewrites and rehashes events must point the head at the new last hash. The trigger refuses
both (seq may only grow; at the same seq only the MAC may change, when `yimen audit
checkpoint` seals a head written before the key existed) and, on PostgreSQL, refuses DELETE.
SQLite keeps DELETE and TRUNCATE-like flushes open (Django's test flush deletes rows there),
and on both a table owner can still drop the trigger: the head MAC and the signed checkpoints
outside the database are what catch that (docs/operations.md).
"""

from django.db import migrations, models

FUNCTION = "audit_chainhead_forward_only"
TRIGGER = "audit_chainhead_forward_only"
MESSAGE = "the audit chain head only moves forward / 审计链头只能前移"


def postgres_sql(table: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{MESSAGE} (DELETE refused)';
            END IF;
            IF NEW.id <> OLD.id OR NEW.seq < OLD.seq
               OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
                RAISE EXCEPTION '{MESSAGE} (seq % -> %)', OLD.seq, NEW.seq;
            END IF;
            RETURN NEW;
        END;
        $$
        """,
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}",
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
    ]


def sqlite_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER}",
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} "
        "WHEN NEW.id <> OLD.id OR NEW.seq < OLD.seq "
        "OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def create_trigger(apps, schema_editor):
    connection = schema_editor.connection
    table = schema_editor.quote_name(apps.get_model("audit", "ChainHead")._meta.db_table)
    if connection.vendor == "postgresql":
        statements = postgres_sql(table)
    elif connection.vendor == "sqlite":
        statements = sqlite_sql(table)
    else:
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)  # "%" is PL/pgSQL's, not the driver's


def drop_trigger(apps, schema_editor):
    connection = schema_editor.connection
    table = schema_editor.quote_name(apps.get_model("audit", "ChainHead")._meta.db_table)
    if connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0014_medins_contradicted_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
