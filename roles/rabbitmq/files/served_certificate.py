#!/usr/bin/python3
"""Say whether a TLS server serves the certificate in a file: "served", or "stale".

    served_certificate.py HOST PORT CERTIFICATE_FILE

Exits 1 (with the error) when the server cannot be reached or the file read.
"""

import ssl
import sys

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
served = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((host, port)))
with open(path, encoding="ascii") as file:
    on_disk = ssl.PEM_cert_to_DER_cert(file.read())
print("served" if served == on_disk else "stale")
