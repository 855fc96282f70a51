"""Tasks that show what Celery is for: work off the request, retries, periodic jobs."""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_celery_results.models import TaskResult
from skeleton.middleware import HOSTNAME

from celery_app.models import TokenRun

logger = logging.getLogger(__name__)


@shared_task
def add(x: int, y: int) -> int:
    return x + y


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def send_email(to: str, subject: str, body: str) -> int:
    """Send one e-mail through Django's e-mail backend; retried while the server fails."""
    return send_mail(subject, body, None, [to])


@shared_task
def cleanup(days: int | None = None) -> int:
    """Delete stored task results finished more than `days` (CLEANUP_RESULTS_DAYS) ago."""
    if days is None:
        days = settings.CLEANUP_RESULTS_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = TaskResult.objects.filter(date_done__lt=cutoff).delete()
    logger.info("cleanup: deleted %d task results older than %d days", deleted, days)
    return deleted


class TaskTestError(Exception):
    """Raised on purpose to prove that task errors reach Sentry."""


@shared_task
def raise_test_error() -> None:
    raise TaskTestError(f"Deliberate test error from a Celery task on {HOSTNAME}")


@shared_task(ignore_result=True)
def record_token(batch: str, token: str, seconds: float = 0.0) -> str:
    """Record that this task ran (used to count queued tasks that were executed)."""
    if seconds > 0:
        time.sleep(seconds)
    TokenRun.objects.create(batch=batch, token=token, host=HOSTNAME, release=settings.RELEASE or "")
    return token
