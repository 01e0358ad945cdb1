"""A throwaway certificate authority and server certificates, made with openssl for a test.

Transport security is tested against the real servers (PostgreSQL with ssl=on,
Kafka with a TLS listener) with certificates generated for the run: a CA the
client is told to trust, and a server certificate naming localhost and
127.0.0.1, so hostname verification (`sslmode=verify-full`, Kafka's
`ssl_check_hostname`) is exercised, not switched off.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerCertificate:
    ca: Path  # the CA certificate (PEM) a client trusts
    certificate: Path  # the server's certificate (PEM), signed by the CA
    key: Path  # the server's private key (PEM, unencrypted, mode 0600)


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_server_certificate(directory: Path, name: str = "server") -> ServerCertificate:
    """A new CA and a certificate for localhost / 127.0.0.1 signed by it, in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca = directory / "ca.key", directory / "ca.crt"
    key, request, cert = (directory / f"{name}.{ext}" for ext in ("key", "csr", "crt"))
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=casejourney test CA", "-keyout", str(ca_key), "-out", str(ca),
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", str(key), "-out", str(request),
    )  # fmt: skip
    extensions = directory / f"{name}.ext"
    extensions.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        encoding="utf-8",
    )
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert),
    )  # fmt: skip
    key.chmod(0o600)
    return ServerCertificate(ca, cert, key)
