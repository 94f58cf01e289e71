from django.db import migrations

from docplatform.schedules import interval_schedules


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        interval_schedules(
            ("jobs-reconcile", "jobs.tasks.jobs_reconcile", 5),
            ("retention-purge", "jobs.tasks.retention_purge", 10),
        )
    ]
