"""Static files: collectstatic with the production manifest storage gives hashed names."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from skeleton import settings as production_settings


def test_production_uses_the_manifest_storage_and_media_settings() -> None:
    staticfiles = production_settings.STORAGES["staticfiles"]["BACKEND"]

    assert staticfiles == "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    assert production_settings.STATIC_URL == "/static/"
    assert production_settings.MEDIA_URL == "/media/"


@pytest.mark.django_db
def test_collectstatic_writes_hashed_files_that_pages_link_to(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=production_settings.STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        home = Client().get("/").content.decode()

    for name in ("skeleton/site.css", "celery_app/celery.css", "admin/css/base.css"):
        hashed = manifest[name]
        assert re.search(r"\.[0-9a-f]{12}\.css$", hashed)
        assert (tmp_path / hashed).is_file()
    assert f'href="/static/{manifest["skeleton/site.css"]}"' in home
