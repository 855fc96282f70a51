#!/usr/bin/python3
"""Try an AMQP 0-9-1 login (PLAIN) and print the outcome as JSON. Standard library only.

    amqp_login.py HOST PORT USER       (the password comes from $AMQP_PASSWORD)

Outcomes: "accepted" (the broker went on to Connection.Tune), "refused" (the broker
closed the connection after our credentials), "unreachable" (no connection or no
Connection.Start), "error". Always exits 0: the playbook asserts on the outcome.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys

FRAME_END = b"\xce"


def read_frame(sock: socket.socket) -> tuple[int, int, bytes]:
    header = sock.recv(7, socket.MSG_WAITALL)
    if len(header) < 7:
        raise ConnectionError("connection closed")
    frame_type, _channel, size = struct.unpack("!BHI", header)
    payload = sock.recv(size + 1, socket.MSG_WAITALL)
    class_id, method_id = struct.unpack("!HH", payload[:4])
    return frame_type, class_id * 100 + method_id, payload


def start_ok(user: str, password: str) -> bytes:
    response = f"\0{user}\0{password}".encode()
    args = (
        struct.pack("!I", 0)  # client properties: an empty table
        + b"\x05PLAIN"
        + struct.pack("!I", len(response))
        + response
        + b"\x05en_US"
    )
    payload = struct.pack("!HH", 10, 11) + args
    return struct.pack("!BHI", 1, 0, len(payload)) + payload + FRAME_END


def login(host: str, port: int, user: str, password: str) -> dict[str, str]:
    try:
        sock = socket.create_connection((host, port), timeout=10)
    except OSError as error:
        return {"outcome": "unreachable", "detail": repr(error)}
    with sock:
        sock.sendall(b"AMQP\x00\x00\x09\x01")
        try:
            _type, method, _payload = read_frame(sock)
        except (OSError, struct.error) as error:
            return {"outcome": "unreachable", "detail": repr(error)}
        if method != 1010:  # Connection.Start
            return {"outcome": "error", "detail": f"expected Connection.Start, got {method}"}
        sock.sendall(start_ok(user, password))
        try:
            _type, method, payload = read_frame(sock)
        except (OSError, struct.error) as error:
            return {"outcome": "refused", "detail": f"closed after the credentials: {error!r}"}
        if method == 1030:  # Connection.Tune: the credentials were accepted
            return {"outcome": "accepted", "detail": "Connection.Tune"}
        if method == 1050:  # Connection.Close
            code = struct.unpack("!H", payload[4:6])[0]
            text = payload[7 : 7 + payload[6]].decode(errors="replace")
            return {"outcome": "refused", "detail": f"Connection.Close {code} {text}"}
        return {"outcome": "error", "detail": f"unexpected method {method}"}


def main() -> None:
    host, port, user = sys.argv[1:4]
    print(json.dumps(login(host, int(port), user, os.environ.get("AMQP_PASSWORD", ""))))


if __name__ == "__main__":
    main()
