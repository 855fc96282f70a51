"""Upload a file and list the uploads; serve an uploaded file on any web host.

The files are in the default storage: with object storage (AWS_STORAGE_BUCKET_NAME), every
web host reads the same bucket, so a file uploaded through one is served by all of them,
whatever release they run. Only files recorded as uploads are served, so a path names
nothing else in the bucket. A type a browser could run (HTML, SVG, ...) is sent as an
attachment and sandboxed: an upload never runs as this site's page.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from skeleton.http import HttpResponseSeeOther

from uploads.forms import UploadForm
from uploads.models import Upload

logger = logging.getLogger(__name__)

LISTED = 50
# Shown in the browser; anything else is downloaded.
INLINE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "application/pdf",
}


@require_http_methods(["GET", "HEAD", "POST"])
def uploads(request: HttpRequest) -> HttpResponse:
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            saved = Upload.objects.create(file=upload, name=upload.name, size=upload.size)
            logger.info("stored upload %s as %s", upload.name, saved.file.name)
            return HttpResponseSeeOther(reverse("uploads:list"))
        status = 400
    context = {"form": form, "uploads": Upload.objects.all()[:LISTED]}
    return render(request, "uploads/list.html", context, status=status)


@require_safe
def media(request: HttpRequest, name: str) -> FileResponse:
    if not Upload.objects.filter(file=name).exists():
        raise Http404("no such upload")
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        logger.error("upload %s is recorded but not in the storage", name)
        raise Http404("no such upload") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=PurePosixPath(name).name,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
