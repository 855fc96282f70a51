"""Sentry error reporting, switched on only when SENTRY_DSN is set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

if TYPE_CHECKING:
    from skeleton.env import Config


def init_sentry(config: Config, **extra_options: Any) -> bool:
    """Initialise sentry-sdk from the configuration; return whether Sentry is on.

    `extra_options` go to sentry_sdk.init as they are (tests pass a fake transport).
    """
    if not config.sentry_dsn:
        return False
    sentry_sdk.init(
        dsn=config.sentry_dsn,
        environment=config.sentry_environment,
        release=config.release or None,
        # No personal data (user ids, IPs, cookies, bodies): the SDK default. The explicit
        # send_default_pii=False of older SDKs is deprecated (in favour of data_collection).
        traces_sample_rate=config.sentry_traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        **extra_options,
    )
    return True


def sentry_is_active() -> bool:
    client = sentry_sdk.get_client()
    return client.is_active() and bool(client.dsn)
