#!/usr/bin/python3
"""Talk to Redis the way the app does (redis-py), and print what happened as JSON.

    redis_probe.py HOST PORT USER ACTION [ARG]    (the password comes from $REDIS_PASSWORD;
                                                   none set: no AUTH at all)

Over TLS when $REDIS_CA names a CA certificate file: Redis's certificate must come from that
CA and name HOST (redis-py's check, as the app's rediss:// URLs ask for it); the result then
says the link's protocol and cipher ("tls"). $REDIS_CA empty or unset: plaintext.

Actions: "roundtrip" (SET, GET and DEL a new key), "admin" (CONFIG GET, an administrative
command), "fill N" (write N keys of 1 KiB under fill:, 500 at a time, until Redis refuses),
"set KEY" and "get KEY" (a value that survives, or not, a restart), "hold FILE" (a roundtrip,
then on the same connection another once FILE exists, for up to 600 s: "same_connection" says
whether Redis kept it).
Outcomes: "ok", "auth_refused" (wrong user or password), "noauth" (no user given), "noperm"
(the user may not run the command), "oom" (Redis is full and refuses writes),
"tls_refused" (the client refused Redis's certificate), "unreachable" (no connection at all,
or one Redis closed: plaintext on its TLS port), "error" (anything else). Always exits 0: the
playbook asserts on the outcome and the figures beside it.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path

import redis


def classify(err: Exception) -> str:
    # By Redis's error codes and texts: redis-py's classes for them differ between versions
    # (4.3 raises ResponseError("WRONGPASS ..."), later ones AuthenticationError, a
    # ConnectionError, without the code).
    text = str(err)
    lower = text.lower()
    if text.startswith("NOAUTH") or "authentication required" in lower:
        return "noauth"
    if text.startswith("WRONGPASS") or isinstance(err, redis.exceptions.AuthenticationError):
        return "auth_refused"
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in lower:
        return "tls_refused"
    if isinstance(err, redis.exceptions.NoPermissionError) or text.startswith("NOPERM"):
        return "noperm"
    if text.startswith("OOM") or "used memory > 'maxmemory'" in lower:
        return "oom"
    if isinstance(err, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return "unreachable"
    return "error"


def fill(client: redis.Redis, count: int) -> dict:
    value = b"x" * 1024
    written = 0
    outcome = "ok"
    while written < count:
        batch = min(500, count - written)
        pipe = client.pipeline(transaction=False)
        for i in range(written, written + batch):
            pipe.set(f"fill:{i}", value)
        results = pipe.execute(raise_on_error=False)
        done = sum(1 for result in results if result is True)
        written += done
        errors = [result for result in results if isinstance(result, Exception)]
        if errors:
            outcome = classify(errors[0])
            break
    memory = client.info("memory")
    found = {
        "outcome": outcome,
        "written": written,
        "dbsize": client.dbsize(),
        "used_memory": memory["used_memory"],
        "maxmemory": memory["maxmemory"],
    }
    # Leave Redis as it was (DEL is allowed when full): the keys that were kept go.
    for start in range(0, written, 500):
        client.delete(*(f"fill:{i}" for i in range(start, min(start + 500, written))))
    return found


def act(client: redis.Redis, action: str, arg: str | None) -> dict:
    if action == "roundtrip":
        key, value = f"probe:{uuid.uuid4().hex}", uuid.uuid4().hex
        client.set(key, value)
        ok = client.get(key) == value.encode()
        client.delete(key)
        return {"outcome": "ok" if ok else "error"}
    if action == "admin":
        client.config_get("maxmemory")
        return {"outcome": "ok"}
    if action == "fill":
        return fill(client, int(arg))
    if action == "set":
        client.set(arg, "kept")
        return {"outcome": "ok"}
    if action == "get":
        value = client.get(arg)
        return {"outcome": "ok", "value": None if value is None else value.decode()}
    if action == "hold":
        first = client.client_id()
        act(client, "roundtrip", None)
        deadline = time.monotonic() + 600
        while not Path(arg).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        act(client, "roundtrip", None)
        return {"outcome": "ok", "same_connection": client.client_id() == first}
    raise SystemExit(f"unknown action {action}")


def tls_of(client: redis.Redis) -> str | None:
    """The protocol and cipher of the client's connection, when it is TLS."""
    sock = getattr(client.connection, "_sock", None)
    if sock is None or not hasattr(sock, "version"):
        return None
    return f"{sock.version()} {sock.cipher()[0]}"


def main() -> None:
    host, port, user, action = sys.argv[1:5]
    arg = sys.argv[5] if len(sys.argv) > 5 else None
    password = os.environ.get("REDIS_PASSWORD")
    ca = os.environ.get("REDIS_CA", "")
    tls = (
        {"ssl": True, "ssl_ca_certs": ca, "ssl_cert_reqs": "required", "ssl_check_hostname": True}
        if ca
        else {}
    )
    try:
        # One connection for the whole run (made here: an error in it is an outcome too):
        # "hold" asks whether it lasted, and the result says what it was.
        client = redis.Redis(
            host=host,
            port=int(port),
            username=user if password is not None else None,
            password=password,
            socket_connect_timeout=5,
            socket_timeout=10,
            single_connection_client=True,
            **tls,
        )
        result = act(client, action, arg)
        result["tls"] = tls_of(client)
    except redis.exceptions.RedisError as err:
        result = {"outcome": classify(err), "detail": str(err)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
