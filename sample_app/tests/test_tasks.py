"""The Celery tasks, the beat schedule, and the settings that keep tasks from being lost."""

import os
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery import Celery
from celery_app import tasks
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_celery_results.models import TaskResult
from kombu.exceptions import OperationalError
from skeleton.celery import app


@pytest.mark.django_db
def test_add_adds() -> None:
    assert tasks.add(2, 3) == 5
    assert tasks.add.delay(-1, 1).get(timeout=1) == 0


def test_send_email_sends_through_the_django_backend() -> None:
    sent = tasks.send_email("to@example.com", "Subject", "Body")

    assert sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["to@example.com"]
    assert mail.outbox[0].body == "Body"


def test_send_email_is_retried_on_smtp_errors() -> None:
    assert OSError in tasks.send_email.autoretry_for
    assert tasks.send_email.max_retries == 5


def make_result(task_id: str, age: timedelta) -> None:
    TaskResult.objects.create(task_id=task_id, status="SUCCESS")
    # date_done is set on save (auto_now); backdate it.
    TaskResult.objects.filter(task_id=task_id).update(date_done=timezone.now() - age)


@pytest.mark.django_db
def test_cleanup_deletes_only_results_older_than_the_given_days() -> None:
    make_result("old", timedelta(days=3, minutes=1))
    make_result("recent", timedelta(days=2, hours=23))

    assert tasks.cleanup(days=3) == 1

    assert list(TaskResult.objects.values_list("task_id", flat=True)) == ["recent"]


@pytest.mark.django_db
@override_settings(CLEANUP_RESULTS_DAYS=7)
def test_cleanup_defaults_to_cleanup_results_days() -> None:
    make_result("eight-days", timedelta(days=8))
    make_result("six-days", timedelta(days=6))

    assert tasks.cleanup() == 1

    assert TaskResult.objects.filter(task_id="six-days").exists()


def test_raise_test_error_raises() -> None:
    with pytest.raises(tasks.TaskTestError, match="Deliberate test error"):
        tasks.raise_test_error()


def test_beat_runs_cleanup_every_hour() -> None:
    entry = app.conf.beat_schedule["cleanup-task-results"]

    assert entry["task"] == "celery_app.tasks.cleanup"
    assert entry["schedule"] == timedelta(hours=1)
    assert app.conf.result_expires is None  # no second, built-in cleanup with another age


def test_all_tasks_are_registered_with_the_app() -> None:
    app.loader.import_default_modules()
    expected = {"add", "send_email", "cleanup", "raise_test_error"}

    assert {f"celery_app.tasks.{name}" for name in expected} <= set(app.tasks)


def test_celery_is_configured_not_to_lose_tasks() -> None:
    conf = app.conf

    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_default_delivery_mode == "persistent"
    assert all(queue.durable for queue in conf.task_queues)
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.broker_connection_retry_on_startup is True
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    assert conf.result_extended is True
    assert conf.result_backend == "django-db"


@pytest.fixture
def unreachable_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Celery]:
    """A Celery app with the project's settings, but not eager and a broker that is gone."""
    # Celery lets the environment variable win over the settings; the test env sets it.
    monkeypatch.delenv("CELERY_BROKER_URL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    celery = Celery("unreachable", set_as_current=False)
    celery.config_from_object("django.conf:settings", namespace="CELERY")
    celery.conf.broker_url = f"amqp://guest:guest@127.0.0.1:{port}//"
    celery.conf.task_always_eager = False
    yield celery
    celery.close()


def test_publishing_to_an_unreachable_broker_fails_within_seconds(
    unreachable_app: Celery,
) -> None:
    assert "CELERY_BROKER_URL" not in os.environ
    started = time.monotonic()

    with pytest.raises(OperationalError):
        unreachable_app.send_task("celery_app.tasks.add", kwargs={"x": 1, "y": 2})

    assert time.monotonic() - started < 5
