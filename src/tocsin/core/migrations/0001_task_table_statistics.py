from django.db import migrations

TASK_TABLE = "django_tasks_database_dbtaskresult"


def analyse_task_table_often(apps, schema_editor):
    # A viral spike queues tens of thousands of mails in a minute. With the planner's
    # statistics from when the queue was empty, the worker's "next task" query sorts the whole
    # table for every task instead of walking its index: keep them fresh.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TASK_TABLE} SET (autovacuum_analyze_scale_factor = 0.02, "
            "autovacuum_analyze_threshold = 500, autovacuum_vacuum_scale_factor = 0.05)"
        )


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TASK_TABLE} RESET (autovacuum_analyze_scale_factor, "
            "autovacuum_analyze_threshold, autovacuum_vacuum_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [migrations.RunPython(analyse_task_table_often, back, elidable=False)]
