from django.db import migrations

from docplatform.schedules import interval_schedules


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [interval_schedules(("webhooks-dispatch", "webhooks.tasks.webhooks_dispatch", 1))]
