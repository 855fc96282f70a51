"""The Celery tasks, the beat schedule, and the delivery settings the deployment relies on."""

import os
import smtplib
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

from tests.helpers import FlakyEmailBackend


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


@pytest.fixture
def flaky_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FlakyEmailBackend]]:
    """Django's e-mail backend behind an SMTP server that fails the first few sends.

    Eager tasks run as a worker runs them: errors end up in the result instead of being
    raised at the caller. With task_eager_propagates (the tests' setting) an eager retry is
    raised as an exception instead of being run.
    """
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    FlakyEmailBackend.reset()
    with override_settings(EMAIL_BACKEND="tests.helpers.FlakyEmailBackend"):
        yield FlakyEmailBackend
    FlakyEmailBackend.reset()


# Eager mode runs a retry at once, in this process (the countdown of retry_backoff is not
# waited for), through the same autoretry code a worker runs.
@pytest.mark.django_db
def test_send_email_that_fails_with_an_smtp_error_is_retried_and_sent(
    flaky_smtp: type[FlakyEmailBackend],
) -> None:
    flaky_smtp.failures = 2

    result = tasks.send_email.delay("to@example.com", "Subject", "Body")

    assert result.get(timeout=1) == 1
    assert flaky_smtp.attempts == 3
    assert [message.to for message in mail.outbox] == [["to@example.com"]]


@pytest.mark.django_db
def test_send_email_gives_up_after_five_retries(flaky_smtp: type[FlakyEmailBackend]) -> None:
    flaky_smtp.failures = 100

    result = tasks.send_email.delay("to@example.com", "Subject", "Body")

    assert result.state == "FAILURE"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        result.get(timeout=1)
    assert flaky_smtp.attempts == 1 + 5
    assert mail.outbox == []


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


def test_celery_delivery_settings_are_the_ones_the_deployment_relies_on() -> None:
    """A statement of the configuration, not proof of what it is for.

    Messages persistent in durable queues survive a RabbitMQ restart: the stack scenario
    proves that (molecule/resources/verify/faults.yml, "Stop RabbitMQ for a while": a task
    queued before the outage runs after it). That a worker killed mid-task leaves its
    message to be delivered again (acks_late, reject_on_worker_lost, prefetch 1) is proven
    by no test yet: the Celery kill there happens while the worker is idle.
    """
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
