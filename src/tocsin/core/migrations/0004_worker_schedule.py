from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_switches_replace_journal_positions'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScheduledJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(max_length=100, unique=True, verbose_name='job')),
                ('next_run_at', models.DateTimeField(verbose_name='next run at')),
                ('last_queued_at', models.DateTimeField(blank=True, null=True, verbose_name='last queued at')),
                ('last_task_id', models.CharField(blank=True, max_length=64, verbose_name='last task')),
            ],
            options={
                'verbose_name': 'scheduled job',
                'verbose_name_plural': 'scheduled jobs',
            },
        ),
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('worker_id', models.CharField(max_length=64, unique=True, verbose_name='worker')),
                ('hostname', models.CharField(max_length=255, verbose_name='host')),
                ('pid', models.PositiveIntegerField(verbose_name='process id')),
                ('started_at', models.DateTimeField(verbose_name='started at')),
                ('seen_at', models.DateTimeField(db_index=True, verbose_name='last seen at')),
            ],
            options={
                'verbose_name': 'worker heartbeat',
                'verbose_name_plural': 'worker heartbeats',
            },
        ),
    ]
