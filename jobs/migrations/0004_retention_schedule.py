from django.db import migrations


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="retention-purge",
        defaults={
            "func": "jobs.tasks.retention_purge",
            "schedule_type": "I",
            "minutes": 10,
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="retention-purge").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_retention_idempotency_webhook_url"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
