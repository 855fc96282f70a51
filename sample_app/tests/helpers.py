"""Shared test helpers: production-like environment values, a manage.py runner, a flaky SMTP."""

import os
import smtplib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem

APP_DIR = Path(__file__).resolve().parent.parent

# Production-like values, as the Ansible roles write them into the env file.
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SECRET_KEY": "Zq8-vN2rT7wXk4pLm9sBd6hJf3gYc1aEu5oIe0tRy2uW8xQz7vKb4nMj6hGf9dSa",
    "DJANGO_ALLOWED_HOSTS": "app.example.com,web1.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://app.example.com",
    "DATABASE_URL": "postgres://app:secret@db1:5432/app",
    "CELERY_BROKER_URL": "amqp://app:secret@broker1:5672/app",
    "DJANGO_STATIC_ROOT": "/srv/app/static",
    "DJANGO_MEDIA_ROOT": "/srv/app/media",
}


def run_manage(
    *args: str, environ: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh interpreter that sees only the given environment."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(environ)
    return subprocess.run(  # noqa: S603 -- fixed command: this interpreter running manage.py
        [sys.executable, "manage.py", *args],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class FlakyEmailBackend(locmem.EmailBackend):
    """Django's test e-mail backend behind an SMTP server whose first `failures` sends fail.

    Counts every attempt in `attempts`, on the class: each send opens a new backend.
    """

    failures = 0
    attempts = 0

    @classmethod
    def reset(cls) -> None:
        cls.failures = 0
        cls.attempts = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        cls = type(self)
        cls.attempts += 1
        if cls.attempts <= cls.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
