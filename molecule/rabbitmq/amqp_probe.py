#!/usr/bin/python3
"""Talk AMQP to a broker the way the app does, and print what happened as JSON.

    amqp_probe.py HOST PORT VHOST USER [UNTIL]  (the password comes from $AMQP_PASSWORD)

Over TLS when $AMQP_CA_FILE names the CA certificate the broker's must come from, for the
name $AMQP_SERVER_NAME (default HOST), as the app's Celery checks it. With UNTIL, a file's
path, the connection is held open until that file exists (at most 10 minutes), then does its
roundtrip: a connection held across a change on the broker.

Outcomes: "roundtrip" (a message was published to a new queue and consumed back),
"auth_refused" (bad user or password), "vhost_refused" (no access to the vhost),
"tls_refused" (the broker's certificate is not from that CA, or not for that name),
"unreachable" (no connection at all), "error" (anything else); with TLS, "tls" is the
protocol and cipher. Always exits 0: the playbook asserts on the outcome.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import uuid

import pika
from pika import exceptions


def classify(err: Exception) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in repr(err):
        return "tls_refused"
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


def tls_options(host: str) -> pika.SSLOptions | None:
    ca_file = os.environ.get("AMQP_CA_FILE")
    if not ca_file:
        return None
    context = ssl.create_default_context(cafile=ca_file)
    return pika.SSLOptions(context, server_hostname=os.environ.get("AMQP_SERVER_NAME", host))


def tls_in_use(connection: pika.BlockingConnection) -> str:
    sock = connection._impl._transport._sock  # the only way pika shows its socket
    if not isinstance(sock, ssl.SSLSocket):
        return ""
    return f"{sock.version()} {sock.cipher()[0]}"


def main() -> None:
    host, port, vhost, user = sys.argv[1:5]
    until = sys.argv[5] if len(sys.argv) > 5 else ""
    params = pika.ConnectionParameters(
        host=host,
        port=int(port),
        virtual_host=vhost,
        credentials=pika.PlainCredentials(user, os.environ["AMQP_PASSWORD"]),
        ssl_options=tls_options(host),
        connection_attempts=1,
        socket_timeout=5,
        blocked_connection_timeout=5,
        heartbeat=60,
    )
    try:
        connection = pika.BlockingConnection(params)
    # pika raises a failed certificate check as it is, not as an AMQP error.
    except (exceptions.AMQPError, ssl.SSLError) as err:
        print(json.dumps({"outcome": classify(err), "detail": repr(err)}))
        return
    try:
        tls = tls_in_use(connection)
        deadline = time.monotonic() + 600
        while until and not os.path.exists(until) and time.monotonic() < deadline:
            connection.sleep(0.5)
        outcome = "roundtrip" if roundtrip(connection) else "error"
        print(json.dumps({"outcome": outcome, "detail": "", "tls": tls}))
    finally:
        connection.close()


if __name__ == "__main__":
    main()
