import shutil
from collections.abc import Iterator

import pytest
import sentry_sdk
from django.conf import settings
from skeleton import health


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(settings.TEST_TMP_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_health_caches() -> Iterator[None]:
    health.reset_caches()
    yield
    health.reset_caches()


@pytest.fixture
def no_sentry_afterwards() -> Iterator[None]:
    """Switch Sentry off again after a test that switched it on."""
    yield
    sentry_sdk.get_global_scope().set_client(None)
