"""Queue a task from a form, then show its result (read from the shared result backend)."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from celery import Task
from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from kombu.exceptions import OperationalError
from skeleton.celery import app as celery_app
from skeleton.http import HttpResponseSeeOther

from celery_app.forms import AddForm, EmailForm
from celery_app.tasks import add, send_email

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 2
# The tasks this session queued, newest first, shown on the form page.
SESSION_QUEUED = "celery_queued"
SESSION_QUEUED_KEEP = 5


def _form_page(
    request: HttpRequest, add_form: Form, email_form: Form, status: int = 200
) -> HttpResponse:
    context = {
        "add_form": add_form,
        "email_form": email_form,
        "queued": request.session.get(SESSION_QUEUED, []),
    }
    return render(request, "celery_app/form.html", context, status=status)


def _queue(request: HttpRequest, task: Task, kwargs: dict[str, Any]) -> HttpResponse:
    """Queue the task and redirect to its result page; 503 if the broker is unreachable."""
    try:
        async_result = task.apply_async(kwargs=kwargs)
    except (OperationalError, OSError) as error:
        logger.error("could not queue %s: broker unreachable: %s", task.name, error)
        return render(request, "celery_app/broker_down.html", status=503)
    queued = [async_result.id, *request.session.get(SESSION_QUEUED, [])]
    request.session[SESSION_QUEUED] = queued[:SESSION_QUEUED_KEEP]
    return HttpResponseSeeOther(reverse("celery:result", args=[async_result.id]))


@require_http_methods(["GET", "HEAD", "POST"])
def add_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, AddForm(), EmailForm())
    form = AddForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, EmailForm(), status=400)
    return _queue(request, add, {"x": form.cleaned_data["x"], "y": form.cleaned_data["y"]})


@require_POST
@login_required
def email_form(request: HttpRequest) -> HttpResponse:
    """Signed-in users only: an anonymous form that sends mail would relay spam."""
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _form_page(request, AddForm(), form, status=400)
    return _queue(request, send_email, dict(form.cleaned_data))


@never_cache
@require_safe
def result(request: HttpRequest, task_id: UUID) -> HttpResponse:
    async_result = AsyncResult(str(task_id), app=celery_app)
    state = async_result.state
    context = {
        "task_id": str(task_id),
        "task_name": getattr(async_result, "name", None),
        "state": state,
        "ready": async_result.ready(),
        "successful": async_result.successful(),
        "value": async_result.result if async_result.successful() else None,
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "celery_app/result.html", context)
