#!/usr/bin/python3
"""Talk AMQP to a broker the way the app does, and print what happened as JSON.

    amqp_probe.py HOST PORT VHOST USER      (the password comes from $AMQP_PASSWORD)

Outcomes: "roundtrip" (a message was published to a new queue and consumed back),
"auth_refused" (bad user or password), "vhost_refused" (no access to the vhost),
"unreachable" (no connection at all), "error" (anything else). Always exits 0: the
playbook asserts on the outcome.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid

import pika
from pika import exceptions


def classify(err: Exception) -> str:
    if isinstance(err, exceptions.ProbableAuthenticationError | exceptions.AuthenticationError):
        return "auth_refused"
    if isinstance(err, exceptions.ProbableAccessDeniedError):
        return "vhost_refused"
    if isinstance(err, exceptions.ConnectionClosedByBroker):
        # 403 ACCESS_REFUSED: credentials; 530 NOT_ALLOWED: the vhost.
        return {403: "auth_refused", 530: "vhost_refused"}.get(err.reply_code, "error")
    if isinstance(err, exceptions.AMQPConnectionError):
        return "unreachable"
    return "error"


def roundtrip(connection: pika.BlockingConnection) -> bool:
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"molecule-verify-{uuid.uuid4().hex}"
    body = uuid.uuid4().bytes
    channel.queue_declare(queue=queue, auto_delete=True)
    channel.basic_publish(exchange="", routing_key=queue, body=body, mandatory=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        method, _properties, received = channel.basic_get(queue=queue, auto_ack=True)
        if method is not None:
            channel.queue_delete(queue=queue)
            return received == body
        time.sleep(0.2)
    return False


def main() -> None:
    host, port, vhost, user = sys.argv[1:5]
    params = pika.ConnectionParameters(
        host=host,
        port=int(port),
        virtual_host=vhost,
        credentials=pika.PlainCredentials(user, os.environ["AMQP_PASSWORD"]),
        connection_attempts=1,
        socket_timeout=5,
        blocked_connection_timeout=5,
    )
    try:
        connection = pika.BlockingConnection(params)
    except exceptions.AMQPError as err:
        print(json.dumps({"outcome": classify(err), "detail": repr(err)}))
        return
    try:
        outcome = "roundtrip" if roundtrip(connection) else "error"
        print(json.dumps({"outcome": outcome, "detail": ""}))
    finally:
        connection.close()


if __name__ == "__main__":
    main()
