"""Recurring django-q2 tasks, created by data migrations (one per app that owns tasks)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def interval_schedules(*schedules: tuple[str, str, int]) -> migrations.RunPython:
    """A migration operation that creates ``(name, func, every_minutes)`` schedules.

    Re-running it updates them in place; reversing it deletes them.
    """

    def create(apps: Any, schema_editor: Any) -> None:
        schedule = apps.get_model("django_q", "Schedule")
        for name, func, minutes in schedules:
            schedule.objects.update_or_create(
                name=name,
                defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
            )

    def delete(apps: Any, schema_editor: Any) -> None:
        names = [name for name, _, _ in schedules]
        apps.get_model("django_q", "Schedule").objects.filter(name__in=names).delete()

    return migrations.RunPython(create, delete)
