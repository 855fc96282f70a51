"""record_token and the queue_tokens / count_tokens commands the stack's load tests use."""

import json
from io import StringIO

import pytest
from celery_app import tasks
from celery_app.models import TokenRun
from django.core.management import call_command


def run_command(*args: str) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_record_token_records_each_run() -> None:
    assert tasks.record_token("b", "b-1") == "b-1"
    tasks.record_token("b", "b-1")

    runs = TokenRun.objects.filter(token="b-1")
    assert runs.count() == 2
    assert runs.first().release == "test-release"


@pytest.mark.django_db
def test_queue_tokens_queues_numbered_tokens_that_count_tokens_counts() -> None:
    queued = run_command("queue_tokens", "--batch", "b", "--count", "5", "--start", "10")

    assert queued["queued"] == 5
    assert (queued["first"], queued["last"]) == ("b-10", "b-14")
    tokens = set(TokenRun.objects.filter(batch="b").values_list("token", flat=True))
    assert tokens == {f"b-{number}" for number in range(10, 15)}


@pytest.mark.django_db
def test_count_tokens_counts_distinct_tokens_once_and_every_run() -> None:
    tasks.record_token("b", "b-0")
    tasks.record_token("b", "b-0")
    tasks.record_token("b", "b-1")
    tasks.record_token("other", "other-0")

    counted = run_command("count_tokens", "--batch", "b")

    assert (counted["done"], counted["runs"]) == (2, 3)
    assert counted["hosts"] == [TokenRun.objects.first().host]


@pytest.mark.django_db
def test_queue_tokens_paces_the_queueing() -> None:
    queued = run_command("queue_tokens", "--batch", "p", "--count", "3", "--per-second", "20")

    assert queued["seconds"] >= 0.1
    assert TokenRun.objects.filter(batch="p").count() == 3
