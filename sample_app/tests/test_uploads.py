"""/uploads/ and /media/: a file uploaded is listed and served, on the filesystem and on an
S3-protocol server (moto's, standing in for the object storage every web host shares)."""

from collections.abc import Iterator

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from moto.server import ThreadedMotoServer
from uploads.models import Upload

pytestmark = pytest.mark.django_db

BUCKET = "skeleton-media"


def upload(client: Client, name: str, content: bytes) -> Upload:
    response = client.post("/uploads/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 303
    assert response["Location"] == "/uploads/"
    return Upload.objects.get(name=name)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The default storage on a fresh bucket of a real S3-protocol server on loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    storages = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "addressing_style": "path",
                "location": "media",
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=storages):
            yield client
    finally:
        server.stop()


def test_a_file_uploaded_is_listed_and_served_with_its_bytes(client: Client) -> None:
    saved = upload(client, "notes.txt", b"written on one web host\n")

    page = client.get("/uploads/").content.decode()
    served = client.get(f"/media/{saved.file.name}")

    assert f'href="/media/{saved.file.name}"' in page
    assert "notes.txt" in page
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"written on one web host\n"
    assert served["Content-Type"] == "text/plain"
    assert saved.size == 24


def test_a_file_uploaded_goes_to_the_shared_bucket_and_is_served_from_it(
    client: Client, s3
) -> None:
    saved = upload(client, "photo.png", b"\x89PNG not really")

    stored = s3.get_object(Bucket=BUCKET, Key=f"media/{saved.file.name}")["Body"].read()
    served = client.get(f"/media/{saved.file.name}")

    assert stored == b"\x89PNG not really"
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"\x89PNG not really"
    assert served["Content-Type"] == "image/png"
    assert "attachment" not in served.get("Content-Disposition", "")


def test_two_uploads_of_the_same_name_keep_both_files(client: Client, s3) -> None:
    first = upload(client, "report.txt", b"first")
    Upload.objects.filter(pk=first.pk).update(name="report-first.txt")
    second = upload(client, "report.txt", b"second")

    assert first.file.name != second.file.name
    assert b"".join(client.get(f"/media/{first.file.name}").streaming_content) == b"first"
    assert b"".join(client.get(f"/media/{second.file.name}").streaming_content) == b"second"


def test_a_file_a_browser_would_run_is_downloaded_and_sandboxed(client: Client) -> None:
    saved = upload(client, "page.html", b"<script>alert(document.cookie)</script>")

    served = client.get(f"/media/{saved.file.name}")

    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_only_recorded_uploads_are_served(client: Client, s3) -> None:
    s3.put_object(Bucket=BUCKET, Key="media/secret.txt", Body=b"not an upload")

    assert client.get("/media/secret.txt").status_code == 404
    assert client.get("/media/../settings.py").status_code == 404


def test_an_upload_missing_from_the_storage_answers_404(client: Client, s3) -> None:
    saved = upload(client, "gone.txt", b"soon gone")
    default_storage.delete(saved.file.name)

    assert client.get(f"/media/{saved.file.name}").status_code == 404


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(client: Client, settings) -> None:
    settings.UPLOADS_MAX_BYTES = 10

    response = client.post("/uploads/", {"file": SimpleUploadedFile("big.bin", b"x" * 11)})

    assert response.status_code == 400
    assert "At most 10" in response.content.decode()
    assert not Upload.objects.exists()
