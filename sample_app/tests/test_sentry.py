"""Sentry: off without a DSN, tagged with release and environment, the test-error command."""

from typing import Any

import pytest
import sentry_sdk
from django.core.management import CommandError, call_command
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport
from skeleton.env import read_config
from skeleton.sentry import init_sentry, sentry_is_active

from tests.helpers import PRODUCTION_ENVIRONMENT

FAKE_DSN = "https://publickey@sentry.invalid/42"


class CapturingTransport(Transport):
    """Keeps envelopes in memory instead of sending them anywhere."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        return [event for env in self.envelopes if (event := env.get_event()) is not None]


@pytest.fixture
def sentry_transport(no_sentry_afterwards: None) -> CapturingTransport:
    """Sentry switched on as production does it, with a fake DSN and a capturing transport."""
    transport = CapturingTransport()
    config = read_config(
        {
            **PRODUCTION_ENVIRONMENT,
            "SENTRY_DSN": FAKE_DSN,
            "SENTRY_ENVIRONMENT": "staging",
            "SENTRY_RELEASE": "v1.2.3",
        }
    )
    assert init_sentry(config, transport=transport) is True
    return transport


def test_sentry_stays_off_without_a_dsn() -> None:
    assert init_sentry(read_config(PRODUCTION_ENVIRONMENT)) is False
    assert not sentry_is_active()


def test_sentry_is_tagged_with_release_and_environment_and_sends_no_pii(
    sentry_transport: CapturingTransport,
) -> None:
    options = sentry_sdk.get_client().options

    assert options["release"] == "v1.2.3"
    assert options["environment"] == "staging"
    assert sentry_sdk.get_client().should_send_default_pii() is False
    assert options["traces_sample_rate"] == 0.0
    integrations = {type(i).__name__ for i in sentry_sdk.get_client().integrations.values()}
    assert {"DjangoIntegration", "CeleryIntegration"} <= integrations


def test_sentry_test_error_command_without_dsn_says_sentry_is_not_configured() -> None:
    with pytest.raises(CommandError, match="Sentry is not configured"):
        call_command("sentry_test_error")


def test_sentry_test_error_command_sends_an_event_and_prints_its_id(
    sentry_transport: CapturingTransport, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("sentry_test_error")

    events = sentry_transport.events()
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "SentryTestError"
    assert event["release"] == "v1.2.3"
    assert event["environment"] == "staging"
    assert f"event id: {event['event_id']}" in capsys.readouterr().out
