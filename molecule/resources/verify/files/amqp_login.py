#!/usr/bin/python3
"""Try an AMQP 0-9-1 login (PLAIN) and say why it ended, as JSON. Standard library only
(it runs on the hosts through `script`, which may lack pika).

    amqp_login.py HOST PORT USER       (the password comes from $AMQP_PASSWORD)

Over TLS when $AMQP_CA_FILE names the CA certificate the broker's must come from, for HOST
(as the app's Celery checks it); then "tls" in the result is the protocol and cipher.

The client announces the capability authentication_failure_close, so RabbitMQ answers
a refused login with Connection.Close 403 ACCESS_REFUSED and a reason instead of just
resetting the socket, which says nothing about why.
Outcomes:

  "accepted"      the broker went on to Connection.Tune;
  "auth_refused"  Connection.Close 403 "Login was refused using authentication mechanism
                  PLAIN": the broker refused these credentials;
  "closed"        the broker closed the socket after the credentials without a Close;
  "tls_refused"   the broker's certificate is not from that CA, or not for HOST;
  "unreachable"   no connection, or no Connection.Start;
  "error"         anything else (another reply code, text or method, a timeout).

RabbitMQ (3.10 to 4.x) sends that same text when the credentials are right but the user
may only connect via localhost (guest with its default password): only its log tells
the two apart. So auth_refused for guest does not prove guest is gone; the caller proves
that with `rabbitmqctl list_users`.

Always exits 0: the playbook asserts on the outcome.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import struct
import sys

FRAME_METHOD = 1
FRAME_END = b"\xce"
CONNECTION_START = (10, 10)
CONNECTION_START_OK = (10, 11)
CONNECTION_TUNE = (10, 30)
CONNECTION_CLOSE = (10, 50)
ACCESS_REFUSED = 403


class Closed(Exception):
    """The broker closed the socket."""


def shortstr(value: str) -> bytes:
    data = value.encode()
    return struct.pack("!B", len(data)) + data


def longstr(value: bytes) -> bytes:
    return struct.pack("!I", len(value)) + value


def table(fields: dict[str, object]) -> bytes:
    """An AMQP field table of strings, booleans and nested tables."""
    body = b""
    for name, value in fields.items():
        if isinstance(value, bool):
            encoded = b"t" + struct.pack("!B", value)
        elif isinstance(value, dict):
            encoded = b"F" + table(value)
        else:
            encoded = b"S" + longstr(str(value).encode())
        body += shortstr(name) + encoded
    return longstr(body)


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    """size bytes, or fewer if the broker closes first (a TLS socket takes no MSG_WAITALL)."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[tuple[int, int], bytes]:
    """The next method frame: its (class, method) and its arguments."""
    header = recv_exactly(sock, 7)
    if len(header) < 7:
        raise Closed(f"after {len(header)} bytes of a frame header")
    frame_type, _channel, size = struct.unpack("!BHI", header)
    if frame_type != FRAME_METHOD:
        raise ValueError(f"not a method frame: type {frame_type}")
    payload = recv_exactly(sock, size + 1)
    if len(payload) < size + 1:
        raise Closed("inside a frame")
    if payload[-1:] != FRAME_END:
        raise ValueError("a frame without its end")
    class_id, method_id = struct.unpack("!HH", payload[:4])
    return (class_id, method_id), payload[4:-1]


def start_ok(user: str, password: str) -> bytes:
    response = f"\0{user}\0{password}".encode()
    args = (
        table(
            {
                "product": "amqp_login.py",
                "capabilities": {"authentication_failure_close": True},
            }
        )
        + shortstr("PLAIN")
        + longstr(response)
        + shortstr("en_US")
    )
    payload = struct.pack("!HH", *CONNECTION_START_OK) + args
    return struct.pack("!BHI", FRAME_METHOD, 0, len(payload)) + payload + FRAME_END


def classify_close(args: bytes) -> dict[str, str]:
    code = struct.unpack("!H", args[:2])[0]
    text = args[3 : 3 + args[2]].decode(errors="replace")
    detail = f"Connection.Close {code} {text}"
    if code == ACCESS_REFUSED and "Login was refused" in text:
        return {"outcome": "auth_refused", "detail": detail}
    return {"outcome": "error", "detail": detail}


def login(host: str, port: int, user: str, password: str, ca_file: str) -> dict[str, str]:
    try:
        sock = socket.create_connection((host, port), timeout=10)
    except OSError as error:
        return {"outcome": "unreachable", "detail": repr(error)}
    if ca_file:
        try:
            context = ssl.create_default_context(cafile=ca_file)
            sock = context.wrap_socket(sock, server_hostname=host)
        except ssl.SSLCertVerificationError as error:
            sock.close()
            return {"outcome": "tls_refused", "detail": repr(error)}
        except OSError as error:
            sock.close()
            return {"outcome": "unreachable", "detail": f"no TLS: {error!r}"}
    # Read before talk() closes the socket.
    tls = f"{sock.version()} {sock.cipher()[0]}" if isinstance(sock, ssl.SSLSocket) else ""
    result = talk(sock, user, password)
    if tls:
        result["tls"] = tls
    return result


def talk(sock: socket.socket, user: str, password: str) -> dict[str, str]:
    with sock:
        try:
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            method, _args = read_frame(sock)
        except (OSError, Closed, ValueError, struct.error) as error:
            return {"outcome": "unreachable", "detail": f"no Connection.Start: {error!r}"}
        if method != CONNECTION_START:
            return {"outcome": "unreachable", "detail": f"expected Connection.Start, got {method}"}
        try:
            sock.sendall(start_ok(user, password))
            method, args = read_frame(sock)
        except (Closed, ConnectionResetError) as error:
            return {"outcome": "closed", "detail": f"closed after the credentials: {error!r}"}
        except (OSError, ValueError, struct.error) as error:
            return {"outcome": "error", "detail": f"after the credentials: {error!r}"}
        if method == CONNECTION_TUNE:
            return {"outcome": "accepted", "detail": "Connection.Tune"}
        if method == CONNECTION_CLOSE:
            return classify_close(args)
        return {"outcome": "error", "detail": f"unexpected method {method}"}


def main() -> None:
    host, port, user = sys.argv[1:4]
    password, ca_file = os.environ.get("AMQP_PASSWORD", ""), os.environ.get("AMQP_CA_FILE", "")
    print(json.dumps(login(host, int(port), user, password, ca_file)))


if __name__ == "__main__":
    main()
