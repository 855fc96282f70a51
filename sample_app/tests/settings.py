"""Settings for the test run: the real settings module, fed with test environment values.

pytest-django imports the settings before any conftest runs, so the environment is set
here. Nothing external is used: SQLite in a temporary directory, the in-memory broker,
tasks run eagerly.
"""

import importlib
import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="skeleton-tests-"))

TEST_TMP_DIR = _TMP

TEST_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "test-secret-key-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
    # Tests talk plain HTTP; the redirect itself has a test with SECURE_SSL_REDIRECT on.
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"sqlite:///{_TMP / 'db.sqlite3'}",
    "CELERY_BROKER_URL": "memory://localhost/",
    "CELERY_RESULT_BACKEND": "django-db",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "CELERY_BEAT_SCHEDULE_FILENAME": str(_TMP / "celerybeat-schedule"),
    "DJANGO_STATIC_ROOT": str(_TMP / "static"),
    "DJANGO_MEDIA_ROOT": str(_TMP / "media"),
    "SENTRY_DSN": "",
    "SENTRY_RELEASE": "test-release",
}
for _name, _value in TEST_ENVIRONMENT.items():
    os.environ[_name] = _value

# Take over every setting of the real module (the equivalent of `from ... import *`).
globals().update(
    {
        name: value
        for name, value in vars(importlib.import_module("skeleton.settings")).items()
        if name.isupper()
    }
)

# Templates render {% static %} without a collectstatic run; the manifest storage of
# production has its own test (tests/test_static.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
