"""A real HTTPS server on loopback, with a certificate authority made for the test.

:func:`make_authority` writes a CA certificate and a server certificate (for ``127.0.0.1``
and ``localhost``) signed by it, with the ``cryptography`` package; :class:`HttpsHost` serves
files over TLS with ``http.server`` + ``ssl`` in a thread and records every request. Clients
trust the server only through the CA file (``ca_bundle`` / ``--ca-bundle``).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Authority:
    """The files of a test certificate authority and of the server certificate it signed."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_authority(folder: Path) -> Authority:
    """Write a CA and a server certificate for 127.0.0.1 and localhost into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("rs-stac-ext test CA"))
        .issuer_name(_name("rs-stac-ext test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    authority = Authority(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    authority.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    authority.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    authority.key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return authority


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes
    status: int = 200
    delay: float = 0.0


@dataclass
class HttpsHost:
    """One HTTPS server on 127.0.0.1, addressed by ``hostname`` (``127.0.0.1`` or ``localhost``).

    Attributes:
        hostname: The host name clients use in URLs.
        port: The port it listens on.
        routes: Path → answer.
        requests: Every path requested, in order.
    """

    hostname: str
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def netloc(self) -> str:
        """``hostname:port``: the ``--allow-host`` entry of this server."""
        return f"{self.hostname}:{self.port}"

    def url(self, path: str) -> str:
        """The https URL of a path on this server."""
        return f"https://{self.netloc}{path}"

    def serve(self, path: str, body: Any, *, status: int = 200, delay: float = 0.0) -> str:
        """Answer ``path`` with ``body`` (bytes, or a value written as JSON); return its URL."""
        data = body if isinstance(body, bytes) else json.dumps(body, indent=1).encode()
        self.routes[path] = Route(data, status, delay)
        return self.url(path)


class _Server(ThreadingHTTPServer):
    host: HttpsHost
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        host = self.server.host
        host.requests.append(self.path)
        route = host.routes.get(self.path, Route(b"not found", 404))
        if route.delay:
            host.stop.wait(route.delay)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", "application/schema+json")
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except OSError:
            pass  # the client gave up (a size or time limit): expected

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def https_host(authority: Authority, hostname: str = "127.0.0.1") -> Iterator[HttpsHost]:
    """Run an HTTPS server with the authority's server certificate until the block ends."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(authority.cert_file, authority.key_file)
    httpd = _Server(("127.0.0.1", 0), _Handler, bind_and_activate=True)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    host = HttpsHost(hostname, httpd.server_address[1])
    httpd.host = host
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield host
    finally:
        host.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
