"""Count the tokens of a batch whose `record_token` task ran, for the stack's load tests.

    django-admin count_tokens --batch restart

Prints {"batch": ..., "done": distinct tokens that ran, "runs": executions} as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from celery_app.models import TokenRun


class Command(BaseCommand):
    help = "Count the distinct tokens of a batch that were recorded by record_token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        runs = TokenRun.objects.filter(batch=options["batch"])
        self.stdout.write(
            json.dumps(
                {
                    "batch": options["batch"],
                    "done": runs.values("token").distinct().count(),
                    "runs": runs.count(),
                    "hosts": sorted(runs.values_list("host", flat=True).distinct()),
                }
            )
        )
