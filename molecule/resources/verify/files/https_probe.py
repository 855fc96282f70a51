#!/usr/bin/python3
"""Ask a web server for a path over TLS, as a client that trusts CA_FILE and dials NAME would.

    https_probe.py HOST PORT PATH HOST_HEADER CA_FILE NAME   over TLS, checking the certificate
    https_probe.py HOST PORT PATH HOST_HEADER --system NAME  the same, trusting the system's CAs
    https_probe.py HOST PORT PATH HOST_HEADER --plain        over plain HTTP

Prints one JSON object: {"outcome": "answered", "status": "HTTP/1.1 200 OK", "version": ...,
"cipher": ...}, or {"outcome": "tls_refused", "error": ...} when the certificate is not
trusted or not for NAME, or {"outcome": "unreachable", "error": ...}.
"""

import json
import socket
import ssl
import sys


def ask(connection: socket.socket, path: str, host: str) -> str:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    connection.sendall(request.encode("ascii"))
    answer = b""
    while b"\r\n" not in answer and (chunk := connection.recv(4096)):
        answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def main() -> dict:
    address, port, path, host = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    try:
        connection = socket.create_connection((address, port), timeout=10)
    except OSError as error:
        return {"outcome": "unreachable", "error": str(error)}
    with connection:
        if sys.argv[5] == "--plain":
            return {"outcome": "answered", "status": ask(connection, path, host)}
        trusted = None if sys.argv[5] == "--system" else sys.argv[5]
        context = ssl.create_default_context(cafile=trusted)
        try:
            with context.wrap_socket(connection, server_hostname=sys.argv[6]) as tls:
                return {
                    "outcome": "answered",
                    "status": ask(tls, path, host),
                    "version": tls.version(),
                    "cipher": tls.cipher()[0],
                }
        except ssl.SSLError as error:
            return {"outcome": "tls_refused", "error": str(error)}


if __name__ == "__main__":
    print(json.dumps(main()))
