"""/celery/: the form, queuing tasks, the result page, and a broker that is down."""

import re
import uuid
from typing import Any

import pytest
from celery import states
from celery_app import tasks
from django.core import mail
from django.test import Client
from django_celery_results.models import TaskResult
from kombu.exceptions import OperationalError

pytestmark = pytest.mark.django_db

RESULT_URL = re.compile(r"^/celery/result/(?P<id>[0-9a-f-]{36})/$")


@pytest.fixture
def signed_in(client: Client, django_user_model: Any) -> Client:
    client.force_login(django_user_model.objects.create_user("mailer", password="unused-1"))
    return client


def test_form_page_shows_the_add_and_email_forms(signed_in: Client) -> None:
    response = signed_in.get("/celery/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="x"' in body
    assert 'name="y"' in body
    assert 'name="to"' in body


def test_form_page_asks_an_anonymous_user_to_log_in_instead_of_the_email_form(
    client: Client,
) -> None:
    response = client.get("/celery/")

    body = response.content.decode()
    assert 'name="x"' in body
    assert 'name="to"' not in body
    assert 'href="/admin/login/?next=/celery/"' in body


def test_email_form_sends_an_anonymous_user_to_log_in_and_sends_nothing(client: Client) -> None:
    response = client.post(
        "/celery/email/", {"to": "someone@example.com", "subject": "Hi", "body": "Hello"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/celery/email/"
    assert mail.outbox == []


def test_posting_two_numbers_queues_add_and_redirects_to_its_result(client: Client) -> None:
    response = client.post("/celery/", {"x": "2", "y": "40"})

    assert response.status_code == 303
    match = RESULT_URL.match(response["Location"])
    assert match
    stored = TaskResult.objects.get(task_id=match["id"])
    assert stored.status == states.SUCCESS
    assert stored.task_name == "celery_app.tasks.add"


def test_form_page_lists_the_tasks_this_session_queued_newest_first(client: Client) -> None:
    assert "none yet in this session" in client.get("/celery/").content.decode()
    ids = [
        RESULT_URL.match(client.post("/celery/", {"x": "1", "y": str(n)})["Location"])["id"]
        for n in range(7)
    ]

    body = client.get("/celery/").content.decode()
    listed = re.findall(r'class="queued-task" href="/celery/result/([^/]+)/"', body)
    assert listed == ids[::-1][:5]
    # Another visitor (no session cookie) sees none of them.
    assert "none yet in this session" in Client().get("/celery/").content.decode()


def test_result_page_shows_the_result_of_a_finished_task(client: Client) -> None:
    response = client.post("/celery/", {"x": "2", "y": "40"}, follow=True)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Result: <strong>42</strong>" in body
    assert 'http-equiv="refresh"' not in body


@pytest.mark.parametrize(
    "data",
    [
        {"x": "two", "y": "3"},
        {"x": "2", "y": "3.5"},
        {"x": "2"},
        {},
        {"x": "", "y": ""},
        {"x": "1" * 30, "y": "1"},
    ],
)
def test_bad_numbers_re_render_the_form_with_errors_and_queue_nothing(
    client: Client, monkeypatch: pytest.MonkeyPatch, data: dict[str, str]
) -> None:
    queued: list[object] = []
    monkeypatch.setattr(tasks.add, "apply_async", lambda *a, **kw: queued.append(kw))

    response = client.post("/celery/", data)

    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert queued == []


def test_broker_down_when_queuing_answers_503_with_a_friendly_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.add, "apply_async", broker_down)

    response = client.post("/celery/", {"x": "1", "y": "2"})

    assert response.status_code == 503
    assert b"task queue is unreachable" in response.content


def test_result_page_of_a_pending_task_says_not_ready_and_refreshes(client: Client) -> None:
    task_id = uuid.uuid4()
    TaskResult.objects.create(task_id=str(task_id), status=states.STARTED)

    response = client.get(f"/celery/result/{task_id}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Not ready yet (state STARTED)" in body
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "no-cache" in response["Cache-Control"]


def test_result_page_of_an_unknown_task_id_shows_pending(client: Client) -> None:
    response = client.get(f"/celery/result/{uuid.uuid4()}/")

    assert response.status_code == 200
    assert b"Not ready yet (state PENDING)" in response.content


def test_result_page_of_a_malformed_task_id_is_404(client: Client) -> None:
    assert client.get("/celery/result/not-a-task-id/").status_code == 404


def test_result_page_of_a_failed_task_says_so_without_the_traceback(client: Client) -> None:
    task_id = uuid.uuid4()
    TaskResult.objects.create(
        task_id=str(task_id),
        status=states.FAILURE,
        result='{"exc_type": "ValueError", "exc_message": ["secret detail"], "exc_module": '
        '"builtins"}',
        traceback="Traceback: secret detail",
    )

    response = client.get(f"/celery/result/{task_id}/")

    assert response.status_code == 200
    assert b"The task failed (FAILURE)" in response.content
    assert b"secret detail" not in response.content


def test_posting_the_email_form_queues_send_email_which_sends_it(signed_in: Client) -> None:
    response = signed_in.post(
        "/celery/email/",
        {"to": "someone@example.com", "subject": "Hi", "body": "Hello there"},
    )

    assert response.status_code == 303
    assert RESULT_URL.match(response["Location"])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.com"]
    assert mail.outbox[0].subject == "Hi"


def test_email_form_with_a_bad_address_re_renders_with_errors(signed_in: Client) -> None:
    response = signed_in.post(
        "/celery/email/", {"to": "not-an-address", "subject": "s", "body": "b"}
    )

    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert mail.outbox == []


def test_email_form_accepts_only_post(signed_in: Client) -> None:
    assert signed_in.get("/celery/email/").status_code == 405


def test_form_rejects_a_post_without_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)

    assert client.post("/celery/", {"x": "1", "y": "2"}).status_code == 403
