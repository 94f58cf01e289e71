"""Run the whole platform: migrations, static files, the web server and the queue worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _killpg(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Command(BaseCommand):
    help = "Apply migrations, then run gunicorn and the supervised queue worker until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("DOCPLATFORM_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("DOCPLATFORM_WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="Run the web server only.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "docplatform.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["web_workers"]),
                "--timeout",
                "120",
                "--graceful-timeout",
                "20",
                "--access-logfile",
                "-",
            ]
        ]
        if not options["no_worker"]:
            commands.append([*manage, "worker"])
        # Each child leads a process group of its own, so that stopping kills all it started.
        children = [
            subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True) for cmd in commands
        ]
        self.stdout.write(f"Serving on http://{options['bind']}/ (Ctrl-C to stop)", ending="\n")
        self.stdout.flush()
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # If one child dies, stop the other: a web server without a worker accepts jobs
        # that never run. (The worker restarts its own clusters; it exits only on failure.)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        # The worker gives running jobs DOCPLATFORM_STOP_SECONDS, then kills its clusters.
        deadline = time.monotonic() + settings.DOCPLATFORM_STOP_SECONDS + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for child in children:
            _killpg(child)
            child.wait()
        codes = [child.returncode for child in children]
        if not stopping or any(
            code not in (0, -signal.SIGTERM, -signal.SIGINT, -signal.SIGKILL) for code in codes
        ):
            sys.exit(1)
