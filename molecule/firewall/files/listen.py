#!/usr/bin/python3
"""A stand-in for the services: accept TCP connections on each port given, on the address
given (0.0.0.0: all of the host's, so only the firewall decides who gets in), and close
them.

    listen.py ADDRESS PORT ...
"""

import selectors
import socket
import sys

selector = selectors.DefaultSelector()
for port in map(int, sys.argv[2:]):
    server = socket.create_server((sys.argv[1], port))
    server.setblocking(False)
    selector.register(server, selectors.EVENT_READ)
while True:
    for key, _ in selector.select():
        connection, _ = key.fileobj.accept()
        connection.close()
