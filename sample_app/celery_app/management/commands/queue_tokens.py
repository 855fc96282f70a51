"""Queue `record_token` tasks with numbered tokens, for the stack's load tests.

    django-admin queue_tokens --batch restart --count 1000 [--start 1000] [--per-second 20]

Prints {"batch": ..., "queued": N, "first": ..., "last": ...} as JSON, where "queued" counts
the publishes that returned, each one the broker took: RabbitMQ confirms each publish
(settings), Redis answers each push.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from celery_app.tasks import record_token


def token_name(batch: str, number: int) -> str:
    return f"{batch}-{number}"


class Command(BaseCommand):
    help = "Queue record_token tasks for a batch of numbered tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", required=True)
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--start", type=int, default=0, help="number of the first token")
        parser.add_argument(
            "--per-second", type=float, default=0.0, help="pace the queueing (0: at once)"
        )
        parser.add_argument(
            "--task-seconds", type=float, default=0.0, help="how long each task sleeps"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch, start, count = options["batch"], options["start"], options["count"]
        pace = 1.0 / options["per_second"] if options["per_second"] > 0 else 0.0
        began = time.monotonic()
        queued = 0
        for number in range(start, start + count):
            if pace:
                time.sleep(max(0.0, began + (number - start) * pace - time.monotonic()))
            record_token.delay(batch, token_name(batch, number), options["task_seconds"])
            queued += 1
        self.stdout.write(
            json.dumps(
                {
                    "batch": batch,
                    "queued": queued,
                    "first": token_name(batch, start),
                    "last": token_name(batch, start + count - 1),
                    "seconds": round(time.monotonic() - began, 1),
                }
            )
        )
