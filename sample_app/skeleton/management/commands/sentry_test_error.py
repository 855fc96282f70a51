"""`manage.py sentry_test_error`: send a deliberate test error to Sentry and wait for it."""

from __future__ import annotations

from typing import Any

import sentry_sdk
from django.core.management.base import BaseCommand, CommandError

from skeleton.middleware import HOSTNAME
from skeleton.sentry import sentry_is_active
from skeleton.views import SentryTestError


class Command(BaseCommand):
    help = "Capture a deliberate test exception, send it to Sentry and print the event id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            help="seconds to wait for the event to be sent (default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not sentry_is_active():
            raise CommandError("Sentry is not configured: SENTRY_DSN is empty, nothing was sent.")
        try:
            raise SentryTestError(f"Deliberate test error from manage.py on {HOSTNAME}")
        except SentryTestError as error:
            event_id = sentry_sdk.capture_exception(error)
        sentry_sdk.flush(timeout=options["timeout"])
        if event_id is None:
            raise CommandError("Sentry dropped the test event (sampling or a before_send hook).")
        self.stdout.write(f"Sent test error to Sentry, event id: {event_id}")
